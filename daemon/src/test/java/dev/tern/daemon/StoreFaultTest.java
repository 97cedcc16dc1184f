package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.storage.FaultProxy;
import dev.tern.storage.S3ProxyServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A daemon on a real S3 server (S3Proxy in this process) reached through a {@link FaultProxy}, wired
 * as in production ({@code [storage] type = "s3"} in config.toml, {@code tern account add} with a
 * {@code pass} root), while its store resets connections, stalls, or answers 503. During the fault
 * every command that needs the store is answered {@code NO [UNAVAILABLE]} and every delivery
 * {@code 451 4.3.0}, on connections that stay usable; afterwards the same connections work again,
 * background filing has carried on by itself, and a second node started on the same store shows
 * every acknowledged message with the UIDs and flags the first node shows.
 *
 * <p>Short S3 timeouts and two attempts per request keep a stalled request to about two seconds,
 * more when it waits behind a background poll that stalls too.
 */
class StoreFaultTest {

  private static final String ALICE = "alice@example.tld";
  private static final String LMTP_451 = "451 4.3.0 <" + ALICE + "> Temporary internal error";
  private static final Pattern NO_UNAVAILABLE = Pattern.compile("t\\d+ NO \\[UNAVAILABLE\\] .*");
  private static final Pattern APPEND_UID = Pattern.compile("t\\d+ OK \\[APPENDUID (\\d+) (\\d+)\\] .*");
  private static final Pattern LISTED = Pattern.compile(
      "\\* \\d+ FETCH \\(UID (\\d+) FLAGS \\(([^)]*)\\) ENVELOPE \\((?:NIL|\"[^\"]*\") \"([^\"]*)\".*");
  private static final Pattern EXISTS = Pattern.compile("\\* (\\d+) EXISTS");

  @TempDir static Path directory;
  private static S3ProxyServer s3;
  private static FaultProxy proxy;
  private static Settings settings;
  private static Node node;

  @BeforeAll
  static void start() {
    s3 = S3ProxyServer.start();
    proxy = FaultProxy.start(s3.endpoint());
    Cli cli = new Cli(directory);
    Cli.write(cli.config, """
        [storage]
        type = "s3"
        endpoint = "%s"
        bucket = "%s"
        connect_timeout_seconds = 1
        socket_timeout_seconds = 1
        max_attempts = 2
        """.formatted(proxy.endpoint(), S3ProxyServer.BUCKET) + Cli.NODE_SECTIONS);
    cli.useS3ProxyCredentials();
    cli.variables.put("TERN_USERS_SERVER_SECRET", "a server secret");
    cli.variables.put("TERN_PASSWORD", "hunter2");
    Cli.Run added = cli.run("account", "add", "--login", "alice", "--address", ALICE);
    assertEquals(0, added.exitCode(), added.toString());
    settings = cli.settings();
    node = startNode();
  }

