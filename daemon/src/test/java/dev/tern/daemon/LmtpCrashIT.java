package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev daemon killed with SIGKILL while 200 LMTP deliveries are in flight, then restarted:
 * every message that got its 250 is in INBOX exactly once, and every message there is whole
 * (one that got no 250 may be there or not, but never in part).
 */
class LmtpCrashIT {

  private static final int DELIVERIES = 200;
  private static final int CLIENTS = 20;
  private static final int KILL_AFTER = 60; // acknowledged deliveries before the kill

  @TempDir Path workingDirectory;
  @TempDir Path outputs;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopWhatIsLeft() {
    started.forEach(Process::destroyForcibly);
  }

  private DevDaemon start(int imap, int lmtp, int auth) throws Exception {
    DevDaemon daemon = DevDaemon.start(workingDirectory, outputs,
        Map.of("TERN_DEV_IMAP_PORT", imap, "TERN_DEV_LMTP_PORT", lmtp, "TERN_DEV_AUTH_PORT", auth),
        List.of("IMAP on 127.0.0.1:" + imap + " ", "LMTP on 127.0.0.1:" + lmtp));
    started.add(daemon.process());
    return daemon;
  }

  /** A message of about 20 kB whose number, body and length tell whether it arrived whole. */
  static String message(int n) {
    StringBuilder body = new StringBuilder();
    for (int line = 0; line < 250; line++) {
      body.append("message ").append(n).append(" line ").append(line).append(" .......................................\r\n");
    }
    return "From: sender@example.tld\r\nTo: alice@example.tld\r\nSubject: crash " + n + "\r\nMessage-ID: <crash-" + n
        + "@example.tld>\r\n\r\n" + body + "end of message " + n + "\r\n";
  }

  @Test
  void everyAcknowledgedDeliverySurvivesAKillExactlyOnceAndNothingIsHalfThere() throws Exception {
    int[] ports = DevDaemon.freePorts(3);
    int imap = ports[0];
    int lmtp = ports[1];
    int auth = ports[2];
    DevDaemon first = start(imap, lmtp, auth);

    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    CountDownLatch enough = new CountDownLatch(KILL_AFTER);
    try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.submit(() -> {
          for (int n = client; n < DELIVERIES; n += CLIENTS) {
            try {
              if (deliver(lmtp, n)) {
                acknowledged.add(n);
                enough.countDown();
              }
            } catch (IOException e) {
              return; // the daemon died under this connection
            }
          }
        });
      }
      assertTrue(enough.await(120, TimeUnit.SECONDS), "only " + acknowledged.size() + " deliveries acknowledged");
      first.process().destroyForcibly(); // SIGKILL, deliveries in flight
      assertTrue(first.process().waitFor(10, TimeUnit.SECONDS));
    }
    Set<Integer> acked = Set.copyOf(acknowledged);
    assertTrue(acked.size() >= KILL_AFTER && acked.size() < DELIVERIES,
        "the kill must land mid-way: " + acked.size() + " of " + DELIVERIES + " acknowledged");

    DevDaemon second = start(imap, lmtp, auth);
    Map<Integer, Integer> copies = new HashMap<>();
    for (String fetched : inbox(imap)) {
      Matcher m = Pattern.compile("Subject: crash (\\d+)").matcher(fetched);
      assertTrue(m.find(), "a message not from this test: " + fetched.substring(0, Math.min(200, fetched.length())));
      int n = Integer.parseInt(m.group(1));
      copies.merge(n, 1, Integer::sum);
      assertTrue(fetched.endsWith(message(n)), "message " + n + " is not whole");
    }
    for (int n : acked) {
      assertEquals(1, copies.getOrDefault(n, 0), "acknowledged message " + n + " must be there exactly once");
    }
    copies.forEach((n, count) -> assertEquals(1, count, "message " + n + " twice"));
    System.out.printf("killed after %d of %d acknowledged; after the restart INBOX holds %d (%d never acknowledged)%n",
        acked.size(), DELIVERIES, copies.size(), copies.size() - acked.size());
    second.process().destroy();
    assertTrue(second.process().waitFor(10, TimeUnit.SECONDS));
  }

  /** One LMTP transaction; true when the recipient got 250. */
  private static boolean deliver(int port, int n) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(60_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      reply(in);
      out.write("LHLO crash.test\r\n".getBytes(StandardCharsets.US_ASCII));
      reply(in);
      out.write(("MAIL FROM:<sender@example.tld>\r\nRCPT TO:<alice@example.tld>\r\nDATA\r\n").getBytes(StandardCharsets.US_ASCII));
      if (!reply(in).startsWith("250") || !reply(in).startsWith("250") || !reply(in).startsWith("354")) {
        return false;
      }
      out.write(message(n).getBytes(StandardCharsets.US_ASCII)); // no line starts with a dot
      out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
      String result = reply(in);
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      return result.startsWith("250");
    }
  }

  /** The last line of a (possibly multi-line) reply. */
  private static String reply(BufferedReader in) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed");
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    return line;
  }

  /** Every INBOX message's bytes, after a SELECT (which files what waits in incoming/). */
  private static List<String> inbox(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(120_000);
      var in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      ImapLines lines = new ImapLines(in);
      lines.next();
      out.write("a LOGIN alice hunter2\r\nb SELECT INBOX\r\nc FETCH 1:* BODY.PEEK[]\r\n".getBytes(StandardCharsets.US_ASCII));
      List<String> messages = new ArrayList<>();
      for (String line = lines.next(); !line.startsWith("c "); line = lines.next()) {
        if (line.startsWith("a NO") || line.startsWith("b NO") || line.startsWith("b BAD")) {
          throw new IOException(line);
        }
        Matcher literal = Pattern.compile("^\\* \\d+ FETCH \\(BODY\\[\\] \\{(\\d+)\\}$").matcher(line);
        if (literal.find()) {
          messages.add(new String(lines.bytes(Integer.parseInt(literal.group(1))), StandardCharsets.US_ASCII));
        }
      }
      return messages;
    }
  }

  /** CRLF lines and literals from an IMAP server. */
  private static final class ImapLines {
    private final java.io.BufferedInputStream in;

    ImapLines(java.io.InputStream in) {
      this.in = new java.io.BufferedInputStream(in);
    }

    String next() throws IOException {
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (b != '\r') {
          line.append((char) b);
        }
      }
      if (b < 0 && line.isEmpty()) {
        throw new IOException("connection closed");
      }
      return line.toString();
    }

    byte[] bytes(int count) throws IOException {
      return in.readNBytes(count);
    }
  }
}
