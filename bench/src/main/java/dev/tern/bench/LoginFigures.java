package dev.tern.bench;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.PasswordHash;
import dev.tern.imap.ImapConfig;
import dev.tern.imap.ImapServer;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.Keyring;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.FileObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Cold and warm IMAP LOGIN, round trip over loopback, users with a {@code pass} crypto root on the
 * embedded store: cold = the first login of a user since the node started (Argon2id for the PHC
 * hash, then again for the key slot); warm = a login again within the cache's lifetime.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.LoginFigures [users]</pre>
 */
public final class LoginFigures {

  public static void main(String[] args) throws Exception {
    int users = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Path data = Files.createTempDirectory("tern-login");
    FileObjectStore store = new FileObjectStore(data);
    List<User> all = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String login = "user" + i;
      new Keyring(store, login, new byte[0]).create("password " + i);
      all.add(new User(login, login, List.of(login + "@example.tld"), PasswordHash.create("password " + i).toString(),
          new CryptoRoot.Pass(java.util.Optional.empty())));
    }
    UserDirectory directory = UserDirectory.of(all);
    // First logins create the default mailboxes; do that on a node that then goes away.
    run(store, directory, users, 1);
    List<List<Double>> rounds = run(store, directory, users, 6);
    List<Double> warm = new ArrayList<>();
    rounds.subList(1, rounds.size()).forEach(warm::addAll);
    System.out.printf("cold LOGIN (first on a fresh node: Argon2id for the hash, again for the key slot): "
        + "p50 %.1f ms, max %.1f ms over %d users%n", percentile(rounds.get(0), 50), percentile(rounds.get(0), 100), users);
    System.out.printf("warm LOGIN (keys cached): p50 %.2f ms, p99 %.2f ms over %d logins%n",
        percentile(warm, 50), percentile(warm, 99), warm.size());
  }

  /** Logs every user in, {@code rounds} times, on one fresh node; LOGIN round trips in ms per round. */
  private static List<List<Double>> run(FileObjectStore store, UserDirectory directory, int users, int rounds)
      throws Exception {
    try (ExecutorService fetches = Executors.newVirtualThreadPerTaskExecutor()) {
      LogContext context = new LogContext(store, new HybridClock(InstantSource.system(), new SecureRandom()),
          InstantSource.system(), fetches, new SimpleMeterRegistry(), LogConfig.DEFAULTS);
      Accounts accounts = new Accounts(context, directory, new byte[0], Duration.ofMinutes(10));
      ImapServer server = new ImapServer(ImapConfig.dev(), accounts);
      InetSocketAddress address = server.start(new InetSocketAddress("127.0.0.1", 0));
      List<List<Double>> times = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        List<Double> these = new ArrayList<>();
        for (int i = 0; i < users; i++) {
          try (ImapFigures.Client client = new ImapFigures.Client(address)) {
            long start = System.nanoTime();
            client.command("a LOGIN user" + i + " \"password " + i + "\"");
            these.add((System.nanoTime() - start) / 1e6);
            client.command("b LOGOUT");
          }
        }
        times.add(these);
      }
      server.close();
      return times;
    }
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
    return sorted.get(Math.max(0, index));
  }
}
