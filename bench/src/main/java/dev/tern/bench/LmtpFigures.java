package dev.tern.bench;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.lmtp.LmtpConfig;
import dev.tern.lmtp.LmtpServer;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.Keyring;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.FileObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The LMTP issue's figure: deliveries per second of 20 kB messages from 10 parallel clients (one
 * recipient each, round robin over 10 users) on the embedded {@link FileObjectStore} in a temp
 * directory, each acknowledged only once its sealed copy is fsynced. Measured twice: users whose
 * keys sit behind their password and nobody logged in (the message waits in {@code incoming/},
 * the usual case), and users whose keys this node holds (each delivery is also filed into INBOX
 * in the background, competing for the disk).
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.LmtpFigures [deliveries] [clients] [message bytes]</pre>
 */
public final class LmtpFigures {

  private static final int USERS = 10;

  public static void main(String[] args) throws Exception {
    int deliveries = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    byte[] message = message(size);
    for (boolean filing : new boolean[] {false, true}) {
      Path data = Files.createTempDirectory("tern-bench-lmtp");
      FileObjectStore store = new FileObjectStore(data);
      ExecutorService fetches = Executors.newVirtualThreadPerTaskExecutor();
      LogContext context = new LogContext(store, new HybridClock(InstantSource.system(), new SecureRandom()),
          InstantSource.system(), fetches, new SimpleMeterRegistry(), LogConfig.DEFAULTS);
      String hash = PasswordHash.create("hunter2").toString();
      List<User> users = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        CryptoRoot root;
        if (filing) {
          root = new CryptoRoot.Cleartext(KeyBundle.generate());
        } else {
          new Keyring(store, "u" + u, new byte[0]).create("hunter2");
          root = new CryptoRoot.Pass(Optional.empty());
        }
        users.add(new User("u" + u, "u" + u, List.of("u" + u + "@example.tld"), hash, root));
      }
      UserDirectory directory = UserDirectory.of(users);
      Accounts accounts = new Accounts(context, directory, new byte[0], Duration.ofMinutes(10));
      LmtpServer server = new LmtpServer(LmtpConfig.defaults().withSpillDirectory(data.resolve("spill")),
          directory, accounts);
      InetSocketAddress address = server.start(new InetSocketAddress("127.0.0.1", 0));

      run(address, clients, Math.max(clients, deliveries / 10), message); // warm-up
      long start = System.nanoTime();
      run(address, clients, deliveries, message);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("LMTP %d B messages, %d clients, %s: %d deliveries in %.2f s = %.0f deliveries/s%n",
          message.length, clients, filing ? "keys held here (filed into INBOX too)" : "keys behind passwords (incoming/ only)",
          deliveries, seconds, deliveries / seconds);
      if (filing) {
        // The background filing goes on after the last 250: wait for it before closing the store.
        for (User user : users) {
          try (Accounts.Lease lease = accounts.lease(user, ((CryptoRoot.Cleartext) user.cryptoRoot()).keys())) {
            lease.account().fileIncoming();
          }
        }
        System.out.printf("  ... and everything filed into INBOX %.2f s after the first delivery%n",
            (System.nanoTime() - start) / 1e9);
      }
      server.close();
      fetches.close();
      store.close();
      TempTrees.delete(data);
    }
  }

  /** {@code deliveries} messages over {@code clients} connections at once. */
  private static void run(InetSocketAddress address, int clients, int deliveries, byte[] message) throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        int count = deliveries / clients + (client < deliveries % clients ? 1 : 0);
        running.add(pool.submit(() -> {
          deliver(address, client, count, message);
          return null;
        }));
      }
      for (Future<?> future : running) {
        future.get();
      }
    }
  }

  private static void deliver(InetSocketAddress address, int client, int count, byte[] message) throws IOException {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setTcpNoDelay(true);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      expect(in.readLine(), "220 ");
      out.write("LHLO bench.example\r\n".getBytes(StandardCharsets.US_ASCII));
      String line;
      while ((line = in.readLine()) != null && line.startsWith("250-")) {
        // capabilities
      }
      for (int i = 0; i < count; i++) {
        int user = (client + i) % USERS;
        out.write(("MAIL FROM:<bench@example.org>\r\nRCPT TO:<u" + user + "@example.tld>\r\nDATA\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in.readLine(), "250 ");
        expect(in.readLine(), "250 ");
        expect(in.readLine(), "354 ");
        out.write(message); // no line starts with a dot: no stuffing needed
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in.readLine(), "250 2.0.0 ");
      }
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      expect(in.readLine(), "221 ");
    }
  }

  private static void expect(String line, String prefix) throws IOException {
    if (line == null || !line.startsWith(prefix)) {
      throw new IOException("expected " + prefix + "..., got " + line);
    }
  }

  private static byte[] message(int size) {
    StringBuilder text = new StringBuilder("From: bench@example.org\r\nTo: u0@example.tld\r\nSubject: bench\r\n"
        + "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <lmtp-bench@example.org>\r\n\r\n");
    while (text.length() < size - 74) {
      text.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
