package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.mailbox.Keyring;
import dev.tern.storage.FileObjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolsCommandTest {

  @TempDir Path directory;
  private Cli cli;

  @BeforeEach
  void install() {
    cli = new Cli(directory);
  }

  private String ok(String... args) {
    Cli.Run run = cli.run(args);
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.err(), run::toString);
    return run.out().strip();
  }

  private String fails(String... args) {
    Cli.Run run = cli.run(args);
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals(1, run.err().lines().count(), run::toString);
    return run.err().strip();
  }

  private Keyring keyring(FileObjectStore store, String id) {
    return new Keyring(store, id, new byte[0]);
  }

  @Test
  void passwordHashPrintsAPhcStringOfThePassword() {
    cli.variables.put("TERN_PASSWORD", "hunter2");
    String hash = ok("tools", "password-hash");
    assertTrue(hash.startsWith("$argon2id$v=19$"), hash);
    assertTrue(PasswordHash.verify("hunter2", hash));
    cli.variables.clear();
    cli.terminal = true;
    cli.answers.add("typed");
    cli.answers.add("typed");
    assertTrue(PasswordHash.verify("typed", ok("tools", "password-hash")));
  }

  @Test
  void newCreatesTheKeysInTheStoreAndPrintsAPassRoot() {
    cli.variables.put("TERN_PASSWORD", "pw");
    assertEquals("tern:cryptoroot:pass", ok("tools", "crypto-root", "new", "--login", "dave"));
    try (FileObjectStore store = new FileObjectStore(cli.store())) {
      assertTrue(keyring(store, "dave").unlock("pw").isPresent());
    }
    assertEquals("tern: users/dave/keys already exist in the store; "
        + "`tern tools crypto-root change-password` changes their password",
        fails("tools", "crypto-root", "new", "--login", "dave"));
    assertEquals("tern:cryptoroot:pass", ok("tools", "crypto-root", "new", "--login", "dave", "--id", "dave2"));
  }

  @Test
  void newCleartextPrintsAFreshBundleEachTime() {
    String one = ok("tools", "crypto-root", "new-cleartext");
    String two = ok("tools", "crypto-root", "new-cleartext");
    assertInstanceOf(CryptoRoot.Cleartext.class, CryptoRoot.parse(one));
    assertNotEquals(one, two);
  }

  @Test
  void deriveIncomingFromACleartextRootOrAUsersKeys() {
    KeyBundle keys = KeyBundle.generate();
    String cleartext = new CryptoRoot.Cleartext(keys).format();
    String expected = new CryptoRoot.Incoming(keys.publicKey()).format();
    assertEquals(expected, ok("tools", "crypto-root", "derive-incoming", cleartext));
    cli.stdin = cleartext + "\n";
    assertEquals(expected, ok("tools", "crypto-root", "derive-incoming"));
    assertFalse(expected.contains(cleartext.substring("tern:cryptoroot:cleartext:".length())), "no secret in the output");

    cli.variables.put("TERN_PASSWORD", "pw");
    ok("account", "add", "--login", "erin");
    String derived = ok("tools", "crypto-root", "derive-incoming", "--login", "erin");
    try (FileObjectStore store = new FileObjectStore(cli.store())) {
      assertEquals(new CryptoRoot.Incoming(keyring(store, "erin").unlock("pw").orElseThrow().publicKey()).format(), derived);
    }
    cli.variables.put("TERN_PASSWORD", "wrong");
    assertEquals("tern: the password does not open erin's keys",
        fails("tools", "crypto-root", "derive-incoming", "--login", "erin"));

    cli.variables.put("TERN_PASSWORD", "pw");
    ok("account", "add", "--login", "fay", "--cleartext");
    String fay = UsersFile.read(cli.usersFile()).entry("fay").orElseThrow().cryptoRoot().format();
    assertEquals(ok("tools", "crypto-root", "derive-incoming", fay),
        ok("tools", "crypto-root", "derive-incoming", "--login", "fay"), "a cleartext user needs no password");

    assertEquals("tern: a pass root holds no key: use --login (the keys are in the store behind the password)",
        fails("tools", "crypto-root", "derive-incoming", "tern:cryptoroot:pass"));
    assertTrue(fails("tools", "crypto-root", "derive-incoming", "nonsense").startsWith("tern: not a crypto root"));
    cli.stdin = "";
    assertEquals("tern: no crypto root on standard input (or give it as an argument, or use --login)",
        fails("tools", "crypto-root", "derive-incoming"));
  }

  @Test
  void changePasswordRewrapsTheKeysAndLeavesTheUsersFileAlone() {
    cli.variables.put("TERN_PASSWORD", "old");
    ok("account", "add", "--login", "gus");
    String before = UsersFile.read(cli.usersFile()).format();
    cli.variables.put("TERN_OLD_PASSWORD", "old");
    cli.variables.put("TERN_PASSWORD", "new");
    String hash = ok("tools", "crypto-root", "change-password", "--login", "gus");
    assertTrue(PasswordHash.verify("new", hash), "prints the new password's hash for the users list");
    assertEquals(before, UsersFile.read(cli.usersFile()).format());
    try (FileObjectStore store = new FileObjectStore(cli.store())) {
      assertTrue(keyring(store, "gus").unlock("new").isPresent());
      assertTrue(keyring(store, "gus").unlock("old").isEmpty());
    }
    assertEquals("tern: no keys for nobody in the store (users/nobody/keys/)",
        fails("tools", "crypto-root", "change-password", "--login", "nobody"));
  }
}
