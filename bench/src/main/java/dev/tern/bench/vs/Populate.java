package dev.tern.bench.vs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Fills users' mailboxes over IMAP with the same messages on any server (same seed, same mail):
 * APPENDs with LITERAL+, pipelined up to {@code --window} at a time per connection, one
 * connection per user, {@code --threads} users at once. Mailboxes missing on the server are
 * created first.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.vs.Populate --port 21143 --users 50 \
 *     --mailboxes INBOX=200,Sent=40,Archive=60,Drafts=5,Trash=20,Junk=10</pre>
 */
@Command(name = "Populate", mixinStandardHelpOptions = true)
public final class Populate implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1") String host;
  @Option(names = "--port", required = true) int port;
  @Option(names = "--user-format", defaultValue = "user%d") String userFormat;
  @Option(names = "--first-user", defaultValue = "0") int firstUser;
  @Option(names = "--users", defaultValue = "50") int users;
  @Option(names = "--password", defaultValue = "bench-password") String password;
  @Option(names = "--mailboxes", defaultValue = "INBOX=200,Sent=40,Archive=60,Drafts=5,Trash=20,Junk=10") String mailboxes;
  @Option(names = "--max-size", defaultValue = "2147483647", description = "draw again above this many bytes") int maxSize;
  @Option(names = "--total-bytes", defaultValue = "0",
      description = "scale the drawn sizes so that each user's messages add up to about this many bytes") long totalBytes;
  @Option(names = "--copy-to", defaultValue = "0",
      description = "then COPY the first mailbox's messages into itself until it holds this many") int copyTo;
  @Option(names = "--threads", defaultValue = "8") int threads;
  @Option(names = "--window", defaultValue = "32") int window;
  @Option(names = "--seed", defaultValue = "7") long seed;
  @Option(names = "--data", defaultValue = "../shared/data") Path data;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Populate()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Mail drawn = Mail.load(data);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String entry : mailboxes.split(",")) {
      String[] kv = entry.split("=");
      counts.put(kv[0], Integer.parseInt(kv[1]));
    }
    int perUser = counts.values().stream().mapToInt(Integer::intValue).sum();
    Mail mail = totalBytes > 0 ? drawn.scaled((double) totalBytes / perUser / drawn.mean(maxSize)) : drawn;
    InetSocketAddress address = new InetSocketAddress(host, port);
    AtomicLong messages = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int u = firstUser; u < firstUser + users; u++) {
        String user = String.format(userFormat, u);
        long userSeed = seed * 1_000_003 + u;
        done.add(pool.submit(() -> {
          fill(address, user, counts, mail, new Random(userSeed), messages, bytes);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("populated %d users: %d messages, %.1f MB in %.1f s (%.0f messages/s)%n", users, messages.get(),
        bytes.get() / 1e6, seconds, messages.get() / seconds);
    return 0;
  }

  private void fill(InetSocketAddress address, String user, Map<String, Integer> counts, Mail mail, Random random,
      AtomicLong messages, AtomicLong bytes) throws IOException {
    try (Wire wire = new Wire(address)) {
      Wire.Reply login = wire.command("LOGIN \"" + user + "\" \"" + password + "\"");
      if (!login.ok()) {
        throw new IOException("LOGIN " + user + ": " + login.tagged());
      }
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        String mailbox = e.getKey();
        if (!wire.command("STATUS " + mailbox + " (MESSAGES)").ok()) {
          Wire.Reply created = wire.command("CREATE " + mailbox);
          if (!created.ok()) {
            throw new IOException("CREATE " + mailbox + ": " + created.tagged());
          }
        }
        Deque<String> pending = new ArrayDeque<>();
        for (int i = 0; i < e.getValue(); i++) {
          int size;
          do {
            size = mail.size(random);
          } while (size > maxSize);
          Mail.Message message = Mail.message(random, size, user + "@example.tld");
          String flags = flags(mailbox, random);
          String tag = wire.nextTag();
          wire.send((tag + " APPEND " + mailbox + " " + flags + " \"" + message.internalDate() + "\" {"
              + message.bytes().length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
          wire.send(message.bytes());
          wire.send("\r\n".getBytes(StandardCharsets.US_ASCII));
          pending.add(tag);
          bytes.addAndGet(message.bytes().length);
          if (pending.size() >= window) {
            expectOk(wire, pending.poll());
          }
        }
        wire.flush();
        while (!pending.isEmpty()) {
          expectOk(wire, pending.poll());
        }
        messages.addAndGet(e.getValue());
      }
      if (copyTo > 0) {
        grow(wire, counts.keySet().iterator().next(), messages);
      }
      wire.command("LOGOUT");
    }
  }

  /**
   * Doubles the mailbox with {@code COPY 1:n} into itself until it holds {@link #copyTo}
   * messages: a large mailbox in a few commands on any server, instead of one APPEND per message.
   */
  private void grow(Wire wire, String mailbox, AtomicLong messages) throws IOException {
    if (!wire.command("SELECT " + mailbox).ok()) {
      throw new IOException("SELECT " + mailbox + " refused");
    }
    while (wire.exists < copyTo) {
      int n = Math.min(wire.exists, copyTo - wire.exists);
      int before = wire.exists;
      Wire.Reply copied = wire.command("COPY 1:" + n + " " + mailbox);
      if (!copied.ok()) {
        throw new IOException("COPY refused: " + copied.tagged());
      }
      if (wire.exists == before && !wire.command("NOOP").ok()) {
        throw new IOException("NOOP refused");
      }
      messages.addAndGet(wire.exists - before);
    }
  }

  private static void expectOk(Wire wire, String tag) throws IOException {
    wire.flush();
    Wire.Reply reply = wire.readTagged(tag);
    if (!reply.ok()) {
      throw new IOException("APPEND refused: " + reply.tagged());
    }
  }

  /** Most mail read, some flagged or answered; what a client's folders look like after a while. */
  private static String flags(String mailbox, Random random) {
    return switch (mailbox) {
      case "Sent" -> "(\\Seen)";
      case "Drafts" -> "(\\Seen \\Draft)";
      default -> {
        int r = random.nextInt(100);
        yield r < 15 ? "()" : r < 20 ? "(\\Seen \\Flagged)" : r < 30 ? "(\\Seen \\Answered)" : "(\\Seen)";
      }
    };
  }
}
