package dev.tern.bench.vs;

import dev.tern.bench.vs.Dataset.Verb;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The mixed IMAP workload: {@code --clients} connections, each a {@link LoadClient} as one user,
 * replaying the command mix real clients sent (see {@link Dataset}) against any IMAP server, as
 * fast as the server answers. Prints commands/s and p50/p99 round trip per command over the
 * measured period (after a warm-up), the mix actually sent beside the dataset's, and the
 * commands the server refused.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.vs.MixedLoad --port 21143 --users 50 --clients 10 --seconds 60</pre>
 */
@Command(name = "MixedLoad", mixinStandardHelpOptions = true)
public final class MixedLoad implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1") String host;
  @Option(names = "--port", required = true) int port;
  @Option(names = "--user-format", defaultValue = "user%d", description = "login of user i") String userFormat;
  @Option(names = "--users", defaultValue = "50") int users;
  @Option(names = "--password", defaultValue = "bench-password") String password;
  @Option(names = "--clients", defaultValue = "10") int clients;
  @Option(names = "--seconds", defaultValue = "60") int seconds;
  @Option(names = "--warmup", defaultValue = "10") int warmup;
  @Option(names = "--seed", defaultValue = "7") long seed;
  @Option(names = "--data", defaultValue = "../shared/data", description = "the directory of imap_commands_*.csv/log") Path data;
  @Option(names = "--label", defaultValue = "server") String label;

  public static void main(String[] args) {
    System.exit(new CommandLine(new MixedLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Dataset dataset = Dataset.load(data);
    Mail mail = Mail.load(data);
    InetSocketAddress address = new InetSocketAddress(host, port);
    List<LoadClient> load = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      load.add(new LoadClient(address, String.format(userFormat, i % users), password, dataset, mail, seed * 1000 + i));
    }
    long start = System.nanoTime();
    long recordFrom = start + warmup * 1_000_000_000L;
    long end = recordFrom + seconds * 1_000_000_000L;
    List<Future<?>> running = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(clients)) {
      for (LoadClient client : load) {
        running.add(threads.submit(() -> {
          client.run(recordFrom);
          client.recording = true;
          client.run(end);
          client.finish();
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    }
    double measured = seconds;
    Latencies all = new Latencies();
    load.forEach(c -> all.addAll(c.latencies));
    long total = all.total();
    int datasetTotal = dataset.weights.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf("%s: %d clients, %d users, %d s measured after %d s warm-up%n", label, clients, users, seconds, warmup);
    System.out.printf("%-11s %8s %7s %7s %9s %9s %6s%n", "command", "count", "mix%", "data%", "p50 ms", "p99 ms", "failed");
    for (Verb verb : Verb.values()) {
      int n = all.count(verb);
      System.out.printf("%-11s %8d %6.1f%% %6.1f%% %9.2f %9.2f %6d%n", verb, n, 100.0 * n / Math.max(1, total),
          100.0 * dataset.weights.getOrDefault(verb, 0) / datasetTotal, all.percentile(verb, 50),
          all.percentile(verb, 99), all.failures.getOrDefault(verb, 0));
    }
    all.firstFailure.forEach((verb, answer) -> System.out.println("first refusal of " + verb + ": " + answer));
    if (!dataset.left.isEmpty()) {
      System.out.println("not replayed (see Dataset.load): " + dataset.left);
    }
    System.out.printf("total: %d commands in %.0f s = %.0f commands/s, p50 %.2f ms, p99 %.2f ms%n", total, measured,
        total / measured, all.percentileAll(50), all.percentileAll(99));
    System.out.printf("result mixed_%d_cmds_per_s %.1f cmd/s%n", clients, total / measured);
    System.out.printf("result mixed_%d_p50 %.3f ms%n", clients, all.percentileAll(50));
    System.out.printf("result mixed_%d_p99 %.3f ms%n", clients, all.percentileAll(99));
    System.out.printf("result mixed_%d_failed %d cmd%n", clients, all.failures.values().stream().mapToInt(Integer::intValue).sum());
    return 0;
  }
}
