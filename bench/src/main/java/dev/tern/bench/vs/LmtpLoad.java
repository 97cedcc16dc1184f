package dev.tern.bench.vs;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * LMTP deliveries per second against any LMTP server: {@code --clients} connections, each
 * delivering messages of {@code --size} bytes one after the other (MAIL, RCPT, DATA pipelined as
 * RFC 2033 allows), one recipient each, round robin over the users; a delivery counts once its
 * {@code 250} is in. Prints deliveries/s and p50/p99 of the time from MAIL to the 250.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.vs.LmtpLoad --port 21024 --clients 10 --deliveries 3000</pre>
 */
@Command(name = "LmtpLoad", mixinStandardHelpOptions = true)
public final class LmtpLoad implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1") String host;
  @Option(names = "--port", required = true) int port;
  @Option(names = "--recipient-format", defaultValue = "user%d@example.tld") String recipientFormat;
  @Option(names = "--users", defaultValue = "10") int users;
  @Option(names = "--clients", defaultValue = "10") int clients;
  @Option(names = "--deliveries", defaultValue = "3000") int deliveries;
  @Option(names = "--warmup", defaultValue = "300") int warmup;
  @Option(names = "--size", defaultValue = "20000") int size;
  @Option(names = "--seed", defaultValue = "7") long seed;
  @Option(names = "--key", defaultValue = "lmtp", description = "the result lines' key prefix") String key;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LmtpLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Random random = new Random(seed);
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      messages.add(Mail.message(random, size, "someone@example.tld").bytes());
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    run(address, warmup, messages);
    long start = System.nanoTime();
    long[] times = run(address, deliveries, messages);
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(times);
    System.out.printf("LMTP %d B, %d clients: %d deliveries in %.2f s = %.0f deliveries/s, p50 %.2f ms, p99 %.2f ms%n",
        size, clients, deliveries, seconds, deliveries / seconds, times[times.length / 2] / 1e6,
        times[(int) Math.ceil(times.length * 0.99) - 1] / 1e6);
    System.out.printf("result %s_deliveries_per_s %.1f msg/s%n", key, deliveries / seconds);
    System.out.printf("result %s_p50 %.3f ms%n", key, times[times.length / 2] / 1e6);
    return 0;
  }

  private long[] run(InetSocketAddress address, int count, List<byte[]> messages) throws Exception {
    long[] times = new long[count];
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        running.add(pool.submit(() -> {
          deliver(address, client, count, messages, times);
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    }
    return times;
  }

  /** Deliveries {@code client}, {@code client + clients}, … of {@code count}, times into {@code times}. */
  private void deliver(InetSocketAddress address, int client, int count, List<byte[]> messages, long[] times)
      throws IOException {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
      expect(line(in), "220");
      out.write("LHLO bench.example\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String reply;
      while ((reply = line(in)) != null && reply.startsWith("250-")) {
        // extensions
      }
      for (int i = client; i < count; i += clients) {
        String recipient = String.format(recipientFormat, i % users);
        long start = System.nanoTime();
        out.write(("MAIL FROM:<bench@example.org>\r\nRCPT TO:<" + recipient + ">\r\nDATA\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(line(in), "250");
        expect(line(in), "250");
        expect(line(in), "354");
        out.write(messages.get(i % messages.size())); // no line starts with a dot: nothing to stuff
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(line(in), "250");
        times[i] = System.nanoTime() - start;
      }
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      line(in);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        s.append((char) b);
      }
    }
    return b < 0 && s.isEmpty() ? null : s.toString();
  }

  private static void expect(String line, String code) throws IOException {
    if (line == null || !line.startsWith(code)) {
      throw new IOException("expected " + code + ", got " + line);
    }
  }
}
