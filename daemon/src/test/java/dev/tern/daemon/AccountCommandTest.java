package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.PasswordHash;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.MailboxName;
import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.FileObjectStore;
import dev.tern.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tern account ...} in-process against a directory store, checked through {@link Accounts} as the daemon wires it. */
class AccountCommandTest {

  private static final MessageId MESSAGE_ID = MessageId.random(new SecureRandom());
  private static final byte[] MESSAGE = "Subject: kept\r\n\r\nStill readable.\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path directory;
  private Cli cli;

  @BeforeEach
  void install() {
    cli = new Cli(directory);
  }

  /** A node on the store with the users file as written now; closing it closes its store. */
  private Node node() {
    return new Node(new FileObjectStore(cli.store()), UsersFile.read(cli.usersFile()).directory(), new byte[0]);
  }

  private static boolean canLogIn(Node node, String login, String password) {
    Optional<Accounts.Lease> lease = node.accounts().login(login, password);
    lease.ifPresent(Accounts.Lease::close);
    return lease.isPresent();
  }

  private Cli.Run ok(String... args) {
    Cli.Run run = cli.run(args);
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.err(), run::toString);
    return run;
  }

  private Cli.Run fails(String expectedError, String... args) {
    Cli.Run run = cli.run(args);
    assertNotEquals(0, run.exitCode(), run::toString);
    assertEquals("tern: " + expectedError + "\n", run.err(), run::toString);
    return run;
  }

  @Test
  void addListLoginPasswdDelete() throws IOException {
    cli.variables.put("TERN_PASSWORD", "first secret");
    Cli.Run added = ok("account", "add", "--login", "alice", "--address", "alice@example.tld", "--address", "a@example.tld");
    assertTrue(added.out().startsWith("tern: added alice (pass crypto root, alice@example.tld, a@example.tld) to "),
        added.out());
    assertTrue(added.out().contains("tern reload"), added.out());

    Cli.Run list = ok("account", "list");
    assertEquals("""
        LOGIN  ID     ROOT  ADDRESSES
        alice  alice  pass  alice@example.tld, a@example.tld
        """, list.out());
    assertFalse(list.out().contains("argon2"), "no secrets in the list");

    try (Node node = node()) {
      Accounts.Lease lease = node.accounts().login("alice", "first secret").orElseThrow();
      lease.account().create(MailboxName.of("Projects"), Set.of());
      lease.account().messages().putBlob(MESSAGE_ID, new ByteArrayInputStream(MESSAGE), MESSAGE.length);
      lease.close();
      assertFalse(canLogIn(node, "alice", "wrong"));
    }

    cli.variables.put("TERN_OLD_PASSWORD", "first secret");
    cli.variables.put("TERN_PASSWORD", "second secret");
    Cli.Run changed = ok("account", "passwd", "--login", "alice");
    assertTrue(changed.out().startsWith("tern: changed alice's password in "), changed.out());
    assertTrue(PasswordHash.verify("second secret", UsersFile.read(cli.usersFile()).entry("alice").orElseThrow().password()));

    try (Node node = node()) {
      assertFalse(canLogIn(node, "alice", "first secret"), "the old password no longer works");
      Accounts.Lease lease = node.accounts().login("alice", "second secret").orElseThrow();
      assertTrue(lease.account().mailboxes().lookup(MailboxName.of("Projects")).isPresent(),
          "the mail made under the old password is readable: " + lease.account().mailboxes().mailboxes().keySet());
      try (InputStream blob = lease.account().messages().openBlob(MESSAGE_ID)) {
        assertArrayEquals(MESSAGE, blob.readAllBytes());
      }
      lease.close();
      // The old password cannot open the keys either: the slot itself was re-wrapped.
      assertTrue(node.accounts().keyring(UsersFile.read(cli.usersFile()).entry("alice").orElseThrow().user())
          .unlock("first secret").isEmpty());
    }

    Cli.Run deleted = ok("account", "delete", "--login", "alice");
    assertTrue(deleted.out().contains("removed alice from "), deleted.out());
    assertTrue(deleted.out().contains("alice's mail stays in the store under users/alice/"), deleted.out());
    assertTrue(UsersFile.read(cli.usersFile()).entries().isEmpty());
    assertTrue(Files.isDirectory(cli.store().resolve("objects/users/alice")), "the mail is kept");
    assertEquals("tern: no users in " + cli.usersFile() + "\n", ok("account", "list").out());
  }

  @Test
  void aCleartextUserHasKeysInTheFileAndNoneInTheStore() {
    cli.variables.put("TERN_PASSWORD", "pw");
    ok("account", "add", "--login", "carol", "--address", "carol@example.tld", "--cleartext");
    UsersFile.Entry carol = UsersFile.read(cli.usersFile()).entry("carol").orElseThrow();
    assertInstanceOf(CryptoRoot.Cleartext.class, carol.cryptoRoot());
    assertFalse(Files.exists(cli.store().resolve("objects/users/carol")));
    assertTrue(ok("account", "list").out().contains("carol  carol  cleartext  carol@example.tld"));
    try (Node node = node()) {
      assertTrue(canLogIn(node, "carol", "pw"));
    }
    // No old password for a cleartext root: the admin sets a new one.
    cli.variables.put("TERN_PASSWORD", "pw2");
    ok("account", "passwd", "--login", "carol");
    try (Node node = node()) {
      assertTrue(canLogIn(node, "carol", "pw2"));
      assertFalse(canLogIn(node, "carol", "pw"));
    }
  }

  @Test
  void addRefusesTakenLoginsAndAddresses() {
    cli.variables.put("TERN_PASSWORD", "pw");
    ok("account", "add", "--login", "alice", "--address", "alice@example.tld");
    fails("user alice already exists in " + cli.usersFile(), "account", "add", "--login", "alice");
    fails("alice@example.tld is already an address of alice",
        "account", "add", "--login", "bob", "--address", "bob@example.tld", "--address", "alice@EXAMPLE.TLD");
    fails("\"bob\" is not an address (local@domain)", "account", "add", "--login", "bob", "--address", "bob");
    fails("a login cannot contain spaces, control characters, quotes or backslashes: \"bo b\"",
        "account", "add", "--login", "bo b");
    assertFalse(Files.exists(cli.store().resolve("objects/users/bob")), "no keys made for a refused user");
  }

  @Test
  void thePasswordComesFromAFileTheVariableOrTheTerminal() throws IOException {
    Path passwordFile = directory.resolve("pw.txt");
    Files.writeString(passwordFile, "from file\n");
    ok("account", "add", "--login", "f", "--password-file", passwordFile.toString());

    cli.terminal = true;
    cli.answers.addAll(List.of("typed", "typed"));
    ok("account", "add", "--login", "t");

    cli.answers.addAll(List.of("typed", "tpyed"));
    fails("the two entries of the password of u differ", "account", "add", "--login", "u");

    cli.terminal = false;
    fails("no terminal to ask for the password of v: set TERN_PASSWORD or use --password-file FILE",
        "account", "add", "--login", "v");
    fails("password file " + directory.resolve("none") + " not found",
        "account", "add", "--login", "v", "--password-file", directory.resolve("none").toString());
    cli.variables.put("TERN_PASSWORD", "");
    fails("the password of v (TERN_PASSWORD) is empty", "account", "add", "--login", "v");

    try (Node node = node()) {
      assertTrue(canLogIn(node, "f", "from file"), "the line end is not part of the password");
      assertTrue(canLogIn(node, "t", "typed"));
    }
    assertEquals(Set.of("f", "t"), Set.copyOf(UsersFile.read(cli.usersFile()).entries().stream()
        .map(UsersFile.Entry::login).toList()));
  }

  @Test
  void passwdNeedsTheOldPasswordOfAPassRoot() {
    cli.variables.put("TERN_PASSWORD", "pw");
    ok("account", "add", "--login", "alice");
    String hash = UsersFile.read(cli.usersFile()).entry("alice").orElseThrow().password();
    cli.variables.put("TERN_OLD_PASSWORD", "not it");
    cli.variables.put("TERN_PASSWORD", "new");
    fails("the old password does not open alice's keys; nothing changed", "account", "passwd", "--login", "alice");
    assertEquals(hash, UsersFile.read(cli.usersFile()).entry("alice").orElseThrow().password(), "users file untouched");
    cli.variables.remove("TERN_OLD_PASSWORD");
    fails("no terminal to ask for the old password of alice: set TERN_OLD_PASSWORD", "account", "passwd", "--login", "alice");
    fails("no user bob in " + cli.usersFile(), "account", "passwd", "--login", "bob");
  }

  @Test
  void addingADeletedUserAgainReusesTheKeptKeysOnlyWithTheirPassword() {
    cli.variables.put("TERN_PASSWORD", "pw");
    ok("account", "add", "--login", "alice");
    try (Node node = node()) {
      Accounts.Lease lease = node.accounts().login("alice", "pw").orElseThrow();
      lease.account().create(MailboxName.of("Kept"), Set.of());
      lease.close();
    }
    ok("account", "delete", "--login", "alice");
    cli.variables.put("TERN_PASSWORD", "other");
    fails("users/alice/keys already exist in the store (a deleted user's mail?) and this password does not open them: "
        + "use that user's password, or remove them with `tern account delete --login alice --purge`",
        "account", "add", "--login", "alice");
    cli.variables.put("TERN_PASSWORD", "pw");
    assertTrue(ok("account", "add", "--login", "alice").out().contains("reusing them"));
    try (Node node = node()) {
      Accounts.Lease lease = node.accounts().login("alice", "pw").orElseThrow();
      assertTrue(lease.account().mailboxes().lookup(MailboxName.of("Kept")).isPresent());
      lease.close();
    }
  }

  @Test
  void purgeDeletesTheMailAfterConfirmation() {
    cli.variables.put("TERN_PASSWORD", "pw");
    ok("account", "add", "--login", "alice", "--address", "alice@example.tld");
    ok("account", "add", "--login", "bob", "--address", "bob@example.tld");
    try (Node node = node()) {
      for (String login : List.of("alice", "bob")) {
        Accounts.Lease lease = node.accounts().login(login, "pw").orElseThrow();
        lease.account().ensureDefaults();
        lease.close();
      }
    }
    fails("--purge deletes all of alice's mail: add --yes to confirm without a terminal",
        "account", "delete", "--login", "alice", "--purge");
    cli.terminal = true;
    cli.answers.add("no");
    fails("not confirmed; nothing changed", "account", "delete", "--login", "alice", "--purge");
    assertTrue(UsersFile.read(cli.usersFile()).entry("alice").isPresent(), "a refused purge removes nothing");

    cli.answers.add("alice");
    Cli.Run purged = ok("account", "delete", "--login", "alice", "--purge");
    assertTrue(purged.out().matches("(?s).*tern: deleted \\d+ objects under users/alice/ from the store.*"), purged.out());
    try (ObjectStore store = new FileObjectStore(cli.store())) {
      assertEquals(0, store.listAll("users/alice/", Optional.empty()).count());
      assertTrue(store.listAll("users/bob/", Optional.empty()).count() > 3, "another user's mail stays");
    }
    UserDirectory users = UsersFile.read(cli.usersFile()).directory();
    assertTrue(users.byLogin("alice").isEmpty());
    assertTrue(users.byAddress("bob@example.tld").isPresent());

    // Kept mail of a user no longer in the file can be purged too.
    ok("account", "delete", "--login", "bob");
    Cli.Run late = ok("account", "delete", "--login", "bob", "--purge", "--yes");
    assertTrue(late.out().contains("under users/bob/"), late.out());
    fails("no user bob in " + cli.usersFile(), "account", "delete", "--login", "bob");
  }

  @Test
  void accountCommandsNeedAConfiguration() {
    Cli.Run run = cli.runRaw("--dev", "account", "list");
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("tern: this command works on a configuration (-c FILE); development mode has no users file\n", run.err());
    Cli.Run missing = cli.runRaw("-c", directory.resolve("none.toml").toString(), "account", "list");
    assertEquals(2, missing.exitCode(), missing::toString);
    assertTrue(missing.err().startsWith("tern: configuration file "), missing.err());
  }

  @Test
  void aSetupFileDescribesTheAccountForScripts() throws IOException {
    Path setup = directory.resolve("bob.toml");
    Files.writeString(setup, """
        password = "from the setup file"
        addresses = ["bob@example.tld"]
        cleartext = true
        """);
    Cli.Run added = ok("account", "add", "--login", "bob", "--setup", setup.toString(), "--address", "b@example.tld");
    assertTrue(added.out().startsWith("tern: added bob (cleartext crypto root, bob@example.tld, b@example.tld) to "),
        added.out());
    try (Node node = node()) {
      assertTrue(canLogIn(node, "bob", "from the setup file"));
    }
    Files.writeString(setup, "password = \"x\"\nadress = [\"typo@example.tld\"]\n");
    fails(setup + ": unknown key adress (password, addresses, cleartext)", "account", "add", "--login", "carol",
        "--setup", setup.toString());
    Files.writeString(setup, "password = \"x\"\n");
    fails("the password comes from " + setup + " or from --password-file, not both", "account", "add", "--login",
        "carol", "--setup", setup.toString(), "--password-file", setup.toString());
  }
}
