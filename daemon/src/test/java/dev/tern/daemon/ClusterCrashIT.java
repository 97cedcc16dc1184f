package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three daemon processes ({@code ./tern -c config.toml daemon}) on one store directory under the
 * {@link ClusterWorkload}; one is killed with SIGKILL in the middle of it and started again while
 * the clients go on (they connect elsewhere meanwhile, as behind a load balancer). Afterwards the
 * restarted node reports what the others do, and nothing a client got {@code OK} or {@code 250}
 * for is lost.
 */
class ClusterCrashIT {

  private static final int NODES = 3;
  private static final int KILL_AFTER = 120; // IMAP commands before the kill

  @TempDir Path workingDirectory;
  @TempDir Path outputs;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopWhatIsLeft() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void aNodeKilledMidWorkloadConvergesAfterItsRestartAndNothingAcknowledgedIsLost() throws Exception {
    Cli cli = new Cli(workingDirectory);
    Cli.write(cli.config, """
        [storage]
        type = "directory"
        path = "store"

        [imap_unsecure]
        allow_plaintext_login = true

        [lmtp]
        hostname = "mx.test"

        [users]
        file = "users.toml"

        [cluster]
        poll_interval_seconds = 1
        """);
    cli.variables.put("TERN_USERS_SERVER_SECRET", "the cluster's server secret");
    cli.variables.put("TERN_PASSWORD", "hunter2");
    Cli.Run added = cli.run("account", "add", "--login", "alice", "--address", "alice@example.tld");
    assertEquals(0, added.exitCode(), added.toString());

    int[] ports = DevDaemon.freePorts(2 * NODES);
    int[] imapPorts = Arrays.copyOfRange(ports, 0, NODES);
    int[] lmtpPorts = Arrays.copyOfRange(ports, NODES, 2 * NODES);
    DevDaemon[] daemons = new DevDaemon[NODES];
    for (int i = 0; i < NODES; i++) {
      daemons[i] = start(cli, i, imapPorts[i], lmtpPorts[i]);
    }

    ClusterWorkload workload = new ClusterWorkload(i -> new InetSocketAddress("127.0.0.1", imapPorts[i]),
        i -> new InetSocketAddress("127.0.0.1", lmtpPorts[i]), NODES, "alice", "hunter2", "alice@example.tld");
    workload.createMailboxes();
    AtomicBoolean killed = new AtomicBoolean();
    AtomicInteger killedAt = new AtomicInteger();
    workload.run(21, 6, 60, 2, 30, () -> {
      if (workload.commands.get() >= KILL_AFTER && killed.compareAndSet(false, true)) {
        killedAt.set(workload.commands.get());
        daemons[1].process().destroyForcibly(); // SIGKILL: commands and deliveries in flight
        try {
          daemons[1].process().waitFor();
          daemons[1] = start(cli, 1, imapPorts[1], lmtpPorts[1]);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    });
    assertTrue(killed.get(), "the kill never happened");
    assertTrue(killedAt.get() < 6 * 60 - 20, "the kill must land mid-way, not at " + killedAt.get());

    for (int i = 0; i < NODES; i++) {
      workload.snapshot(i);
    }
    Map<String, ClusterWorkload.MailboxState> first = workload.snapshot(0);
    for (int i = 1; i < NODES; i++) {
      assertEquals(first, workload.snapshot(i), "node " + i + " differs from node 0");
    }
    workload.check(first);
    System.out.printf("cluster crash: node 1 killed after %d of %d IMAP commands and restarted; %d acknowledged "
        + "messages (%d LMTP), %d sessions ended by BYE, %d refused connections while it was down; all three "
        + "nodes agree%n", killedAt.get(), workload.commands.get(), workload.acknowledged(), workload.deliveries.get(),
        workload.byes.get(), workload.refused.get());
  }

  private DevDaemon start(Cli cli, int node, int imap, int lmtp) throws Exception {
    DevDaemon daemon = DevDaemon.launch(workingDirectory, outputs, List.of("-c", cli.config.toString(), "daemon"),
        Map.of("TERN_CLUSTER_NODE_ID", "node" + node,
            "TERN_IMAP_UNSECURE_BIND", "127.0.0.1:" + imap,
            "TERN_LMTP_BIND", "127.0.0.1:" + lmtp,
            "TERN_DAEMON_PID_FILE", workingDirectory.resolve("node" + node + ".pid").toString(),
            "TERN_USERS_SERVER_SECRET", "the cluster's server secret"),
        List.of("listening on"));
    started.add(daemon.process());
    return daemon;
  }
}
