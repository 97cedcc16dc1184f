package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A concurrent workload on a cluster, and the checks of what it leaves. IMAP clients connect to
 * random nodes and APPEND, SELECT, FETCH, STORE, EXPUNGE, COPY and MOVE among three mailboxes of
 * one user, moving to another node now and then; LMTP clients deliver to random nodes. Every
 * message carries a unique {@code X-Token} header, so what each client was told a UID names
 * (APPENDUID, COPYUID, FETCH) is recorded and checked afterwards:
 *
 * <ul>
 *   <li>one client never sees one (mailbox, UIDVALIDITY, UID) name two messages, across its
 *       reconnections — what a client's cache relies on;
 *   <li>when two clients were told different messages for one (mailbox, UIDVALIDITY, UID) (nodes
 *       that had not seen each other's APPEND), the mailbox's UIDVALIDITY ends higher — the proof's
 *       second theorem seen from the clients;
 *   <li>after quiescence every node reports the same UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, UIDs,
 *       messages and flags ({@link #snapshot});
 *   <li>nothing acknowledged is lost: every message that got an APPEND {@code OK} or an LMTP
 *       {@code 250} is in some mailbox, unless a client expunged it. Clients set {@code \Deleted}
 *       only on "doomed" messages (every fourth token), so the others must all be there.
 * </ul>
 */
final class ClusterWorkload {

  static final List<String> MAILBOXES = List.of("INBOX", "Work", "Later");
  private static final List<String> FLAGS = List.of("\\Seen", "\\Flagged", "$Work");

  /** A UID as a client was told it. */
  record Told(String mailbox, long uidValidity, long uid) {}

  /** One mailbox as a node reports it. */
  record MailboxState(long uidValidity, long uidNext, long highestModSeq, SortedMap<Long, String> messages) {}

  private final IntFunction<InetSocketAddress> imap;
  private final IntFunction<InetSocketAddress> lmtp;
  private final int nodes;
  private final String login;
  private final String password;
  private final String address;

  private final AtomicInteger tokens = new AtomicInteger();
  private final Map<Told, Set<String>> told = new ConcurrentHashMap<>();
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final List<String> clientConflicts = Collections.synchronizedList(new ArrayList<>());
  private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger commands = new AtomicInteger();
  final AtomicInteger byes = new AtomicInteger();
  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger deliveries = new AtomicInteger();

  ClusterWorkload(IntFunction<InetSocketAddress> imap, IntFunction<InetSocketAddress> lmtp, int nodes, String login,
      String password, String address) {
    this.imap = imap;
    this.lmtp = lmtp;
    this.nodes = nodes;
    this.login = login;
    this.password = password;
    this.address = address;
  }

  /** Creates the mailboxes other than INBOX, through node 0. */
  void createMailboxes() {
    try (ImapClient client = new ImapClient(imap.apply(0))) {
      assertEquals("OK", ImapClient.status(client.command("LOGIN " + login + " " + password)));
      for (String mailbox : MAILBOXES.subList(1, MAILBOXES.size())) {
        List<String> created = client.command("CREATE " + mailbox);
        assertEquals("OK", ImapClient.status(created), created.toString());
      }
    }
  }

  /**
   * Runs {@code clients} IMAP clients of {@code actions} commands each and {@code deliverers} LMTP
   * clients of {@code deliveriesEach} deliveries, all at once; returns when all are done.
   * {@code paused} is called between actions (the crash test kills a node from there).
   */
  void run(long seed, int clients, int actions, int deliverers, int deliveriesEach, Runnable paused) throws Exception {
    List<Future<?>> running = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        Random random = new Random(seed * 1_000 + c);
        running.add(threads.submit(() -> {
          new Client(random).run(actions, paused);
          return null;
        }));
      }
      for (int d = 0; d < deliverers; d++) {
        Random random = new Random(seed * 1_000 + 500 + d);
        running.add(threads.submit(() -> {
          for (int i = 0; i < deliveriesEach; i++) {
            deliver(random);
            paused.run();
          }
          return null;
        }));
      }
      for (Future<?> future : running) {
        future.get();
      }
    }
    if (!failures.isEmpty()) {
      AssertionError error = new AssertionError("clients failed: " + failures.getFirst(), failures.getFirst());
      failures.stream().skip(1).forEach(error::addSuppressed);
      throw error;
    }
  }

  /**
   * What {@code node} reports of every mailbox: each selected afresh (INBOX first, which files
   * mail waiting in {@code incoming/}), flags without {@code \Recent} (which only one session may
   * see). Also records what it was told, as another client.
   */
  Map<String, MailboxState> snapshot(int node) {
    Map<String, MailboxState> mailboxes = new LinkedHashMap<>();
    Map<Told, String> mine = new HashMap<>();
    try (ImapClient client = new ImapClient(imap.apply(node))) {
      assertEquals("OK", ImapClient.status(client.command("LOGIN " + login + " " + password)));
      for (String mailbox : MAILBOXES) {
        List<String> select = client.command("SELECT " + mailbox);
        assertEquals("OK", ImapClient.status(select), select.toString());
        List<String> status = client.command("STATUS " + mailbox + " (HIGHESTMODSEQ)");
        assertEquals("OK", ImapClient.status(status), status.toString());
        // The STATUS line itself: the first STATUS HIGHESTMODSEQ also enables CONDSTORE, which,
        // with a mailbox selected, is answered by an OK [HIGHESTMODSEQ] of that mailbox before it.
        String line = status.stream().filter(l -> l.startsWith("* STATUS ")).findFirst().orElse("");
        Matcher highestModSeq = Pattern.compile("HIGHESTMODSEQ (\\d+)").matcher(line);
        assertTrue(highestModSeq.find(), status.toString());
        long uidValidity = code(select, "UIDVALIDITY");
        SortedMap<Long, String> messages = new TreeMap<>();
        for (Map.Entry<Long, String[]> entry : fetchAll(client).entrySet()) {
          String token = entry.getValue()[0];
          Set<String> flags = new TreeSet<>(Arrays.asList(entry.getValue()[1].split(" ")));
          flags.remove("\\Recent");
          flags.remove("");
          messages.put(entry.getKey(), token + " " + flags);
          record(mine, new Told(mailbox, uidValidity, entry.getKey()), token);
        }
        mailboxes.put(mailbox, new MailboxState(uidValidity, code(select, "UIDNEXT"),
            Long.parseLong(highestModSeq.group(1)),
            messages));
      }
      client.command("LOGOUT");
    }
    return mailboxes;
  }

  /**
   * Checks what the clients were told against the nodes' final {@code state} (the same on every
   * node): no client saw one UID name two messages, every UID two clients were told differently
   * lies under an older UIDVALIDITY, and every acknowledged message not doomed is there.
   */
  void check(Map<String, MailboxState> state) {
    assertEquals(List.of(), clientConflicts, "a client saw one UID name two messages");
    for (Map.Entry<Told, Set<String>> entry : told.entrySet()) {
      if (entry.getValue().size() > 1) {
        long now = state.get(entry.getKey().mailbox()).uidValidity();
        assertTrue(entry.getKey().uidValidity() < now, "UID " + entry.getKey() + " named " + entry.getValue()
            + " to different clients, and UIDVALIDITY is still " + now);
      }
    }
    Set<String> present = new HashSet<>();
    for (MailboxState mailbox : state.values()) {
      for (String message : mailbox.messages().values()) {
        present.add(message.substring(0, message.indexOf(' ')));
      }
    }
    List<String> lost = acknowledged.stream().filter(token -> !doomed(token) && !present.contains(token))
        .sorted().toList();
    assertEquals(List.of(), lost, "acknowledged messages missing");
  }

  /** How many UIDs were told differently to different clients (resolved by a higher UIDVALIDITY). */
  long resolvedConflicts() {
    return told.values().stream().filter(messages -> messages.size() > 1).count();
  }

  int acknowledged() {
    return acknowledged.size();
  }

  // ---- IMAP clients ----

  private final class Client {
    private final Random random;
    private final Map<Told, String> mine = new HashMap<>();
    private ImapClient connection;
    private String selected;
    private long uidValidity;
    private Map<Long, String> known = new HashMap<>();

    Client(Random random) {
      this.random = random;
    }

    void run(int actions, Runnable paused) {
      try {
        for (int i = 0; i < actions; i++) {
          try {
            if (connection == null || random.nextInt(20) == 0) {
              reconnect();
            }
            act();
          } catch (ImapClient.Closed e) {
            if (e.line != null) {
              byes.incrementAndGet();
            }
            disconnect();
          }
          paused.run();
        }
        disconnect();
      } catch (Throwable e) {
        failures.add(e);
      }
    }

    private void reconnect() {
      disconnect();
      for (int attempt = 0; ; attempt++) {
        try {
          connection = new ImapClient(imap.apply(random.nextInt(nodes)));
          break;
        } catch (UncheckedIOException e) {
          // a node being restarted by the crash test
          refused.incrementAndGet();
          if (attempt > 10 * nodes) {
            throw e;
          }
        }
      }
      List<String> login = connection.command("LOGIN " + ClusterWorkload.this.login + " " + password);
      assertEquals("OK", ImapClient.status(login), login.toString());
    }

    private void disconnect() {
      if (connection != null) {
        connection.close();
        connection = null;
      }
      selected = null;
      known = new HashMap<>();
    }

    private void act() {
      commands.incrementAndGet();
      int dice = random.nextInt(100);
      if (dice < 25) {
        append();
      } else if (dice < 40 || selected == null) {
        select(MAILBOXES.get(random.nextInt(MAILBOXES.size())));
      } else if (dice < 60) {
        store();
      } else if (dice < 70) {
        copyOrMove(random.nextBoolean() ? "COPY" : "MOVE");
      } else if (dice < 80) {
        expunge();
      } else if (dice < 90) {
        refresh();
      } else {
        expect("NOOP", connection.command("NOOP"));
      }
    }

    private void append() {
      String token = "t" + tokens.incrementAndGet();
      String mailbox = MAILBOXES.get(random.nextInt(MAILBOXES.size()));
      String flags = random.nextBoolean() ? "" : FLAGS.get(random.nextInt(FLAGS.size()));
      List<String> responses = connection.append(mailbox, flags, message(token, "appended to " + mailbox));
      if (ImapClient.status(responses).equals("OK")) {
        acknowledged.add(token);
        long[] appendUid = numbers(responses.getLast(), "APPENDUID");
        record(mine, new Told(mailbox, appendUid[0], appendUid[1]), token);
      } else {
        throw new AssertionError("APPEND failed: " + responses);
      }
    }

    private void select(String mailbox) {
      List<String> responses = connection.command("SELECT " + mailbox);
      expect("SELECT", responses);
      selected = mailbox;
      uidValidity = code(responses, "UIDVALIDITY");
      refresh();
    }

    private void refresh() {
      known = new HashMap<>();
      for (Map.Entry<Long, String[]> entry : fetchAll(connection).entrySet()) {
        known.put(entry.getKey(), entry.getValue()[0]);
        record(mine, new Told(selected, uidValidity, entry.getKey()), entry.getValue()[0]);
      }
    }

    private void store() {
      Long uid = anyKnown();
      if (uid == null) {
        return;
      }
      String flag = doomed(known.get(uid)) && random.nextBoolean() ? "\\Deleted" : FLAGS.get(random.nextInt(FLAGS.size()));
      String sign = flag.equals("\\Deleted") || random.nextBoolean() ? "+" : "-";
      expect("STORE", connection.command("UID STORE " + uid + " " + sign + "FLAGS (" + flag + ")"));
    }

    private void copyOrMove(String command) {
      List<Long> uids = new ArrayList<>();
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        Long uid = anyKnown();
        if (uid != null && !uids.contains(uid)) {
          uids.add(uid);
        }
      }
      if (uids.isEmpty()) {
        return;
      }
      List<String> others = new ArrayList<>(MAILBOXES);
      others.remove(selected);
      String target = others.get(random.nextInt(others.size()));
      List<String> responses = connection.command("UID " + command + " "
          + String.join(",", uids.stream().map(String::valueOf).toList()) + " " + target);
      expect(command, responses);
      for (String line : responses) {
        Matcher copyUid = COPYUID.matcher(line);
        if (copyUid.find()) {
          List<Long> from = expand(copyUid.group(2));
          List<Long> to = expand(copyUid.group(3));
          assertEquals(from.size(), to.size(), line);
          for (int i = 0; i < from.size(); i++) {
            String token = known.get(from.get(i));
            assertTrue(token != null, "COPYUID names a UID not asked for: " + line);
            record(mine, new Told(target, Long.parseLong(copyUid.group(1)), to.get(i)), token);
          }
        }
      }
      if (command.equals("MOVE")) {
        uids.forEach(known::remove);
      }
    }

    private void expunge() {
      List<String> responses = random.nextBoolean() ? connection.command("EXPUNGE")
          : connection.command("UID EXPUNGE 1:*");
      expect("EXPUNGE", responses);
    }

    private Long anyKnown() {
      if (known.isEmpty()) {
        return null;
      }
      List<Long> uids = new ArrayList<>(known.keySet());
      return uids.get(random.nextInt(uids.size()));
    }

    private void expect(String what, List<String> responses) {
      if (!ImapClient.status(responses).equals("OK")) {
        throw new AssertionError(what + " failed: " + responses);
      }
    }
  }

  private void record(Map<Told, String> mine, Told uid, String token) {
    String before = mine.putIfAbsent(uid, token);
    if (before != null && !before.equals(token)) {
      clientConflicts.add(uid + " named " + before + ", then " + token);
    }
    told.computeIfAbsent(uid, key -> ConcurrentHashMap.newKeySet()).add(token);
  }

  private static final Pattern FETCH_UID = Pattern.compile("^\\* \\d+ FETCH \\(.*?UID (\\d+)");
  private static final Pattern FETCH_FLAGS = Pattern.compile("FLAGS \\(([^)]*)\\)");
  private static final Pattern TOKEN = Pattern.compile("X-Token: (t\\d+)");
  private static final Pattern COPYUID = Pattern.compile("\\[COPYUID (\\d+) ([\\d:,]+) ([\\d:,]+)]");

  /** UID → {token, flags} of every message in the selected mailbox. */
  private Map<Long, String[]> fetchAll(ImapClient client) {
    List<String> responses = client.command("UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (X-Token)])");
    if (!ImapClient.status(responses).equals("OK")) {
      throw new AssertionError("FETCH failed: " + responses);
    }
    Map<Long, String[]> messages = new HashMap<>();
    for (String response : responses) {
      Matcher uid = FETCH_UID.matcher(response);
      Matcher token = TOKEN.matcher(response);
      if (uid.find() && token.find()) {
        Matcher flags = FETCH_FLAGS.matcher(response);
        messages.put(Long.parseLong(uid.group(1)), new String[] {token.group(1), flags.find() ? flags.group(1) : ""});
      }
    }
    return messages;
  }

  private static long code(List<String> responses, String code) {
    for (String response : responses) {
      int at = response.indexOf("[" + code + " ");
      if (at >= 0) {
        return Long.parseLong(response.substring(at + code.length() + 2, response.indexOf(']', at)));
      }
    }
    throw new AssertionError("no " + code + " in " + responses);
  }

  private static long[] numbers(String response, String code) {
    int at = response.indexOf("[" + code + " ");
    if (at < 0) {
      throw new AssertionError("no " + code + " in " + response);
    }
    String[] parts = response.substring(at + code.length() + 2, response.indexOf(']', at)).split(" ");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }

  private static List<Long> expand(String set) {
    List<Long> uids = new ArrayList<>();
    for (String part : set.split(",")) {
      int colon = part.indexOf(':');
      if (colon < 0) {
        uids.add(Long.parseLong(part));
      } else {
        long a = Long.parseLong(part.substring(0, colon));
        long b = Long.parseLong(part.substring(colon + 1));
        for (long uid = a; a <= b ? uid <= b : uid >= b; uid += a <= b ? 1 : -1) {
          uids.add(uid);
        }
      }
    }
    return uids;
  }

  static boolean doomed(String token) {
    return Integer.parseInt(token.substring(1)) % 4 == 0;
  }

  private String message(String token, String text) {
    return "From: Bob <bob@example.tld>\r\nTo: <" + address + ">\r\nSubject: " + token + "\r\nX-Token: " + token
        + "\r\nMessage-ID: <" + token + "@cluster.test>\r\n\r\n" + text + "\r\n";
  }

  // ---- LMTP clients ----

  private void deliver(Random random) throws IOException {
    String token = "t" + tokens.incrementAndGet();
    InetSocketAddress node = lmtp.apply(random.nextInt(nodes));
    Socket socket;
    try {
      socket = new Socket(node.getAddress(), node.getPort());
    } catch (IOException e) {
      refused.incrementAndGet(); // a node being restarted: the MTA would try another
      return;
    }
    try (socket) {
      socket.setSoTimeout(60_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      out.write(("LHLO cluster.test\r\nMAIL FROM:<bob@example.tld>\r\nRCPT TO:<" + address + ">\r\nDATA\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write((message(token, "delivered over LMTP") + ".\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("250 2.0.0 <")) {
          acknowledged.add(token);
          deliveries.incrementAndGet();
        }
      }
    } catch (IOException e) {
      // the node died mid-delivery: nothing acknowledged, nothing to check
      refused.incrementAndGet();
    }
  }
}
