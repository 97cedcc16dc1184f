package dev.tern.bench.vs;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * SELECT round trip of one mailbox: the first on a just-started server is "cold" (the caller
 * restarts it; the LOGIN before it is not timed), the next ones, each on a new connection, warm.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.vs.SelectTime --port 21143 --user huge --mailbox INBOX</pre>
 */
@Command(name = "SelectTime", mixinStandardHelpOptions = true)
public final class SelectTime implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1") String host;
  @Option(names = "--port", required = true) int port;
  @Option(names = "--user", required = true) String user;
  @Option(names = "--password", defaultValue = "bench-password") String password;
  @Option(names = "--mailbox", defaultValue = "INBOX") String mailbox;
  @Option(names = "--again", defaultValue = "3", description = "warm SELECTs after the cold one") int again;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SelectTime()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    InetSocketAddress address = new InetSocketAddress(host, port);
    double cold = 0;
    double warmBest = Double.MAX_VALUE;
    int exists = 0;
    for (int i = 0; i <= again; i++) {
      try (Wire wire = new Wire(address)) {
        if (!wire.command("LOGIN \"" + user + "\" \"" + password + "\"").ok()) {
          throw new IllegalStateException("LOGIN " + user + " refused");
        }
        long start = System.nanoTime();
        Wire.Reply reply = wire.command("SELECT " + mailbox);
        double ms = (System.nanoTime() - start) / 1e6;
        if (!reply.ok()) {
          throw new IllegalStateException("SELECT refused: " + reply.tagged());
        }
        exists = wire.exists;
        if (i == 0) {
          cold = ms;
        } else {
          warmBest = Math.min(warmBest, ms);
        }
        wire.command("LOGOUT");
      }
    }
    System.out.printf("SELECT %s of %d messages: cold %.1f ms, warm %.1f ms (best of %d)%n", mailbox, exists, cold,
        warmBest, again);
    System.out.printf("result select_cold %.1f ms%n", cold);
    System.out.printf("result select_warm %.1f ms%n", warmBest);
    System.out.printf("result select_messages %d msg%n", exists);
    return 0;
  }
}
