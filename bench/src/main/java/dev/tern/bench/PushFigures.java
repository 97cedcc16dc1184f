package dev.tern.bench;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.imap.ImapConfig;
import dev.tern.imap.ImapServer;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.FileObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How long after a delivery is durable (the moment LMTP answers 250) an IMAP session idling on
 * INBOX on the same node hears {@code * n EXISTS}: the background filing (summary, blob, MailAdd)
 * plus the push. Embedded store in a temp directory.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.PushFigures [deliveries]</pre>
 */
public final class PushFigures {

  public static void main(String[] args) throws Exception {
    int deliveries = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (ExecutorService fetches = Executors.newVirtualThreadPerTaskExecutor()) {
      FileObjectStore store = new FileObjectStore(Files.createTempDirectory("tern-push"));
      LogContext context = new LogContext(store, new HybridClock(InstantSource.system(), new SecureRandom()),
          InstantSource.system(), fetches, new SimpleMeterRegistry(), LogConfig.DEFAULTS);
      User alice = new User("alice", "alice", List.of("alice@example.tld"), PasswordHash.create("hunter2").toString(),
          new CryptoRoot.Cleartext(KeyBundle.generate()));
      Accounts accounts = new Accounts(context, UserDirectory.of(List.of(alice)), new byte[0], Duration.ofMinutes(10));
      ImapServer server = new ImapServer(ImapConfig.dev(), accounts);
      InetSocketAddress address = server.start(new InetSocketAddress("127.0.0.1", 0));
      byte[] message = ("From: bench@example.tld\r\nSubject: push\r\n\r\n" + "x".repeat(20_000) + "\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      List<Double> delays = new ArrayList<>();
      try (ImapFigures.Client client = new ImapFigures.Client(address)) {
        client.command("a LOGIN alice hunter2");
        client.command("b SELECT INBOX");
        client.send("c IDLE\r\n");
        client.readLine();
        for (int i = 1; i <= deliveries; i++) {
          accounts.deliver(alice, new ByteArrayInputStream(message), message.length);
          long durable = System.nanoTime();
          String line;
          while ((line = client.readLine()) != null && !line.equals("* " + i + " EXISTS")) {
            // RECENT lines
          }
          if (line == null) {
            throw new IOException("connection closed");
          }
          delays.add((System.nanoTime() - durable) / 1e6);
        }
      }
      server.close();
      Collections.sort(delays);
      System.out.printf("delivery durable → * EXISTS on an IDLE session, 20 kB: p50 %.1f ms, p99 %.1f ms, max %.1f ms"
          + " over %d deliveries%n", delays.get(delays.size() / 2), delays.get((int) Math.ceil(delays.size() * 0.99) - 1),
          delays.getLast(), deliveries);
    }
  }
}
