package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

  @TempDir Path directory;
  private Cli cli;

  @BeforeEach
  void install() {
    cli = new Cli(directory);
    cli.variables.put("TERN_PASSWORD", "pw");
    assertEquals(0, cli.run("account", "add", "--login", "alice").exitCode());
  }

  @Test
  void aGoodInstallationPasses() {
    Cli.Run run = cli.run("check");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.err(), run::toString);
    String[] lines = run.out().split("\n");
    assertEquals("tern: configuration " + cli.config + ": ok; listeners 127.0.0.1:0 (IMAP, cleartext)", lines[0]);
    assertEquals("tern: users " + cli.usersFile() + ": ok, 1 users", lines[1]);
    assertTrue(lines[2].startsWith("tern: store directory " + cli.store() + ": ok, wrote, read and deleted a probe object in "),
        lines[2]);
    assertEquals("tern: check passed", lines[3]);
    try (var store = new dev.tern.storage.FileObjectStore(cli.store())) {
      assertEquals(0, store.listAll("tern-check/", Optional.empty()).count(), "the probe is gone");
    }
  }

  @Test
  void aBadConfigurationFails() throws IOException {
    Files.writeString(cli.config, Files.readString(cli.config).replace("type = \"directory\"", "type = \"tape\""));
    Cli.Run run = cli.run("check");
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("tern: configuration FAILED: " + cli.config + ": storage.type must be \"directory\" or \"s3\", not \"tape\"\n",
        run.err());
  }

  @Test
  void aBadUsersFileOrAnUnusableStoreFails() throws IOException {
    Files.writeString(cli.usersFile(), Files.readString(cli.usersFile()).replace("tern:cryptoroot:pass", "pass"));
    Files.createFile(directory.resolve("blocked"));
    Cli.Run run = cli.run("check");
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.err().startsWith("tern: users FAILED: " + cli.usersFile() + ": alice.crypto_root: not a crypto root"),
        run.err());
    assertTrue(run.out().endsWith("tern: check FAILED\n"), run.out());

    cli.variables.put("TERN_STORAGE_PATH", directory.resolve("blocked/store").toString());
    Cli.Run store = cli.run("check");
    assertEquals(1, store.exitCode(), store::toString);
    assertTrue(store.err().contains("tern: store directory " + directory.resolve("blocked/store") + " FAILED: "), store.err());
  }
}
