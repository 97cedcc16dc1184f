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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.Executors;

/**
 * The IMAP issue's figures, on the embedded store in a temp directory: heap per idle IDLE
 * connection (the clients run in a child JVM, so the heap measured is the server's), APPEND rate of 20 kB messages, and the time of
 * {@code UID FETCH 1:* (UID FLAGS ...)} over 10 000 messages.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.ImapFigures [connections] [messages] [fetch items]</pre>
 */
public final class ImapFigures {

  public static void main(String[] args) throws Exception {
    int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int messages = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    String items = args.length > 2 ? args[2] : "UID FLAGS ENVELOPE";
    Path data = Files.createTempDirectory("tern-bench");
    var fetches = Executors.newVirtualThreadPerTaskExecutor();
    LogContext context = new LogContext(new FileObjectStore(data), new HybridClock(InstantSource.system(),
        new SecureRandom()), InstantSource.system(), fetches, new SimpleMeterRegistry(), LogConfig.DEFAULTS);
    User alice = new User("alice", "alice", List.of("alice@example.tld"), PasswordHash.create("hunter2").toString(),
        new CryptoRoot.Cleartext(KeyBundle.generate()));
    Accounts accounts = new Accounts(context, UserDirectory.of(List.of(alice)),
        new byte[0], Duration.ofMinutes(10));
    ImapServer server = new ImapServer(ImapConfig.dev(), accounts);
    InetSocketAddress address = server.start(new InetSocketAddress("127.0.0.1", 0));

    // APPEND rate, 20 kB messages, one connection.
    byte[] message = message(20_000);
    try (Client client = new Client(address)) {
      client.command("a LOGIN alice hunter2");
      int count = Math.min(messages, 2000);
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        client.append("INBOX", message);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("APPEND 20 kB: %d messages in %.2f s = %.0f messages/s (one connection)%n",
          count, seconds, count / seconds);
      for (int i = count; i < messages; i++) {
        client.append("INBOX", message(600));
      }
      client.command("s SELECT INBOX");
      for (int round = 0; round < 3; round++) {
        long fetchStart = System.nanoTime();
        int lines = client.command("f UID FETCH 1:* (" + items + ")").size();
        System.out.printf("UID FETCH 1:* (%s) over %d messages: %.0f ms (%d lines)%n", items, messages,
            (System.nanoTime() - fetchStart) / 1e6, lines);
      }
    }

    // Heap per idle IDLE connection: the clients run in another JVM, so this heap is the server's.
    long before = usedAfterGc();
    Process clients = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", System.getProperty("java.class.path"), IdleClients.class.getName(),
        address.getHostString(), Integer.toString(address.getPort()), Integer.toString(connections))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader report = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
    String ready = report.readLine();
    if (ready == null || !ready.startsWith("ready ")) {
      throw new IOException("IDLE clients failed: " + ready);
    }
    long after = usedAfterGc();
    double openSeconds = Long.parseLong(ready.substring("ready ".length())) / 1e3;
    System.out.printf("%d connections: LOGIN + SELECT + IDLE in %.1f s (%.0f connections/s)%n",
        connections, openSeconds, connections / openSeconds);
    System.out.printf("%d IDLE connections on a %d-message INBOX: %.1f kB server heap each (after GC)%n",
        connections, messages, (after - before) / 1024.0 / connections);
    clients.getOutputStream().close();
    clients.waitFor();
    server.close();
    fetches.close();
  }

  private static byte[] message(int size) {
    StringBuilder text = new StringBuilder("From: bench@example.tld\r\nTo: alice@example.tld\r\nSubject: bench\r\n"
        + "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + System.nanoTime() + "@example.tld>\r\n\r\n");
    while (text.length() < size - 80) {
      text.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static final class Client implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;
    int tag;

    Client(InetSocketAddress address) throws IOException {
      socket = new Socket(address.getAddress(), address.getPort());
      socket.setTcpNoDelay(true); // as mail clients do; else Nagle holds the CRLF after each literal 40 ms
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1), 1024);
      out = socket.getOutputStream();
      in.readLine();
    }

    void send(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    String readLine() throws IOException {
      return in.readLine();
    }

    List<String> command(String command) throws IOException {
      String t = command.substring(0, command.indexOf(' '));
      send(command + "\r\n");
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        if (line.startsWith(t + " ")) {
          if (!line.startsWith(t + " OK")) {
            throw new IOException(command + " failed: " + line);
          }
          return lines;
        }
      }
      throw new IOException("closed");
    }

    void append(String mailbox, byte[] message) throws IOException {
      String t = "p" + (tag++);
      out.write((t + " APPEND " + mailbox + " {" + message.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(message);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String line;
      while ((line = in.readLine()) != null && !line.startsWith(t + " ")) {
        if (line.startsWith("* BYE")) {
          throw new IOException("APPEND failed: " + line);
        }
      }
      if (line == null || !line.startsWith(t + " OK")) {
        throw new IOException("APPEND failed: " + line);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
