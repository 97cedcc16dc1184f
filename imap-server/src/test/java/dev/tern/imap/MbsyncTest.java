package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mbsync (isync) between the real IMAP wiring and a Maildir: mail synced down, local additions,
 * flag changes and deletions synced up, remote changes synced down again, and a last sync that
 * finds nothing to do. After every sync both sides hold the same folders, the same messages
 * (by Message-ID, none twice) with the same flags. Skipped where mbsync is not installed; CI
 * installs it through {@code .ci/run}.
 */
class MbsyncTest {

  private static final long SYNC_TIMEOUT_SECONDS = 120;
  private static final Pattern FETCH_FLAGS = Pattern.compile("FLAGS \\(([^)]*)\\)");
  private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(<[^>\\r\\n]+>)");
  private static final Pattern LIST_LINE = Pattern.compile("^\\* LIST \\(([^)]*)\\) \"/\" (.+)$");

  @TempDir Path directory;
  private TestServer server;
  private ImapClient imap;
  private Path maildir;
  private Path inbox;
  private Path config;
  private int syncs;

  @BeforeEach
  void start() throws IOException {
    Assumptions.assumeTrue(mbsyncInstalled(), "mbsync not installed: skipping (apt-get install isync)");
    server = new TestServer();
    imap = server.connect();
    imap.login();
    maildir = Files.createDirectories(directory.resolve("mail"));
    inbox = directory.resolve("inbox");
    config = directory.resolve("mbsyncrc");
    Files.writeString(config, """
        IMAPAccount tern
        Host %s
        Port %d
        User alice
        Pass %s
        SSLType None
        AuthMechs LOGIN
        Timeout 30

        IMAPStore tern-remote
        Account tern

        MaildirStore local
        Path %s/
        Inbox %s
        SubFolders Verbatim

        Channel tern
        Far :tern-remote:
        Near :local:
        Patterns *
        Create Both
        Expunge Both
        SyncState *
        """.formatted(server.address.getHostString(), server.address.getPort(), TestServer.PASSWORD, maildir, inbox));
  }

