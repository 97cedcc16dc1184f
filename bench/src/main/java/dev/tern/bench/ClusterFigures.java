package dev.tern.bench;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.PasswordHash;
import dev.tern.daemon.Node;
import dev.tern.imap.ImapConfig;
import dev.tern.lmtp.LmtpConfig;
import dev.tern.mailbox.Keyring;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.ByteRange;
import dev.tern.storage.FileObjectStore;
import dev.tern.storage.ForwardingObjectStore;
import dev.tern.storage.ListPage;
import dev.tern.storage.ListRequest;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.S3ObjectStore;
import dev.tern.storage.S3ProxyServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Two nodes on one store, wired as the daemon wires them ({@link Node}, its poll of incoming mail,
 * IMAP and LMTP listeners), one user with a {@code pass} root. Measures (1) the store requests per
 * second node A makes for one idle user (a session idling on INBOX, nothing happening), and (2)
 * how long a change made through node B takes to reach that IDLE session on node A: a delivery
 * through B's LMTP, an APPEND on B, a STORE on B.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.ClusterFigures [directory|s3] [poll seconds] [events] [idle seconds]</pre>
 */
public final class ClusterFigures {

  private static final byte[] SECRET = "bench server secret".getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "directory";
    int poll = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int events = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int idleSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
    S3ProxyServer s3 = kind.equals("s3") ? S3ProxyServer.start() : null;
    Path directory = Files.createTempDirectory("tern-cluster");
    Supplier<ObjectStore> stores = s3 != null ? () -> new S3ObjectStore(s3.config())
        : () -> new FileObjectStore(directory);
    new Keyring(stores.get(), "alice", SECRET).create("hunter2");
    UserDirectory users = UserDirectory.of(List.of(new User("alice", "alice", List.of("alice@example.tld"),
        PasswordHash.create("hunter2").toString(), new CryptoRoot.Pass(Optional.empty()))));
    ImapConfig imap = new ImapConfig(ImapConfig.dev().limits(), Optional.empty(), false, true,
        Duration.ofSeconds(poll), Duration.ofMillis(500), Duration.ofMinutes(30));
    Counting counted = new Counting(stores.get());
    try (Node a = new Node(counted, users, SECRET); Node b = new Node(stores.get(), users, SECRET)) {
      a.pollEvery(Duration.ofSeconds(poll));
      b.pollEvery(Duration.ofSeconds(poll));
      InetSocketAddress imapA = a.listenImap(new Node.Listener(new InetSocketAddress("127.0.0.1", 0), imap));
      InetSocketAddress imapB = b.listenImap(new Node.Listener(new InetSocketAddress("127.0.0.1", 0), imap));
      InetSocketAddress lmtpB = b.listenLmtp(new InetSocketAddress("127.0.0.1", 0), LmtpConfig.defaults());
      System.out.printf("cluster figures: %s store, poll interval %d s%n", kind, poll);
      try (ImapFigures.Client idler = new ImapFigures.Client(imapA);
          ImapFigures.Client writer = new ImapFigures.Client(imapB)) {
        idler.command("a LOGIN alice hunter2");
        idler.command("b SELECT INBOX");
        idler.send("c IDLE\r\n");
        idler.readLine();
        writer.command("a LOGIN alice hunter2");
        writer.command("b SELECT INBOX");

        // Past the login's work and the node's first blob sweep (a minute after it starts): what
        // is left is what an idle user costs for good.
        Thread.sleep(Math.max(2L * poll, 70) * 1000);
        counted.reset();
        long start = System.nanoTime();
        Thread.sleep(idleSeconds * 1000L);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("one idle user (IDLE on INBOX) on node A, %.0f s: %s%n", seconds, counted.rates(seconds));

        byte[] message = ("From: bench@example.tld\r\nSubject: cluster\r\n\r\n" + "x".repeat(2_000) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        List<Double> delivered = new ArrayList<>();
        List<Double> appended = new ArrayList<>();
        List<Double> stored = new ArrayList<>();
        int exists = 0;
        Random phase = new Random(1);
        for (int i = 0; i < events; i++) {
          // Changes land anywhere in A's poll period, not right after the poll that found the last.
          Thread.sleep(phase.nextInt(poll * 1000));
          deliver(lmtpB, message);
          long durable = System.nanoTime();
          await(idler, "* " + ++exists + " EXISTS");
          delivered.add((System.nanoTime() - durable) / 1e6);

          Thread.sleep(phase.nextInt(poll * 1000));
          writer.append("INBOX", message);
          long appendedAt = System.nanoTime();
          await(idler, "* " + ++exists + " EXISTS");
          appended.add((System.nanoTime() - appendedAt) / 1e6);

          Thread.sleep(phase.nextInt(poll * 1000));
          writer.command("s STORE " + exists + " +FLAGS ($event" + i + ")");
          long storedAt = System.nanoTime();
          await(idler, "* " + exists + " FETCH");
          stored.add((System.nanoTime() - storedAt) / 1e6);
        }
        if (events == 0) {
          return;
        }
        System.out.println("change through node B -> IDLE session on node A hears of it:");
        System.out.println("  delivery over B's LMTP (250) -> * EXISTS: " + summary(delivered));
        System.out.println("  APPEND on B (OK)              -> * EXISTS: " + summary(appended));
        System.out.println("  STORE on B (OK)               -> * FETCH:  " + summary(stored));
      }
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  /** Reads until a line starting with {@code prefix}. */
  private static void await(ImapFigures.Client client, String prefix) throws IOException {
    for (String line = client.readLine(); ; line = client.readLine()) {
      if (line == null) {
        throw new IOException("connection closed");
      }
      if (System.getenv("CLUSTER_FIGURES_TRACE") != null) {
        System.out.println("  A: " + line);
      }
      if (line.startsWith(prefix)) {
        return;
      }
    }
  }

  private static String summary(List<Double> delays) {
    List<Double> sorted = new ArrayList<>(delays);
    Collections.sort(sorted);
    return String.format("p50 %.0f ms, p90 %.0f ms, max %.0f ms over %d", sorted.get(sorted.size() / 2),
        sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1), sorted.getLast(), sorted.size());
  }

  private static void deliver(InetSocketAddress lmtp, byte[] message) throws IOException {
    try (Socket socket = new Socket(lmtp.getAddress(), lmtp.getPort())) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      out.write("LHLO bench\r\nMAIL FROM:<bench@example.tld>\r\nRCPT TO:<alice@example.tld>\r\nDATA\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.write(message);
      out.write(".\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      boolean saved = false;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        saved |= line.startsWith("250 2.0.0 <");
      }
      if (!saved) {
        throw new IOException("delivery not acknowledged");
      }
    }
  }

  /** Counts the requests a node makes, by kind. */
  private static final class Counting extends ForwardingObjectStore {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    Counting(ObjectStore store) {
      super(store);
    }

    private void count(String kind) {
      counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void reset() {
      counts.clear();
    }

    String rates(double seconds) {
      Map<String, Long> sorted = new TreeMap<>();
      counts.forEach((kind, count) -> sorted.put(kind, count.sum()));
      long total = sorted.values().stream().mapToLong(Long::longValue).sum();
      StringBuilder text = new StringBuilder(String.format("%.2f requests/s", total / seconds));
      sorted.forEach((kind, count) -> text.append(String.format(", %s %.2f/s", kind, count / seconds)));
      return text.toString();
    }

    @Override
    public void put(ObjectKey key, InputStream data, long length) {
      count("PUT");
      super.put(key, data, length);
    }

    @Override
    public InputStream get(ObjectKey key) {
      count("GET");
      return super.get(key);
    }

    @Override
    public InputStream get(ObjectKey key, ByteRange range) {
      count("GET");
      return super.get(key, range);
    }

    @Override
    public Optional<ObjectInfo> head(ObjectKey key) {
      count("HEAD");
      return super.head(key);
    }

    @Override
    public ListPage list(ListRequest request) {
      count("LIST");
      return super.list(request);
    }

    @Override
    public void delete(ObjectKey key) {
      count("DELETE");
      super.delete(key);
    }

    @Override
    public void deleteMany(Collection<ObjectKey> keys) {
      count("DELETE");
      super.deleteMany(keys);
    }
  }
}
