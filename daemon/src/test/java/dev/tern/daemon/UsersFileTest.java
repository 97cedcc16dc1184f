package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.daemon.Settings.ConfigException;
import dev.tern.mailbox.UserDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UsersFileTest {

  private static final String HASH = PasswordHash.create("secret").toString();
  private static final String CLEARTEXT = new CryptoRoot.Cleartext(KeyBundle.generate()).format();

  @TempDir Path directory;

  private Path file() {
    return directory.resolve("users.toml");
  }

  @Test
  void roundTripKeepsEveryField() {
    UsersFile.Entry alice = UsersFile.Entry.of("alice", List.of("alice@example.tld", "a.l@Example.TLD"), HASH,
        CryptoRoot.Pass.inStore());
    UsersFile.Entry bob = new UsersFile.Entry("bob@example.tld", "bob", List.of("bob@example.tld"), HASH,
        CryptoRoot.parse(CLEARTEXT), Optional.of("mail-bucket"), Optional.of("tenants/one/"));
    UsersFile.Entry carol = UsersFile.Entry.of("carol", List.of(), HASH,
        new CryptoRoot.Incoming(KeyBundle.generate().publicKey()));
    UsersFile users = UsersFile.readOrEmpty(file()).add(carol).add(bob).add(alice);
    users.write();

    UsersFile read = UsersFile.read(file());
    assertEquals(List.of("alice", "bob@example.tld", "carol"), read.entries().stream().map(UsersFile.Entry::login).toList());
    for (UsersFile.Entry written : users.entries()) {
      UsersFile.Entry back = read.entry(written.login()).orElseThrow();
      assertEquals(written.id(), back.id());
      assertEquals(written.addresses(), back.addresses());
      assertEquals(written.password(), back.password());
      assertEquals(written.cryptoRoot().format(), back.cryptoRoot().format());
      assertEquals(written.bucket(), back.bucket());
      assertEquals(written.prefix(), back.prefix());
    }
    assertEquals(users.format(), read.format(), "writing what was read changes nothing");
  }

  @Test
  void theWrittenFileIsForHumans() throws IOException {
    UsersFile.readOrEmpty(file())
        .add(UsersFile.Entry.of("zed", List.of("zed@example.tld"), HASH, CryptoRoot.Pass.inStore()))
        .add(UsersFile.Entry.of("amy", List.of("amy@example.tld"), HASH, CryptoRoot.Pass.inStore()))
        .write();
    String text = Files.readString(file());
    assertTrue(text.startsWith("# Tern users"), text);
    assertTrue(text.indexOf("[amy]") < text.indexOf("[zed]"), "sorted by login:\n" + text);
    assertTrue(text.contains("addresses = [\"amy@example.tld\"]\npassword = \"" + HASH
        + "\"\ncrypto_root = \"tern:cryptoroot:pass\"\n"), text);
    assertFalse(text.contains("id ="), "an id equal to the login is not written:\n" + text);
  }

  @Test
  void writingIsAtomicAndKeepsPermissions() throws IOException {
    UsersFile one = UsersFile.readOrEmpty(file())
        .add(UsersFile.Entry.of("amy", List.of("amy@example.tld"), HASH, CryptoRoot.Pass.inStore()));
    one.write();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())),
        "a new users file is readable by its owner only");
    Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r-----"));
    one.remove("amy").write();
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
    try (Stream<Path> files = Files.list(directory)) {
      assertEquals(List.of("users.toml"), files.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
    }
    assertTrue(UsersFile.read(file()).entries().isEmpty());
  }

  @Test
  void updateReadsChangesAndWritesUnderALock() {
    UsersFile.update(file(), users -> users.add(
        UsersFile.Entry.of("amy", List.of("amy@example.tld"), HASH, CryptoRoot.Pass.inStore())));
    UsersFile.update(file(), users -> users.add(
        UsersFile.Entry.of("bob", List.of("bob@example.tld"), HASH, CryptoRoot.Pass.inStore())));
    assertEquals(2, UsersFile.read(file()).entries().size());
  }

  @Test
  void theDirectoryFindsUsersByLoginAndAddress() {
    Cli.write(file(), entry("alice", "addresses = [\"alice@Example.TLD\"]"));
    UserDirectory users = UsersFile.read(file()).directory();
    assertEquals("alice", users.byLogin("alice").orElseThrow().id());
    assertEquals("alice", users.byAddress("alice+news@example.tld").orElseThrow().login());
    assertTrue(users.byLogin("bob").isEmpty());
  }

  @Test
  void anEmptyFileHasNoUsers() {
    Cli.write(file(), "# nobody yet\n");
    assertTrue(UsersFile.read(file()).entries().isEmpty());
  }

  @Test
  void aMissingFileIsAnErrorWhenReadingButEmptyForTheFirstAdd() {
    ConfigException e = assertThrows(ConfigException.class, () -> UsersFile.read(file()));
    assertEquals("users file " + file() + " not found", e.getMessage());
    assertTrue(UsersFile.readOrEmpty(file()).entries().isEmpty());
  }

  static Stream<Arguments> mistakes() {
    String ok = "addresses = [\"alice@example.tld\"]\npassword = \"" + HASH + "\"\ncrypto_root = \"tern:cryptoroot:pass\"\n";
    return Stream.of(
        Arguments.of("[alice]\n" + ok + "colour = \"blue\"\n", "alice.colour: unknown key"),
        Arguments.of("[alice]\npassword = \"" + HASH + "\"\ncrypto_root = \"tern:cryptoroot:pass\"\n",
            "alice.addresses: is required"),
        Arguments.of("[alice]\n" + ok.replace("[\"alice@example.tld\"]", "\"alice@example.tld\""),
            "alice.addresses: must be a list of strings"),
        Arguments.of("[alice]\n" + ok.replace("[\"alice@example.tld\"]", "[1]"), "alice.addresses: must be a list of strings"),
        Arguments.of("[alice]\n" + ok.replace("alice@example.tld", "alice"), "alice.addresses: \"alice\" is not an address"),
        Arguments.of("[alice]\n" + ok.replace("[\"alice@example.tld\"]", "[\"a@x.tld\", \"a@X.TLD\"]"),
            "alice.addresses: a@X.TLD is listed twice"),
        Arguments.of("[alice]\n" + ok.replace("password = \"" + HASH + "\"\n", ""), "alice.password: is required"),
        Arguments.of("[alice]\n" + ok.replace("\"" + HASH + "\"", "\"hunter2\""), "alice.password: not an Argon2 PHC string"),
        Arguments.of("[alice]\n" + ok.replace("\"" + HASH + "\"", "42"), "alice.password: must be a string"),
        Arguments.of("[alice]\n" + ok.replace("crypto_root = \"tern:cryptoroot:pass\"\n", ""), "alice.crypto_root: is required"),
        Arguments.of("[alice]\n" + ok.replace("tern:cryptoroot:pass", "tern:cryptoroot:magic"),
            "alice.crypto_root: unknown crypto root kind 'magic'"),
        Arguments.of("[alice]\n" + ok.replace("tern:cryptoroot:pass", "tern:cryptoroot:cleartext:AAAA"),
            "alice.crypto_root: bad cleartext crypto root"),
        Arguments.of("[alice]\n" + ok + "id = \"a/b\"\n", "alice.id: \"a/b\""),
        Arguments.of("[alice]\n" + ok + "id = \"..\"\n", "alice.id: \"..\""),
        Arguments.of("[\"Alice Smith\"]\n" + ok, "Alice Smith.login: a login cannot contain spaces"),
        Arguments.of("[\"alice/x\"]\n" + ok, "alice/x.id: the login is not usable as a store id; set id"),
        Arguments.of("[alice]\n" + ok + "bucket = \"No_Such\"\n", "alice.bucket: \"No_Such\" is not an S3 bucket name"),
        Arguments.of("[alice]\n" + ok + "prefix = \"a//b\"\n", "alice.prefix: not a key prefix"),
        Arguments.of("[alice]\n" + ok + "[bob]\n" + ok.replace("alice@example.tld", "alice@EXAMPLE.tld"),
            "bob.addresses: alice@EXAMPLE.tld is already an address of alice"),
        Arguments.of("[alice]\n" + ok + "[bob]\nid = \"alice\"\n" + ok.replace("alice@", "bob@"),
            "bob.id: \"alice\" is also the store id of alice"),
        Arguments.of("alice = \"x\"\n", "alice: expected a table [alice]"));
  }

  @ParameterizedTest
  @MethodSource("mistakes")
  void everyMistakeIsOneLineNamingTheLoginAndKey(String text, String expected) {
    Cli.write(file(), text);
    ConfigException e = assertThrows(ConfigException.class, () -> UsersFile.read(file()));
    assertTrue(e.getMessage().startsWith(file() + ": " + expected), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertFalse(e.getMessage().contains(HASH), "never the hash: " + e.getMessage());
  }

  @Test
  void aTomlSyntaxErrorIsOneLine() {
    Cli.write(file(), "[alice\naddresses = [");
    ConfigException e = assertThrows(ConfigException.class, () -> UsersFile.read(file()));
    assertTrue(e.getMessage().startsWith(file() + ": "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void aCleartextRootNeverAppearsInMessages() {
    Cli.write(file(), "[alice]\naddresses = [\"nope\"]\npassword = \"" + HASH + "\"\ncrypto_root = \"" + CLEARTEXT + "\"\n");
    ConfigException e = assertThrows(ConfigException.class, () -> UsersFile.read(file()));
    assertFalse(e.getMessage().contains(CLEARTEXT.substring(30)), e.getMessage());
    assertEquals("Entry[alice]", UsersFile.Entry.of("alice", List.of(), HASH, CryptoRoot.parse(CLEARTEXT)).toString());
  }

  @Test
  void checkAvailableRefusesTakenLoginsIdsAndAddresses() {
    UsersFile users = UsersFile.readOrEmpty(file())
        .add(new UsersFile.Entry("robert", "bob", List.of("bob@example.tld"), HASH, CryptoRoot.Pass.inStore(),
            Optional.empty(), Optional.empty()));
    assertEquals("user robert already exists in " + file(),
        assertThrows(Failure.class, () -> users.checkAvailable("robert", List.of())).getMessage());
    assertEquals("the store id bob is already robert's (users/bob/)",
        assertThrows(Failure.class, () -> users.checkAvailable("bob", List.of())).getMessage());
    assertEquals("bob@example.tld is already an address of robert",
        assertThrows(Failure.class, () -> users.checkAvailable("carol", List.of("c@x.tld", "bob@Example.tld"))).getMessage());
    assertEquals("\"carol\" is not an address (local@domain)",
        assertThrows(Failure.class, () -> users.checkAvailable("carol", List.of("carol"))).getMessage());
    assertEquals("c@x.tld is given twice",
        assertThrows(Failure.class, () -> users.checkAvailable("carol", List.of("c@x.tld", "c@x.tld"))).getMessage());
    users.checkAvailable("carol", List.of("carol@example.tld"));
  }

  private static String entry(String login, String addresses) {
    return "[" + login + "]\n" + addresses + "\npassword = \"" + HASH + "\"\ncrypto_root = \"tern:cryptoroot:pass\"\n";
  }
}