  @AfterEach
  void stop() {
    if (imap != null) {
      imap.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void syncsDownAndUpTwiceWithoutDuplicatesOrLostFlags() throws IOException {
    append("INBOX", "<down-1@example.tld>", "first", "$Label1");
    append("INBOX", "<down-2@example.tld>", "second", "\\Seen");
    append("INBOX", "<down-3@example.tld>", "third", "\\Flagged \\Seen");
    append("INBOX", "<down-4@example.tld>", "fourth", "\\Answered");
    ok(imap.command("c1", "CREATE Work"));
    append("Work", "<work-1@example.tld>", "plans", "");
    append("Work", "<work-2@example.tld>", "budget", "\\Draft");

    // 1. Down: everything arrives once, flags included.
    sync();
    Map<String, Map<String, Set<String>>> down = assertSidesEqual();
    assertEquals(Set.of("<down-1@example.tld>", "<down-2@example.tld>", "<down-3@example.tld>", "<down-4@example.tld>"),
        down.get("INBOX").keySet());
    assertEquals(Set.of("\\Flagged", "\\Seen"), down.get("INBOX").get("<down-3@example.tld>"));
    assertEquals(Set.of("\\Answered"), down.get("INBOX").get("<down-4@example.tld>"));
    assertEquals(Set.of("<work-1@example.tld>", "<work-2@example.tld>"), down.get("Work").keySet());
    assertEquals(Set.of("\\Draft"), down.get("Work").get("<work-2@example.tld>"));

    // 2. Up: new local messages (one in a new folder), flags changed and a message trashed locally.
    deliverLocally(inbox, "<up-1@example.tld>", "written offline", "S");
    deliverLocally(inbox, "<up-2@example.tld>", "unread offline", null);
    Path notes = maildir.resolve("Notes");
    deliverLocally(notes, "<note-1@example.tld>", "a note", "F");
    setLocalFlags(inbox, "<down-1@example.tld>", "FS");
    setLocalFlags(inbox, "<down-3@example.tld>", "S");
    setLocalFlags(inbox, "<down-4@example.tld>", "RST");
    sync();
    Map<String, Map<String, Set<String>>> up = assertSidesEqual();
    assertEquals(Set.of("<down-1@example.tld>", "<down-2@example.tld>", "<down-3@example.tld>",
        "<up-1@example.tld>", "<up-2@example.tld>"), up.get("INBOX").keySet(), "trashed message expunged on both sides");
    assertEquals(Set.of("$Label1", "\\Flagged", "\\Seen"), up.get("INBOX").get("<down-1@example.tld>"),
        "a keyword Maildir cannot hold survives a flag change synced up");
    assertEquals(Set.of("\\Seen"), up.get("INBOX").get("<down-3@example.tld>"), "\\Flagged removed locally");
    assertEquals(Set.of("\\Seen"), up.get("INBOX").get("<up-1@example.tld>"));
    assertEquals(Set.of(), up.get("INBOX").get("<up-2@example.tld>"));
    assertEquals(Map.of("<note-1@example.tld>", Set.of("\\Flagged")), up.get("Notes"), "Create Both made the folder");

    // 3. Down again: changes made on the server by another client.
    ok(imap.command("d1", "SELECT INBOX"));
    ok(imap.command("d2", "UID SEARCH ALL"));
    storeByMessageId("<down-2@example.tld>", "+FLAGS (\\Answered \\Flagged)");
    storeByMessageId("<up-2@example.tld>", "+FLAGS (\\Deleted)");
    ok(imap.command("d3", "EXPUNGE"));
    ok(imap.command("d4", "UNSELECT"));
    append("Work", "<work-3@example.tld>", "late", "\\Seen");
    sync();
    Map<String, Map<String, Set<String>>> again = assertSidesEqual();
    assertEquals(Set.of("\\Answered", "\\Flagged", "\\Seen"), again.get("INBOX").get("<down-2@example.tld>"));
    assertFalse(again.get("INBOX").containsKey("<up-2@example.tld>"), "the server's expunge reached the Maildir");
    assertEquals(Set.of("<work-1@example.tld>", "<work-2@example.tld>", "<work-3@example.tld>"),
        again.get("Work").keySet());

    // 4. Nothing left to do: a further sync changes neither side.
    Set<String> filesBefore = localFiles();
    sync();
    assertEquals(again, assertSidesEqual());
    assertEquals(filesBefore, localFiles(), "an idle sync renamed, added or removed Maildir files");
  }

  // ---- running mbsync ----

  private static boolean mbsyncInstalled() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(java.io.File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "mbsync")));
  }

  private void sync() throws IOException {
    syncs++;
    Path log = directory.resolve("mbsync-" + syncs + ".log");
    Process process = new ProcessBuilder("mbsync", "-V", "-c", config.toString(), "-a")
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    process.getOutputStream().close();
    try {
      if (!process.waitFor(SYNC_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("mbsync run " + syncs + " did not finish in " + SYNC_TIMEOUT_SECONDS + " s:\n" + Files.readString(log));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    String output = Files.readString(log);
    assertEquals(0, process.exitValue(), () -> "mbsync run " + syncs + " failed:\n" + output);
    // Cleartext login is the point here (SSLType None on loopback); any other error or warning is not.
    List<String> complaints = output.lines()
        .filter(line -> line.contains("Error") || line.contains("Warning") || line.contains("error"))
        .filter(line -> !line.contains("Password is being sent in the clear"))
        .toList();
    assertEquals(List.of(), complaints, () -> "mbsync run " + syncs + " complained:\n" + output);
  }

  // ---- the server side, through a raw IMAP connection ----

  private void append(String mailbox, String messageId, String subject, String flags) {
    byte[] message = message(messageId, subject);
    imap.send("ap APPEND " + mailbox + " (" + flags + ") {" + message.length + "+}\r\n");
    imap.send(message);
    imap.send("\r\n");
    ok(imap.until("ap"));
  }

  private void storeByMessageId(String messageId, String change) {
    List<String> found = imap.command("s1", "UID SEARCH HEADER Message-ID \"" + messageId + "\"");
    ok(found);
    String uids = found.get(0).replace("* SEARCH", "").trim();
    assertTrue(uids.matches("\\d+"), "one message expected for " + messageId + ": " + found);
    ok(imap.command("s2", "UID STORE " + uids + " " + change));
  }

  /** Mailbox name to (Message-ID to flags) on the server, with \Recent left out. */
  private Map<String, Map<String, Set<String>>> remote() {
    Map<String, Map<String, Set<String>>> mailboxes = new TreeMap<>();
    List<String> list = imap.command("r1", "LIST \"\" *");
    ok(list);
    for (String line : list) {
      Matcher matcher = LIST_LINE.matcher(line);
      if (!matcher.matches() || matcher.group(1).contains("\\Noselect") || matcher.group(1).contains("\\NonExistent")) {
        continue;
      }
      String name = unquote(matcher.group(2));
      ok(imap.command("r2", "EXAMINE " + quote(name)));
      Map<String, Set<String>> messages = new TreeMap<>();
      List<String> fetched = imap.command("r3", "UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
      ok(fetched);
      for (String response : fetched.subList(0, fetched.size() - 1)) {
        if (!response.contains(" FETCH (")) {
          continue;
        }
        Matcher flags = FETCH_FLAGS.matcher(response);
        assertTrue(flags.find(), response);
        Set<String> set = new TreeSet<>(List.of(flags.group(1).split(" ")));
        set.remove("");
        set.remove("\\Recent");
        String id = messageId(response, name);
        assertEquals(null, messages.put(id, set), () -> "duplicate on the server in " + name + ": " + id);
      }
      ok(imap.command("r4", "UNSELECT"));
      mailboxes.put(name, messages);
    }
    return mailboxes;
  }

  // ---- the Maildir side ----

  /** Folder name to (Message-ID to flags) in the Maildir, flags translated to IMAP's. */
  private Map<String, Map<String, Set<String>>> local() throws IOException {
    Map<String, Map<String, Set<String>>> folders = new TreeMap<>();
    folders.put("INBOX", localFolder(inbox, "INBOX"));
    if (Files.isDirectory(maildir)) {
      try (Stream<Path> walk = Files.walk(maildir)) {
        for (Path folder : walk.filter(p -> Files.isDirectory(p.resolve("cur"))).toList()) {
          String name = maildir.relativize(folder).toString().replace(java.io.File.separatorChar, '/');
          if (!name.isEmpty()) {
            folders.put(name, localFolder(folder, name));
          }
        }
      }
    }
    return folders;
  }

  private static Map<String, Set<String>> localFolder(Path folder, String name) throws IOException {
    Map<String, Set<String>> messages = new TreeMap<>();
    for (Path file : messageFiles(folder)) {
      String id = messageId(Files.readString(file, StandardCharsets.ISO_8859_1), name);
      Set<String> flags = new TreeSet<>();
      String fileName = file.getFileName().toString();
      int info = fileName.indexOf(":2,");
      if (info >= 0) {
        for (char letter : fileName.substring(info + 3).toCharArray()) {
          flags.add(switch (letter) {
            case 'D' -> "\\Draft";
            case 'F' -> "\\Flagged";
            case 'R' -> "\\Answered";
            case 'S' -> "\\Seen";
            case 'T' -> "\\Deleted";
            default -> "maildir:" + letter;
          });
        }
      }
      assertEquals(null, messages.put(id, flags), () -> "duplicate in the Maildir " + name + ": " + id);
    }
    return messages;
  }

  private static List<Path> messageFiles(Path folder) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String sub : List.of("cur", "new")) {
      Path dir = folder.resolve(sub);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> listing = Files.list(dir)) {
          listing.filter(p -> !p.getFileName().toString().startsWith(".")).forEach(files::add);
        }
      }
    }
    return files;
  }

  private Set<String> localFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> p.getParent().getFileName().toString().matches("cur|new"))
          .map(p -> directory.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** Puts a message into a Maildir folder the way a mail client would: in {@code new/} without flags, else {@code cur/}. */
  private static void deliverLocally(Path folder, String messageId, String subject, String flags) throws IOException {
    for (String sub : List.of("cur", "new", "tmp")) {
      Files.createDirectories(folder.resolve(sub));
    }
    String unique = System.currentTimeMillis() + ".M" + System.nanoTime() + "P" + ProcessHandle.current().pid() + ".test";
    Path tmp = folder.resolve("tmp").resolve(unique);
    Files.write(tmp, message(messageId, subject));
    Path target = flags == null ? folder.resolve("new").resolve(unique) : folder.resolve("cur").resolve(unique + ":2," + flags);
    Files.move(tmp, target);
  }

  /** Renames the message's file to carry exactly these Maildir flags (letters in ASCII order). */
  private static void setLocalFlags(Path folder, String messageId, String flags) throws IOException {
    for (Path file : messageFiles(folder)) {
      if (!messageId(Files.readString(file, StandardCharsets.ISO_8859_1), folder.toString()).equals(messageId)) {
        continue;
      }
      String name = file.getFileName().toString();
      int info = name.indexOf(":2,");
      String base = info >= 0 ? name.substring(0, info) : name;
      Files.move(file, folder.resolve("cur").resolve(base + ":2," + flags));
      return;
    }
    fail("no local message " + messageId + " in " + folder);
  }

  // ---- both ----

  /**
   * The server side as (folder to (Message-ID to flags)); fails unless the Maildir holds the same,
   * keywords aside (a Maildir has letters for system flags only).
   */
  private Map<String, Map<String, Set<String>>> assertSidesEqual() throws IOException {
    Map<String, Map<String, Set<String>>> remote = remote();
    Map<String, Map<String, Set<String>>> local = local();
    assertEquals(remote.keySet(), local.keySet(), "folders differ after mbsync run " + syncs);
    for (String folder : remote.keySet()) {
      Map<String, Set<String>> systemFlags = new TreeMap<>();
      remote.get(folder).forEach((id, flags) -> systemFlags.put(id,
          flags.stream().filter(flag -> flag.startsWith("\\")).collect(Collectors.toCollection(TreeSet::new))));
      assertEquals(systemFlags, local.get(folder),
          "folder " + folder + " differs after mbsync run " + syncs + " (server, then Maildir)");
    }
    return remote;
  }

  private static byte[] message(String messageId, String subject) {
    return ("From: Bob <bob@example.tld>\r\n"
        + "To: alice@example.tld\r\n"
        + "Subject: " + subject + "\r\n"
        + "Message-ID: " + messageId + "\r\n"
        + "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
        + "\r\n"
        + "This is " + subject + ".\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static String messageId(String text, String where) {
    Matcher matcher = MESSAGE_ID.matcher(text);
    assertTrue(matcher.find(), () -> "no Message-ID in " + where + ": " + text);
    return matcher.group(1);
  }

  private static void ok(List<String> lines) {
    String last = lines.get(lines.size() - 1);
    assertTrue(last.matches("^\\S+ OK.*"), lines::toString);
  }

  private static String quote(String name) {
    return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String unquote(String name) {
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      return name.substring(1, name.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return name;
  }
}
