package dev.tern.daemon;

import static dev.tern.daemon.TestNodes.deliver;
import static dev.tern.daemon.TestNodes.imap;
import static dev.tern.daemon.TestNodes.lmtp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.storage.ForwardingObjectStore;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.S3ProxyServer;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three daemons, each with its own wiring ({@link Settings#startNode}: store client, clock, log
 * context, accounts, listeners), sharing one store — the embedded directory, or S3Proxy over real
 * HTTP — under a concurrent IMAP and LMTP workload ({@link ClusterWorkload}); then what clients
 * see when two nodes APPEND to one mailbox without having seen each other's APPEND, and how soon
 * an IDLE session on one node hears of a delivery through another.
 */
class ClusterTest {

  private static final int POLL_SECONDS = 1; // as in Cli.NODE_SECTIONS

  @TempDir Path directory;

  private Cli install(String storage, Map<String, String> variables) {
    Cli cli = new Cli(directory);
    cli.variables.putAll(variables);
    Cli.write(cli.config, storage + Cli.NODE_SECTIONS);
    cli.variables.put("TERN_USERS_SERVER_SECRET", "the cluster's server secret");
    // A pass root, as in production: the keys are in the store behind alice's password, so a
    // node can file mail delivered elsewhere only while alice has a session on it.
    cli.variables.put("TERN_PASSWORD", "hunter2");
    Cli.Run added = cli.run("account", "add", "--login", "alice", "--address", "alice@example.tld");
    assertEquals(0, added.exitCode(), added.toString());
    return cli;
  }

  private Cli directoryInstall() {
    return install("""
        [storage]
        type = "directory"
        path = "store"
        """, Map.of());
  }

  private Cli s3Install(S3ProxyServer s3) {
    return install("""
        [storage]
        type = "s3"
        endpoint = "%s"
        bucket = "%s"
        """.formatted(s3.endpoint(), S3ProxyServer.BUCKET), Map.of(
        "TERN_STORAGE_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY_ID,
        "TERN_STORAGE_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_ACCESS_KEY));
  }

  @Test
  void threeNodesOnOneDirectoryConvergeUnderConcurrentClients() throws Exception {
    convergence(directoryInstall(), 11);
  }

  @Test
  void threeNodesOnS3ProxyConvergeUnderConcurrentClients() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start()) {
      Cli cli = s3Install(s3);
      Cli.Run check = cli.run("check");
      assertEquals(0, check.exitCode(), check.toString());
      assertTrue(check.out().contains("store s3 " + s3.endpoint()), check.toString());
      convergence(cli, 12);
    }
  }

  private void convergence(Cli cli, long seed) throws Exception {
    List<Node> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(start(cli, "node" + i));
      }
      ClusterWorkload workload = new ClusterWorkload(i -> imap(nodes.get(i)), i -> lmtp(nodes.get(i)), 3, "alice",
          "hunter2", "alice@example.tld");
      workload.createMailboxes();
      workload.run(seed, 6, 40, 2, 15, () -> { });

      // Twice: the first round files what waits in incoming/ (on whichever node selects INBOX
      // first); the second is what the nodes report once nothing changes any more.
      for (int i = 0; i < 3; i++) {
        workload.snapshot(i);
      }
      Map<String, ClusterWorkload.MailboxState> first = workload.snapshot(0);
      for (int i = 1; i < 3; i++) {
        assertEquals(first, workload.snapshot(i), "node " + i + " differs from node 0");
      }
      workload.check(first);
      assertEquals(30, workload.deliveries.get(), "every LMTP delivery acknowledged");
      assertTrue(first.get("INBOX").messages().size() > 0, first.toString());
      System.out.printf("cluster: %d commands, %d acknowledged messages, %d sessions ended by BYE, "
          + "%d UIDs told differently and resolved by a higher UIDVALIDITY; final %s%n", workload.commands.get(),
          workload.acknowledged(), workload.byes.get(), workload.resolvedConflicts(), summary(first));
    } finally {
      nodes.forEach(Node::close);
    }
  }

  private static String summary(Map<String, ClusterWorkload.MailboxState> state) {
    StringBuilder text = new StringBuilder();
    state.forEach((name, mailbox) -> text.append(name).append(": ").append(mailbox.messages().size())
        .append(" messages, UIDVALIDITY ").append(mailbox.uidValidity()).append(", UIDNEXT ")
        .append(mailbox.uidNext()).append(", HIGHESTMODSEQ ").append(mailbox.highestModSeq()).append("; "));
    return text.toString();
  }

  /**
   * Node A's APPEND computes its UID, then its op is held on the way to the store while node B
   * APPENDs to the same mailbox: both clients are told the same UID under the same UIDVALIDITY.
   * Once A's op lands, every node replays both, raises UIDVALIDITY (the proof's rule), and a
   * session on a third node that had the mailbox selected is ended with a BYE naming the new
   * UIDVALIDITY; selecting again shows both messages under distinct UIDs, the same everywhere.
   */
  @Test
  void appendsOnTwoNodesThatHaveNotSeenEachOtherRaiseUidValidityAndEndSelectedSessions() throws Exception {
    Cli cli = directoryInstall();
    Settings settings = settings(cli, "a");
    HeldOps held = new HeldOps(settings.storage().open());
    try (Node a = settings.startNode(new ReloadableDirectory(settings.usersFile()), held);
        Node b = start(cli, "b");
        Node c = start(cli, "c");
        ImapClient onA = login(a);
        ImapClient onB = login(b);
        ImapClient watcher = login(c)) {
      List<String> selected = watcher.command("SELECT INBOX");
      long before = uidValidity(selected);

      held.holdNext();
      CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(
          () -> onA.append("INBOX", "", message("t1")));
      assertTrue(held.waiting.await(30, TimeUnit.SECONDS), "node A never wrote its op");
      List<String> second = onB.append("INBOX", "", message("t2"));
      held.release.countDown();
      List<String> firstDone = first.get(30, TimeUnit.SECONDS);

      String told = "[APPENDUID " + before + " 1]";
      assertTrue(firstDone.getLast().contains(told), firstDone.toString());
      assertTrue(second.getLast().contains(told), second.toString());

      ImapClient.Closed bye = assertThrows(ImapClient.Closed.class, () -> watcher.command("NOOP"));
      assertTrue(bye.line != null && bye.line.startsWith("* BYE [UIDVALIDITY "), String.valueOf(bye.line));
      long after = Long.parseLong(bye.line.substring("* BYE [UIDVALIDITY ".length(), bye.line.indexOf(']')));
      assertTrue(after > before, bye.line);

      List<String> views = new ArrayList<>();
      for (Node node : List.of(a, b, c)) {
        try (ImapClient client = login(node)) {
          List<String> select = client.command("SELECT INBOX");
          assertEquals(after, uidValidity(select), select.toString());
          assertTrue(select.contains("* 2 EXISTS"), select.toString());
          List<String> fetch = client.command("UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (X-Token)])");
          assertEquals("OK", ImapClient.status(fetch), fetch.toString());
          String tokens = String.join("|", fetch.subList(0, fetch.size() - 1)).replaceAll("\r\n", " ");
          assertTrue(tokens.contains("X-Token: t1") && tokens.contains("X-Token: t2"), tokens);
          views.add(tokens);
        }
      }
      assertEquals(views.getFirst(), views.get(1));
      assertEquals(views.getFirst(), views.get(2));
      assertNotEquals(-1, views.getFirst().indexOf("UID 2 "), views.getFirst());
    }
  }

  /**
   * An IDLE session on node A hears of a message delivered through node B's LMTP within the poll
   * interval and a second: B seals it into incoming/, A (which holds alice's keys while her session
   * is open) finds it at its next poll, files it, and its IDLE session is told at once.
   */
  @Test
  void idleOnOneNodeHearsOfADeliveryThroughAnotherWithinThePollInterval() throws Exception {
    Cli cli = directoryInstall();
    try (Node a = start(cli, "a");
        Node b = start(cli, "b");
        ImapClient idling = login(a)) {
      List<String> select = idling.command("SELECT INBOX");
      assertTrue(select.contains("* 0 EXISTS"), select.toString());
      idling.idle();
      long[] delays = new long[3];
      for (int i = 0; i < delays.length; i++) {
        deliver(lmtp(b), message("idle" + i));
        long acknowledged = System.nanoTime();
        String response = idling.next();
        delays[i] = (System.nanoTime() - acknowledged) / 1_000_000;
        assertEquals("* " + (i + 1) + " EXISTS", response);
        assertEquals("* " + (i + 1) + " RECENT", idling.next());
      }
      System.out.printf("cluster: delivery through node B to EXISTS on node A's IDLE: %s ms (poll %d s)%n",
          java.util.Arrays.toString(delays), POLL_SECONDS);
      for (long delay : delays) {
        assertTrue(delay < Duration.ofSeconds(POLL_SECONDS + 1).toMillis(), delay + " ms");
      }
    }
  }

  // ---- helpers ----

  /** The settings a daemon of this installation reads, as node {@code nodeId}. */
  private static Settings settings(Cli cli, String nodeId) {
    cli.variables.put("TERN_CLUSTER_NODE_ID", nodeId);
    return cli.settings();
  }

  private static Node start(Cli cli, String nodeId) {
    Settings settings = settings(cli, nodeId);
    return settings.startNode(new ReloadableDirectory(settings.usersFile()));
  }

  /** A store whose next mailbox op put waits until the test releases it. */
  private static final class HeldOps extends ForwardingObjectStore {
    final CountDownLatch waiting = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean armed = new AtomicBoolean();

    HeldOps(ObjectStore store) {
      super(store);
    }

    void holdNext() {
      armed.set(true);
    }

    @Override
    public void put(ObjectKey key, InputStream data, long length) {
      if (key.toString().contains("/log/mbx-") && key.toString().contains("/op/") && armed.compareAndSet(true, false)) {
        waiting.countDown();
        try {
          if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      super.put(key, data, length);
    }
  }

  private static ImapClient login(Node node) {
    ImapClient client = new ImapClient(imap(node));
    assertEquals("OK", ImapClient.status(client.command("LOGIN alice hunter2")));
    return client;
  }

  private static long uidValidity(List<String> select) {
    for (String line : select) {
      if (line.startsWith("* OK [UIDVALIDITY ")) {
        return Long.parseLong(line.substring("* OK [UIDVALIDITY ".length(), line.indexOf(']')));
      }
    }
    throw new AssertionError("no UIDVALIDITY in " + select);
  }

  private static String message(String token) {
    return "From: <bob@example.tld>\r\nSubject: " + token + "\r\nX-Token: " + token + "\r\n\r\nHello.\r\n";
  }
}
