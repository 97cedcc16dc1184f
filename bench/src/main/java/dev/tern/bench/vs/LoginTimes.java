package dev.tern.bench.vs;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * LOGIN round trips against any IMAP server, one new connection per login (the connection and the
 * greeting are not timed). The first round over the users is "cold" when the server has just
 * been started (the caller restarts it); the next rounds are "warm".
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.vs.LoginTimes --port 21143 --users 20 --rounds 6</pre>
 */
@Command(name = "LoginTimes", mixinStandardHelpOptions = true)
public final class LoginTimes implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1") String host;
  @Option(names = "--port", required = true) int port;
  @Option(names = "--user-format", defaultValue = "user%d") String userFormat;
  @Option(names = "--users", defaultValue = "20") int users;
  @Option(names = "--password", defaultValue = "bench-password") String password;
  @Option(names = "--rounds", defaultValue = "11") int rounds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoginTimes()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    InetSocketAddress address = new InetSocketAddress(host, port);
    long[] cold = new long[users];
    long[] warm = new long[users * (rounds - 1)];
    for (int round = 0; round < rounds; round++) {
      for (int u = 0; u < users; u++) {
        try (Wire wire = new Wire(address)) {
          long start = System.nanoTime();
          Wire.Reply reply = wire.command("LOGIN \"" + String.format(userFormat, u) + "\" \"" + password + "\"");
          long nanos = System.nanoTime() - start;
          if (!reply.ok()) {
            throw new IllegalStateException("LOGIN refused: " + reply.tagged());
          }
          if (round == 0) {
            cold[u] = nanos;
          } else {
            warm[(round - 1) * users + u] = nanos;
          }
          wire.command("LOGOUT");
        }
      }
    }
    Arrays.sort(cold);
    Arrays.sort(warm);
    System.out.printf("cold LOGIN (first per user since the server started): p50 %.2f ms, max %.2f ms over %d users%n",
        cold[users / 2] / 1e6, cold[users - 1] / 1e6, users);
    System.out.printf("warm LOGIN: p50 %.2f ms, p99 %.2f ms over %d logins%n", warm[warm.length / 2] / 1e6,
        warm[(int) Math.ceil(warm.length * 0.99) - 1] / 1e6, warm.length);
    System.out.printf("result login_cold_p50 %.3f ms%n", cold[users / 2] / 1e6);
    System.out.printf("result login_warm_p50 %.3f ms%n", warm[warm.length / 2] / 1e6);
    return 0;
  }
}