  /** A failed check must not leave the next fault's test with the store still failing. */
  @AfterEach
  void heal() {
    proxy.mode(FaultProxy.Mode.PASS);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  /**
   * What was acknowledged, over every fault so far: subject → UID and flags (APPEND, STORE), or
   * subjects alone (LMTP). Each fault's check covers the earlier faults' messages too.
   */
  private static final Map<String, Listed> appended = new LinkedHashMap<>();
  private static final List<String> delivered = new ArrayList<>();

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = FaultProxy.Mode.class, names = {"RESET", "STALL", "HTTP_503"})
  void commandsFailCleanlyDuringAFaultAndEverythingAcknowledgedSurvivesIt(FaultProxy.Mode fault) throws IOException {
    String before = "before-" + fault;
    try (RawImap selected = login(node);
         RawImap unselected = login(node);
         RawImap idler = login(node);
         RawImap fresh = new RawImap(node.addresses().getFirst());
         Lmtp lmtp = new Lmtp(lmtp(node))) {
      assertEquals("OK", status(selected.command("SELECT INBOX")));
      long uid = append(selected, before, "\\Flagged");
      assertEquals("OK", status(idler.command("SELECT INBOX")));
      String idle = idler.start("IDLE");
      assertTrue(idler.readLine().startsWith("+ "));
      lmtp.command("LHLO client.test", "250 ");
      lmtp.command("MAIL FROM:<bob@example.tld>", "250 2.1.0 OK");
      lmtp.command("RCPT TO:<" + ALICE + ">", "250 2.1.5 OK");

      proxy.mode(fault);
      // Every command that needs the store: one tagged NO [UNAVAILABLE], nothing else, and the
      // connection stays open for the next. The connections run side by side: a stalled request
      // takes seconds.
      concurrently(() -> {
        assertUnavailable(selected.command(appendCommand("during-" + fault, "")));
        assertUnavailable(selected.command("UID STORE " + uid + " +FLAGS (\\Answered)"));
        assertUnavailable(selected.command("UID FETCH " + uid + " BODY.PEEK[]"));
        assertUnavailable(selected.command("NOOP"));
      }, () -> {
        assertUnavailable(unselected.command("STATUS INBOX (MESSAGES UIDNEXT)"));
        assertUnavailable(unselected.command("SELECT INBOX"));
      }, () -> {
        // alice's account is open on this node: a LOGIN needs nothing from the store and works,
        // what comes next does not (a LOGIN that needs the store is refused cleanly, and the
        // session stays unauthenticated: StoreUnavailableTest).
        assertEquals("OK", status(fresh.command("LOGIN alice hunter2")));
        assertUnavailable(fresh.command("SELECT INBOX"));
      }, () -> {
        // The recipient was accepted before the fault; its copy cannot be stored now.
        assertEquals(LMTP_451, lmtp.data(message("lmtp-during-" + fault)));
        // The recipient's key cannot be read now: refused at RCPT, and the session goes on.
        lmtp.command("MAIL FROM:<bob@example.tld>", "250 2.1.0 OK");
        lmtp.command("RCPT TO:<" + ALICE + ">", LMTP_451);
        lmtp.command("RSET", "250 2.0.0 OK");
      });

      proxy.mode(FaultProxy.Mode.PASS);
      // The same connections work again, without logging in again.
      assertEquals("OK", status(selected.command("NOOP")));
      append(selected, "after-" + fault, "");
      List<String> body = selected.command("UID FETCH " + uid + " BODY.PEEK[]");
      assertEquals("OK", status(body));
      assertTrue(body.contains("Subject: " + before), body.toString());
      assertEquals("OK", status(selected.command("UID STORE " + uid + " +FLAGS (\\Answered)")));
      appended.put(before, new Listed(uid, Set.of("\\Answered", "\\Flagged"), before));
      assertEquals("OK", status(unselected.command("SELECT INBOX")));
      assertEquals("OK", status(fresh.command("SELECT INBOX")));
      lmtp.command("MAIL FROM:<bob@example.tld>", "250 2.1.0 OK");
      lmtp.command("RCPT TO:<" + ALICE + ">", "250 2.1.5 OK");
      String saved = lmtp.data(message("lmtp-after-" + fault));
      assertTrue(saved.matches("250 2\\.0\\.0 <alice@example\\.tld> \\S+ Saved"), saved);
      delivered.add("lmtp-after-" + fault);
      // Filed at once in the background, since alice is open here: the selected session hears of it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (search(selected, "SUBJECT lmtp-after-" + fault).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "the delivery never reached the selected session");
        assertEquals("OK", status(selected.command("NOOP")));
      }

      // Mail delivered through another node reaches this one only by its background poll of
      // incoming/, which went on failing during the fault: it shows in the IDLE that outlived it.
      int known = search(selected, "ALL").size();
      try (Node other = startNode(); Lmtp elsewhere = new Lmtp(lmtp(other))) {
        elsewhere.command("LHLO client.test", "250 ");
        elsewhere.command("MAIL FROM:<bob@example.tld>", "250 2.1.0 OK");
        elsewhere.command("RCPT TO:<" + ALICE + ">", "250 2.1.5 OK");
        String viaOther = "via-other-node-" + fault;
        assertTrue(elsewhere.data(message(viaOther)).startsWith("250 2.0.0 "));
        delivered.add(viaOther);
        for (String line = idler.readLine(); ; line = idler.readLine()) {
          assertFalse(line.startsWith(idle + " "), "IDLE ended: " + line);
          Matcher count = EXISTS.matcher(line);
          if (count.matches() && Integer.parseInt(count.group(1)) > known) {
            break;
          }
        }
        idler.send("DONE");
        assertEquals("OK", status(idler.until(idle)));
        assertEquals(1, search(idler, "SUBJECT " + viaOther).size());

        assertSameOnBothNodes(other);
      }
    }
  }

  /**
   * A second node, fresh on the same store, shows what the first shows (so no local state hides a
   * loss or holds a change the store does not), and both show everything acknowledged.
   */
  private static void assertSameOnBothNodes(Node other) throws IOException {
    List<String> here;
    List<String> there;
    Map<Long, Listed> listing;
    try (RawImap first = login(node); RawImap second = login(other)) {
      here = first.command("EXAMINE INBOX");
      there = second.command("EXAMINE INBOX");
      assertEquals(uidValidity(here), uidValidity(there));
      List<Listed> firstListing = listing(first);
      List<Listed> secondListing = listing(second);
      assertEquals(firstListing, secondListing, "the two nodes disagree");
      listing = new LinkedHashMap<>();
      for (Listed message : secondListing) {
        listing.put(message.uid(), message);
      }
    }
    for (Listed acknowledged : appended.values()) {
      assertEquals(acknowledged, listing.get(acknowledged.uid()), "an appended message as acknowledged");
    }
    for (String subject : delivered) {
      assertTrue(listing.values().stream().anyMatch(m -> m.subject().equals(subject)), subject + " was lost: " + listing);
    }
  }

  /** A message as FETCH (UID FLAGS ENVELOPE) shows it, \Recent left out (it belongs to one session). */
  private record Listed(long uid, Set<String> flags, String subject) {}

  private static List<Listed> listing(RawImap imap) {
    List<String> lines = imap.command("FETCH 1:* (UID FLAGS ENVELOPE)");
    assertEquals("OK", status(lines));
    List<Listed> listed = new ArrayList<>();
    for (String line : lines.subList(0, lines.size() - 1)) {
      Matcher m = LISTED.matcher(line);
      assertTrue(m.matches(), line);
      Set<String> flags = new TreeSet<>(List.of(m.group(2).isEmpty() ? new String[0] : m.group(2).split(" ")));
      flags.remove("\\Recent");
      listed.add(new Listed(Long.parseLong(m.group(1)), Set.copyOf(flags), m.group(3)));
    }
    return listed;
  }

  private static String uidValidity(List<String> select) {
    return select.stream().filter(l -> l.startsWith("* OK [UIDVALIDITY ")).findFirst().orElseThrow();
  }

  // ---- IMAP ----

  private static RawImap login(Node node) {
    RawImap imap = new RawImap(node.addresses().getFirst());
    assertEquals("OK", imap.status("LOGIN alice hunter2"));
    return imap;
  }

  /** Appends a message with {@code flags}; records and returns its UID. */
  private static long append(RawImap imap, String subject, String flags) {
    List<String> lines = imap.command(appendCommand(subject, flags));
    Matcher m = APPEND_UID.matcher(lines.getLast());
    assertTrue(m.matches(), lines.toString());
    long uid = Long.parseLong(m.group(2));
    appended.put(subject, new Listed(uid, flags.isEmpty() ? Set.of() : Set.of(flags.split(" ")), subject));
    return uid;
  }

  private static String appendCommand(String subject, String flags) {
    String message = message(subject);
    return "APPEND INBOX (" + flags + ") {" + message.length() + "+}\r\n" + message;
  }

  private static String message(String subject) {
    return "From: bob@example.tld\r\nSubject: " + subject + "\r\n\r\nSent while testing store faults.\r\n";
  }

  private static void assertUnavailable(List<String> lines) {
    assertEquals(1, lines.size(), "only the tagged answer: " + lines);
    assertTrue(NO_UNAVAILABLE.matcher(lines.getFirst()).matches(), lines.getFirst());
  }

  private static String status(List<String> lines) {
    return lines.getLast().split(" ", 3)[1];
  }

  /** The sequence numbers {@code SEARCH criteria} finds in the session's view. */
  private static List<Integer> search(RawImap imap, String criteria) {
    List<String> lines = imap.command("SEARCH " + criteria);
    assertEquals("OK", status(lines), lines.toString());
    String found = lines.stream().filter(l -> l.startsWith("* SEARCH")).findFirst().orElseThrow();
    return Arrays.stream(found.substring("* SEARCH".length()).trim().split(" "))
        .filter(n -> !n.isEmpty()).map(Integer::valueOf).toList();
  }

  /** Runs each check on its own thread and waits for all; the first failure is rethrown. */
  private static void concurrently(Runnable... checks) {
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> running = new ArrayList<>();
      for (Runnable check : checks) {
        running.add(threads.submit(check));
      }
      for (Future<?> check : running) {
        try {
          check.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  // ---- nodes, LMTP ----

  private static Node startNode() {
    return settings.startNode(new ReloadableDirectory(settings.usersFile()));
  }

  private static InetSocketAddress lmtp(Node node) {
    return node.addresses().getLast(); // the IMAP listeners bind first, then LMTP
  }

  /** A line-at-a-time LMTP client for one recipient. */
  private static final class Lmtp implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    Lmtp(InetSocketAddress address) {
      try {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(20_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        assertEquals("220 mx.test Tern ready.", in.readLine());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Sends a command and checks that its (last) reply line starts with {@code expected}. */
    void command(String command, String expected) {
      send(command + "\r\n");
      String reply = reply();
      assertTrue(reply.startsWith(expected), command + " -> " + reply);
    }

    /** Sends DATA and the message; returns the one recipient's reply. */
    String data(String message) {
      command("DATA", "354 ");
      send(message + ".\r\n");
      return reply();
    }

    private void send(String text) {
      try {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The last line of a reply (continuation lines have a '-' after the code). */
    private String reply() {
      try {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.length() < 4 || line.charAt(3) != '-') {
            return line;
          }
        }
        throw new IllegalStateException("connection closed");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
