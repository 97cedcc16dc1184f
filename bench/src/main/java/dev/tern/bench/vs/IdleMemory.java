package dev.tern.bench.vs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Memory per idle IDLE connection of a running server (Tern or Dovecot), measured from outside:
 * the server's memory ({@link ServerMemory#footprint}) before, then {@code --connections}
 * connections each LOGIN, SELECT and IDLE (up to the {@code +} continuation; nobody reads them
 * afterwards, no thread per connection), the memory again after {@code --settle-seconds}, and
 * the difference divided by the connections open. Then every connection ends its IDLE
 * ({@code DONE}, checking the {@code OK}, so each was alive when measured) and closes.
 *
 * <p>A warm-up connection (LOGIN, SELECT, IDLE, closed) runs before the first reading, so the
 * user's shared state (Tern: the account's keys and the mailbox index; Dovecot: caches) is not
 * charged to the connections. When the server refuses a connection (a process or connection
 * limit), or the machine's available memory ({@code MemAvailable}) falls below
 * {@code --keep-free-mb} (Dovecot's {@code imap} process per connection takes about 0.6 MB with
 * its page tables, so 10 000 take 6 GB), opening stops there and the figure is over the
 * connections that opened; the output says so. A Dovecot that hibernates idle clients
 * ({@code imap_hibernate_timeout}) needs {@code --settle-seconds} above that timeout.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.tern.bench.vs.IdleMemory --kind jvm|dovecot --pid PID
 *     --host 127.0.0.1 --port PORT --user USER --password PASSWORD
 *     [--connections 10000] [--mailbox INBOX] [--parallel 4] [--settle-seconds 5] [--hold-seconds 0]
 *     [--keep-free-mb 4096]
 * </pre>
 *
 * {@code --hold-seconds} keeps the connections open after the second reading, for a heap
 * histogram or a look at the processes. {@code --pid}: the Tern daemon's JVM (its pid file), or
 * Dovecot's master ({@code master.pid}). The client needs a file descriptor per connection ({@code ulimit -n} above
 * {@code --connections}); so does the Tern daemon. Output: human lines, then
 * {@code result idle_connections N count}, {@code result idle_bytes_per_connection B B} (Tern:
 * live heap; Dovecot: PSS of all its processes), {@code result idle_pss_bytes_per_connection}
 * (both: the processes' PSS), {@code result idle_page_table_bytes_per_connection} (kernel page
 * tables, in no PSS) and for a JVM {@code result idle_direct_bytes_per_connection}.
 */
@Command(name = "IdleMemory", mixinStandardHelpOptions = true)
public final class IdleMemory implements Callable<Integer> {

  @Mixin Target target;
  @Option(names = "--connections", defaultValue = "10000") int wanted;
  @Option(names = "--mailbox", defaultValue = "INBOX") String mailbox;
  @Option(names = "--parallel", defaultValue = "4") int parallel;
  @Option(names = "--settle-seconds", defaultValue = "5") int settleSeconds;
  @Option(names = "--hold-seconds", defaultValue = "0") int holdSeconds;
  @Option(names = "--keep-free-mb", defaultValue = "4096") long keepFreeMb;

  public static void main(String[] args) {
    System.exit(new CommandLine(new IdleMemory()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    long settle = settleSeconds * 1000L;
    long hold = holdSeconds * 1000L;
    long keepFree = keepFreeMb * 1048576L;

    try (ServerMemory memory = target.memory()) {
      System.out.println("measuring " + memory.describe());
      try (ImapClient warm = target.login(4096)) {
        long exists = warm.select(mailbox);
        warm.idle();
        System.out.println(mailbox + " holds " + exists + " messages");
      }
      Thread.sleep(settle);
      ServerMemory.Footprint before = memory.footprint();
      System.out.println("before: " + before);

      List<ImapClient> open = Collections.synchronizedList(new ArrayList<>(wanted));
      AtomicInteger next = new AtomicInteger();
      AtomicInteger idle = new AtomicInteger();
      AtomicReference<String> stopped = new AtomicReference<>();
      long start = System.nanoTime();
      List<Thread> openers = new ArrayList<>();
      for (int t = 0; t < parallel; t++) {
        openers.add(Thread.ofPlatform().name("opener-" + t).start(() -> {
          int i;
          while (stopped.get() == null && (i = next.getAndIncrement()) < wanted) {
            if (i % 50 == 0 && Procfs.memAvailable() < keepFree) {
              stopped.compareAndSet(null, "the machine's available memory fell below --keep-free-mb "
                  + keepFree / 1048576);
              break;
            }
            try {
              ImapClient client = target.login(1024);
              open.add(client);
              client.select(mailbox);
              client.idle();
              int n = idle.incrementAndGet();
              if (n % 1000 == 0) {
                System.out.printf("%d connections idle (%.0f s)%n", n, (System.nanoTime() - start) / 1e9);
              }
            } catch (IOException | RuntimeException e) {
              stopped.compareAndSet(null, e.toString());
            }
          }
        }));
      }
      for (Thread opener : openers) {
        opener.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (stopped.get() != null) {
        // A refused connection, and any opened but not idling, are not counted.
        System.out.println("opening stopped after " + open.size() + " of " + wanted + " connections: "
            + stopped.get());
      }
      System.out.printf("%d connections LOGIN + SELECT + IDLE in %.1f s%n", open.size(), seconds);
      Thread.sleep(settle);
      ServerMemory.Footprint after = memory.footprint();
      System.out.println("after:  " + after);
      if (hold > 0) {
        System.out.println("holding the connections " + hold / 1000 + " s (--hold-seconds), for a profile");
        Thread.sleep(hold);
      }

      int alive = 0;
      for (ImapClient client : open) {
        if (done(client)) {
          alive++;
        }
        client.close();
      }
      System.out.println(alive + " of " + open.size() + " connections were still in IDLE at the end (DONE → OK)");
      int n = alive;
      if (n == 0) {
        System.out.println("no connection stayed open: no figure");
        System.exit(1);
      }
      long perConnection = (after.bytes() - before.bytes()) / n;
      System.out.printf("%d IDLE connections on %s: %s per connection (%s)%n", n, mailbox, Target.kib(perConnection),
          target.kind == Target.Kind.jvm ? "live heap after full GC" : "PSS of all Dovecot processes");
      Target.result("idle_connections", n, "count");
      Target.result("idle_bytes_per_connection", perConnection, "B");
      delta(before, after, target.kind == Target.Kind.jvm ? "process_pss" : "pss", n, "idle_pss_bytes_per_connection");
      if (target.kind == Target.Kind.jvm) {
        delta(before, after, "direct", n, "idle_direct_bytes_per_connection");
      }
      delta(before, after, "page_tables", n, "idle_page_table_bytes_per_connection");
      if (n < wanted) {
        System.out.println("NOTE: " + n + " connections, not " + wanted + ": the figure is per connection over those");
      }
    }
    return 0;
  }

  private static void delta(ServerMemory.Footprint before, ServerMemory.Footprint after, String part, int n,
      String key) {
    Map<String, Long> b = before.parts();
    Map<String, Long> a = after.parts();
    if (b.containsKey(part) && a.containsKey(part)) {
      long perConnection = (a.get(part) - b.get(part)) / n;
      System.out.println(part + ": " + Target.kib(perConnection) + " per connection");
      Target.result(key, perConnection, "B");
    }
  }

  /** Ends the IDLE; true when the server answered OK. */
  private static boolean done(ImapClient client) {
    try {
      return client.done();
    } catch (IOException e) {
      return false;
    }
  }
}
