package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.storage.S3ProxyServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beats on a real S3 server (S3Proxy in this JVM, which like MinIO keeps keys as a file tree):
 * two nodes started from one configuration, {@code tern check} against the bucket, a graceful stop.
 */
class LivenessS3Test {

  @TempDir Path directory;
  private S3ProxyServer server;
  private Cli cli;

  @BeforeEach
  void start() {
    server = S3ProxyServer.start();
    cli = new Cli(directory);
    Cli.write(cli.config, """
        [storage]
        type = "s3"
        endpoint = "%s"
        bucket = "%s"
        prefix = "tern"

        [imap_unsecure]
        bind = "127.0.0.1:0"

        [lmtp]
        bind = "127.0.0.1:0"

        [users]
        file = "users.toml"

        [cluster]
        heartbeat_seconds = 10

        [daemon]
        pid_file = "tern.pid"
        """.formatted(server.endpoint(), S3ProxyServer.BUCKET));
    cli.variables.put("TERN_STORAGE_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY_ID);
    cli.variables.put("TERN_STORAGE_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_ACCESS_KEY);
    cli.variables.put("TERN_PASSWORD", "pw");
    assertEquals(0, cli.run("account", "add", "--login", "alice").exitCode());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void checkSeesBothNodesInTheBucketAndNotOneThatStopped() {
    cli.variables.put("TERN_CLUSTER_NODE_ID", "s3-a");
    Settings a = cli.settings();
    cli.variables.put("TERN_CLUSTER_NODE_ID", "s3-b");
    Settings b = cli.settings();
    try (Node first = a.startNode(new ReloadableDirectory(a.usersFile()))) {
      try (Node second = b.startNode(new ReloadableDirectory(b.usersFile()))) {
        Cli.Run run = cli.run("check");
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.contains("tern: cluster: 2 nodes in the store, 2 alive (this configuration is node s3-b)"),
            run::toString);
        for (String node : List.of("s3-a", "s3-b")) {
          assertTrue(lines.stream().anyMatch(line -> line.startsWith("tern: node " + node + ": alive, ")
              && line.contains("(one every 10 s)") && line.endsWith(", imap+lmtp")), run::toString);
        }
        assertTrue(lines.contains("tern: keys: 1 of 1 users with a pass root have their keys in the store"),
            run::toString);
      }
      Cli.Run after = cli.run("check");
      assertEquals(0, after.exitCode(), after::toString);
      assertTrue(after.out().contains("tern: cluster: 1 node in the store, 1 alive"), after::toString);
      assertTrue(after.out().contains("tern: node s3-a: alive"), after::toString);
      assertFalse(after.out().contains("tern: node s3-b"), "a graceful stop deletes the beat: " + after);
    }
  }
}
