package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import dev.tern.log.Timestamp;
import dev.tern.storage.ObjectInfo;
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
    assertEquals("tern: cluster: no node has a beat in the store, none is running (this configuration is node "
        + NodeId.ofThisHost() + ")", lines[3]);
    assertEquals("tern: keys: 1 of 1 users with a pass root have their keys in the store", lines[4]);
    assertEquals("tern: check passed", lines[5]);
    assertEquals(6, lines.length, run::toString);
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

  @Test
  void runningNodesAreListedAliveAndLeaveWhenTheyStop() {
    cli.variables.put("TERN_CLUSTER_NODE_ID", "one");
    Settings first = cli.settings();
    cli.variables.put("TERN_CLUSTER_NODE_ID", "two");
    Settings second = cli.settings();
    cli.variables.put("TERN_CLUSTER_NODE_ID", "admin");
    try (Node one = first.startNode(new ReloadableDirectory(first.usersFile()));
        Node two = second.startNode(new ReloadableDirectory(second.usersFile()))) {
      Cli.Run run = cli.run("check");
      assertEquals(0, run.exitCode(), run::toString);
      assertEquals("", run.err(), run::toString);
      List<String> lines = run.out().lines().toList();
      assertTrue(lines.contains("tern: cluster: 2 nodes in the store, 2 alive (this configuration is node admin)"),
          run::toString);
      for (String node : List.of("one", "two")) {
        String prefix = "tern: node " + node + ": ";
        String line = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(run));
        assertTrue(line.matches(Pattern.quote(prefix) + "alive, last beat \\d+ s ago \\(one every 30 s\\), tern "
            + Pattern.quote(TernCommand.Version.read()) + ", started \\S+Z, imap"), line);
      }
      System.out.println(run.out()); // a real sample for docs/cluster.md
    }
    Cli.Run after = cli.run("check");
    assertEquals(0, after.exitCode(), after::toString);
    assertTrue(after.out().contains("tern: cluster: no node has a beat in the store, none is running"), after::toString);
  }

  @Test
  void twoProcessesSharingANodeIdAreFlagged() {
    cli.variables.put("TERN_CLUSTER_NODE_ID", "twin");
    Settings settings = cli.settings();
    try (Node first = settings.startNode(new ReloadableDirectory(settings.usersFile()));
        Node second = settings.startNode(new ReloadableDirectory(settings.usersFile()))) {
      Cli.Run run = cli.run("check");
      assertEquals(0, run.exitCode(), "a warning, not a failure: " + run);
      assertTrue(run.out().contains("tern: cluster: 1 node in the store, 1 alive (this configuration is node twin)"),
          run::toString);
      assertTrue(run.out().contains(", imap; WARNING: 2 processes beat under this node id, give each its own "
          + "[cluster] node_id\n"), run::toString);
    }
  }

  @Test
  void aNodeThatStoppedBeatingIsStaleAndTheCheckStillPasses() {
    Instant tenMinutesAgo = Instant.now().minus(Duration.ofMinutes(10));
    try (var store = new dev.tern.storage.FileObjectStore(cli.store())) {
      store.put(new BeatKey(new NodeId("crashed"), Timestamp.at(tenMinutesAgo.toEpochMilli(), new Random(1))).key(),
          new Beat(new NodeId("crashed"), "0123456789abcdef", Instant.parse("2026-01-02T03:04:05Z"), "0.0.9",
              Duration.ofSeconds(30), List.of("lmtp")).toJson());
    }
    Cli.Run run = cli.run("check");
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.out().contains("tern: cluster: 1 node in the store, 0 alive"), run::toString);
    assertTrue(run.out().contains("tern: node crashed: stale, last beat 10 min ago (one every 30 s), tern 0.0.9, "
        + "started 2026-01-02T03:04:05Z, lmtp\n"), run::toString);
  }

  @Test
  void aUserWhoseKeysAreNotInTheStoreFails() {
    try (var store = new dev.tern.storage.FileObjectStore(cli.store())) {
      store.deleteMany(store.listAll("users/alice/keys/", Optional.empty()).map(ObjectInfo::key).toList());
    }
    Cli.Run run = cli.run("check");
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("tern: keys FAILED: 0 of 1 users with a pass root have their keys in the store; these cannot log in: "
        + "alice\n", run.err());
    assertTrue(run.out().endsWith("tern: check FAILED\n"), run::toString);
  }

  @Test
  void aStoreThatCannotBeListedIsAFailedClusterLine() throws IOException {
    // The probe works, the listing does not: the file of a beat (FileObjectStore's objects/<key>%obj)
    // is a symbolic link to itself.
    Path beats = Files.createDirectories(cli.store().resolve("objects/cluster/nodes/loop"));
    Path loop = beats.resolve("00000000000000000000000000000000%obj");
    Files.createSymbolicLink(loop, loop.getFileName());
    Cli.Run run = cli.run("check");
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.err().startsWith("tern: cluster FAILED: cannot list cluster/nodes/ in the store: "), run::toString);
    assertTrue(run.out().contains("tern: keys: 1 of 1"), "the other checks still run: " + run);
  }
}
