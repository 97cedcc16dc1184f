package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Address;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.event.MessageChangedEvent;
import jakarta.mail.event.MessageChangedListener;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.SubjectTerm;
import jakarta.mail.util.ByteArrayDataSource;
import jakarta.activation.DataHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A real Java client, Angus Mail (the Jakarta Mail implementation), against the real IMAP wiring
 * on a loopback port, without TLS. Every connection's protocol trace is kept: after each test no
 * command may have been answered NO or BAD, since Angus quietly falls back to client-side work
 * (a local SEARCH, for one) when the server refuses a command.
 */
class AngusMailTest {

  private static final long WAIT_SECONDS = 30;
  private static final Pattern TAGGED_FAILURE = Pattern.compile("(?m)^[A-Z]+\\d+ (NO|BAD)\\b.*$");
  /** What the server answers for ENVELOPE, BODYSTRUCTURE and part sections until the message summary lands. */
  private static final String NOT_YET = "not available yet";
  private static final byte[] ATTACHMENT = attachmentBytes();

  private TestServer server;
  private final List<Store> stores = new ArrayList<>();
  private final List<ByteArrayOutputStream> traces = new ArrayList<>();

  @BeforeEach
  void start() {
    server = new TestServer();
  }

  @AfterEach
  void stop(TestInfo test) throws MessagingException, IOException {
    try {
      for (Store store : stores) {
        store.close();
      }
      Path directory = Files.createDirectories(Path.of("target", "angus-mail-traces"));
      for (int i = 0; i < traces.size(); i++) {
        String text = traces.get(i).toString(StandardCharsets.UTF_8);
        // Kept for reading after a failure: target/angus-mail-traces/<test>-<connection>.txt
        Path file = directory.resolve(test.getTestMethod().orElseThrow().getName() + "-" + i + ".txt");
        Files.writeString(file, text);
        var failure = TAGGED_FAILURE.matcher(text);
        while (failure.find()) {
          String line = failure.group();
          assertTrue(line.contains(NOT_YET), () -> "the server refused a command: " + line + " (trace: " + file + ")");
        }
      }
    } finally {
      server.close();
    }
  }

  // ---- append and fetch ----

  @Test
  void appendedMessageComesBackByteForByteWithItsUidAndSize() throws Exception {
    Store store = connect();
    byte[] raw = bytes(multipart("Quarterly report", "Hello Alice,\r\nthe numbers are attached.\r\n"));
    IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
    AppendUID[] appended = inbox.appendUIDMessages(new Message[] {parse(raw)});
    assertEquals(1, appended.length);
    assertNotNull(appended[0], "APPENDUID expected (UIDPLUS)");

    inbox.open(Folder.READ_WRITE);
    assertEquals(1, inbox.getMessageCount());
    assertEquals(appended[0].uidvalidity, inbox.getUIDValidity());
    Message message = inbox.getMessage(1);
    assertEquals(appended[0].uid, inbox.getUID(message));
    inbox.fetch(new Message[] {message}, profile(FetchProfile.Item.SIZE, FetchProfile.Item.FLAGS));
    assertEquals(raw.length, message.getSize(), "RFC822.SIZE is the appended literal's size");
    assertFalse(message.isSet(Flags.Flag.SEEN), "nothing read yet");

    assertArrayEquals(raw, section(inbox, 1, ""), "BODY[] gives back the appended bytes");
    int headerEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + 4;
    assertArrayEquals(Arrays.copyOfRange(raw, headerEnd, raw.length), section(inbox, 1, "TEXT"));
    assertArrayEquals(Arrays.copyOfRange(raw, 0, headerEnd), section(inbox, 1, "HEADER"));
    assertArrayEquals(new String[] {"Quarterly report"}, message.getHeader("Subject"));
    assertArrayEquals(new String[] {"Bob Example <bob@example.tld>"}, message.getHeader("From"));
    assertFalse(flagsOf(inbox, 1).contains(Flags.Flag.SEEN), "BODY.PEEK leaves \\Seen alone");
  }

  @Test
  void envelopeAndBodyStructureGiveSubjectSenderAndParts() throws Exception {
    Store store = connect();
    Folder inbox = store.getFolder("INBOX");
    inbox.appendMessages(new Message[] {multipart("Quarterly report", "Hello Alice,\r\nthe numbers are attached.\r\n")});
    inbox.open(Folder.READ_WRITE);
    Message message = inbox.getMessage(1);
    needingSummary(() -> {
      assertEquals("Quarterly report", message.getSubject());
      assertArrayEquals(new Address[] {new InternetAddress("Bob Example <bob@example.tld>")}, message.getFrom());
      assertArrayEquals(new Address[] {new InternetAddress("alice@example.tld")},
          message.getRecipients(Message.RecipientType.TO));
      assertEquals(new Date(1_700_000_000_000L), message.getSentDate());
      assertNotNull(message.getReceivedDate(), "INTERNALDATE");
      assertTrue(message.isMimeType("multipart/mixed"), message.getContentType());

      Multipart parts = assertInstanceOf(Multipart.class, message.getContent());
      assertEquals(2, parts.getCount());
      Part text = parts.getBodyPart(0);
      assertTrue(text.isMimeType("text/plain"), text.getContentType());
      assertEquals("Hello Alice,\r\nthe numbers are attached.\r\n", text.getContent());
      Part attachment = parts.getBodyPart(1);
      assertEquals(Part.ATTACHMENT, attachment.getDisposition());
      assertEquals("numbers.bin", attachment.getFileName());
      try (InputStream in = attachment.getInputStream()) {
        assertArrayEquals(ATTACHMENT, in.readAllBytes());
      }
      assertTrue(message.isSet(Flags.Flag.SEEN), "reading a part set \\Seen");
    });
  }

  @Test
  void envelopesSizesAndUidsOfManyMessagesFetchInOneGo() throws Exception {
    Store store = connect();
    IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
    List<byte[]> raws = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      raws.add(bytes(plain("Message " + i, "body of message " + i + "\r\n".repeat(i))));
    }
    inbox.appendMessages(raws.stream().map(AngusMailTest::parse).toArray(Message[]::new));
    inbox.open(Folder.READ_ONLY);
    Message[] messages = inbox.getMessages();
    assertEquals(12, messages.length);
    needingSummary(() -> {
      inbox.fetch(messages, profile(FetchProfile.Item.ENVELOPE, FetchProfile.Item.FLAGS, FetchProfile.Item.SIZE,
          UIDFolder.FetchProfileItem.UID));
      long previousUid = 0;
      for (int i = 0; i < messages.length; i++) {
        assertEquals("Message " + (i + 1), messages[i].getSubject());
        assertEquals(raws.get(i).length, messages[i].getSize());
        long uid = inbox.getUID(messages[i]);
        assertTrue(uid > previousUid, "UIDs ascend with sequence numbers");
        previousUid = uid;
      }
    });
  }

  // ---- search and flags ----

  @Test
  void searchFindsMessagesBySubjectAndFlags() throws Exception {
    Store store = connect();
    Folder inbox = store.getFolder("INBOX");
    inbox.appendMessages(new Message[] {
        plain("Alpha report", "one\r\n"), plain("Beta", "two\r\n"), plain("Gamma REPORT", "three\r\n")});
    inbox.open(Folder.READ_WRITE);

    assertEquals(List.of(1, 3), numbers(inbox.search(new SubjectTerm("report"))), "case-insensitive substring");
    assertEquals(List.of(2), numbers(inbox.search(new SubjectTerm("bet"))));
    assertEquals(List.of(), numbers(inbox.search(new SubjectTerm("delta"))));

    inbox.getMessage(1).setFlag(Flags.Flag.SEEN, true);
    inbox.getMessage(3).setFlag(Flags.Flag.FLAGGED, true);
    assertEquals(List.of(1), numbers(inbox.search(new FlagTerm(new Flags(Flags.Flag.SEEN), true))));
    assertEquals(List.of(2, 3), numbers(inbox.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false))));
    assertEquals(List.of(3), numbers(inbox.search(new FlagTerm(new Flags(Flags.Flag.FLAGGED), true))));
    assertEquals(List.of(3), numbers(inbox.search(
        new AndTerm(new SubjectTerm("report"), new FlagTerm(new Flags(Flags.Flag.SEEN), false)))));

    Flags custom = new Flags("$Important");
    inbox.getMessage(2).setFlags(custom, true);
    assertEquals(List.of(2), numbers(inbox.search(new FlagTerm(custom, true))), "keywords search too");
  }

  @Test
  void flagsSetOnOneConnectionAreSeenFromAnotherAndExpungeRemovesDeleted() throws Exception {
    Store writer = connect();
    Folder inbox = writer.getFolder("INBOX");
    inbox.appendMessages(new Message[] {plain("one", "1\r\n"), plain("two", "2\r\n"), plain("three", "3\r\n")});
    inbox.open(Folder.READ_WRITE);
    inbox.getMessage(1).setFlag(Flags.Flag.SEEN, true);
    inbox.getMessage(2).setFlag(Flags.Flag.FLAGGED, true);
    inbox.getMessage(3).setFlag(Flags.Flag.DELETED, true);
    inbox.setFlags(new int[] {2}, new Flags("$Label1"), true);

    Store reader = connect();
    Folder seen = reader.getFolder("INBOX");
    seen.open(Folder.READ_ONLY);
    assertEquals(3, seen.getMessageCount());
    assertEquals(Set.of("\\Seen"), flagNames(seen.getMessage(1).getFlags()));
    assertEquals(Set.of("\\Flagged", "$Label1"), flagNames(seen.getMessage(2).getFlags()));
    assertEquals(Set.of("\\Deleted"), flagNames(seen.getMessage(3).getFlags()));
    assertEquals(1, seen.getDeletedMessageCount());
    assertEquals(2, seen.getUnreadMessageCount());

    inbox.getMessage(1).setFlag(Flags.Flag.SEEN, false);
    Message[] expunged = inbox.expunge();
    assertEquals(1, expunged.length);
    assertEquals(3, expunged[0].getMessageNumber());
    assertEquals(2, inbox.getMessageCount());

    seen.close(false);
    seen.open(Folder.READ_ONLY);
    assertEquals(2, seen.getMessageCount());
    assertEquals(List.of("one", "two"), subjects(seen.getMessages()));
    assertEquals(Set.of(), flagNames(seen.getMessage(1).getFlags()), "\\Seen removed by the other connection");
    assertEquals(2, seen.getUnreadMessageCount());
  }

  // ---- \Recent (RFC 3501 2.3.2: recent in the first read-write session told of it, and only there) ----

  @Test
  void recentGoesToTheFirstReadWriteSessionOnly() throws Exception {
    Store writer = connect();
    writer.getFolder("INBOX").appendMessages(new Message[] {plain("new", "n\r\n")});

    Folder first = connect().getFolder("INBOX");
    first.open(Folder.READ_WRITE);
    assertEquals(1, first.getNewMessageCount());
    assertTrue(first.getMessage(1).isSet(Flags.Flag.RECENT));

    Folder second = connect().getFolder("INBOX");
    second.open(Folder.READ_WRITE);
    assertEquals(0, second.getNewMessageCount());
    assertFalse(second.getMessage(1).isSet(Flags.Flag.RECENT));
  }

  @Test
  void recentStaysClaimedAfterEveryConnectionClosed() throws Exception {
    Store writer = connect();
    writer.getFolder("INBOX").appendMessages(new Message[] {plain("new", "n\r\n")});
    writer.close();

    Store first = connect();
    Folder inbox = first.getFolder("INBOX");
    inbox.open(Folder.READ_WRITE);
    assertEquals(1, inbox.getNewMessageCount());
    first.close();

    Folder again = connect().getFolder("INBOX");
    again.open(Folder.READ_WRITE);
    assertEquals(0, again.getNewMessageCount(), "a read-write session was already told of the message");
    assertFalse(again.getMessage(1).isSet(Flags.Flag.RECENT));
  }

  // ---- copy, move and UIDs ----

  @Test
  void copyAndMoveCarryMessagesAndAssignUidsInTheTarget() throws Exception {
    Store store = connect();
    IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
    inbox.appendMessages(new Message[] {
        plain("keep", "k\r\n"), plain("copy me", "c\r\n"), plain("move me", "m\r\n"), plain("move me too", "t\r\n")});
    IMAPFolder work = (IMAPFolder) store.getFolder("Work");
    assertTrue(work.create(Folder.HOLDS_MESSAGES));
    IMAPFolder archive = (IMAPFolder) store.getFolder("Archive");
    assertTrue(archive.exists(), "Archive is a default mailbox");

    inbox.open(Folder.READ_WRITE);
    long validity = inbox.getUIDValidity();
    Message[] all = inbox.getMessages();
    long[] uids = new long[all.length];
    for (int i = 0; i < all.length; i++) {
      uids[i] = inbox.getUID(all[i]);
    }
    assertEquals(List.of("move me", "copy me"),
        subjects(new Message[] {inbox.getMessageByUID(uids[2]), inbox.getMessageByUID(uids[1])}));
    assertEquals(4, inbox.getMessagesByUID(1, UIDFolder.LASTUID).length);
    assertEquals(uids[3] + 1, inbox.getUIDNext());

    AppendUID[] copied = inbox.copyUIDMessages(new Message[] {inbox.getMessageByUID(uids[1])}, work);
    assertNotNull(copied[0], "COPYUID expected (UIDPLUS)");
    assertEquals(4, inbox.getMessageCount(), "copy leaves the source alone");

    Message moveMe = inbox.getMessageByUID(uids[2]);
    AppendUID[] moved = inbox.moveUIDMessages(new Message[] {moveMe}, archive);
    assertNotNull(moved[0], "COPYUID expected with MOVE");
    assertTrue(moveMe.isExpunged(), "MOVE answered EXPUNGE for the moved message");

    Message moveMeToo = inbox.getMessageByUID(uids[3]);
    inbox.moveMessages(new Message[] {moveMeToo}, archive);
    assertTrue(moveMeToo.isExpunged());
    // Jakarta Mail keeps expunged messages numbered until the folder is expunged or reopened.
    inbox.close(false);
    inbox.open(Folder.READ_WRITE);
    assertEquals(validity, inbox.getUIDValidity());
    assertEquals(List.of("keep", "copy me"), subjects(inbox.getMessages()));
    assertEquals(uids[1], inbox.getUID(inbox.getMessage(2)));
    assertEquals(null, inbox.getMessageByUID(uids[2]), "the moved UIDs are gone from INBOX");

    work.open(Folder.READ_ONLY);
    assertEquals(copied[0].uidvalidity, work.getUIDValidity());
    assertEquals("copy me", subject(work.getMessageByUID(copied[0].uid)));
    assertEquals(1, work.getMessageCount());

    archive.open(Folder.READ_ONLY);
    assertEquals(moved[0].uidvalidity, archive.getUIDValidity());
    assertEquals("move me", subject(archive.getMessageByUID(moved[0].uid)));
    assertEquals(List.of("move me", "move me too"), subjects(archive.getMessages()));
    assertArrayEquals("k\r\n".getBytes(StandardCharsets.US_ASCII), section(inbox, 1, "TEXT"));
  }

  // ---- folders ----

  @Test
  void foldersAreListedCreatedRenamedSubscribedAndDeleted() throws Exception {
    Store store = connect();
    Folder root = store.getDefaultFolder();
    assertEquals('/', root.getSeparator());
    Set<String> defaults = names(root.list("*"));
    assertTrue(defaults.containsAll(Set.of("INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive")), defaults.toString());
    IMAPFolder sent = (IMAPFolder) store.getFolder("Sent");
    assertTrue(Arrays.asList(sent.getAttributes()).contains("\\Sent"), Arrays.toString(sent.getAttributes()));

    Folder tern = store.getFolder("Projects/Tern");
    assertFalse(tern.exists());
    assertTrue(tern.create(Folder.HOLDS_MESSAGES));
    assertTrue(tern.exists());
    assertTrue(store.getFolder("Projects").exists(), "CREATE makes the parent");
    assertEquals(Set.of("Projects/Tern"), names(store.getFolder("Projects").list("*")));
    tern.appendMessages(new Message[] {plain("in a folder", "x\r\n")});

    tern.setSubscribed(true);
    assertTrue(names(root.listSubscribed("*")).contains("Projects/Tern"));

    Folder gull = store.getFolder("Projects/Gull");
    assertTrue(tern.renameTo(gull));
    assertFalse(store.getFolder("Projects/Tern").exists());
    assertTrue(gull.exists());
    gull.open(Folder.READ_ONLY);
    assertEquals(1, gull.getMessageCount(), "messages follow the rename");
    assertEquals("in a folder", subject(gull.getMessage(1)));
    gull.close(false);

    assertTrue(store.getFolder("Projects").delete(true));
    assertFalse(store.getFolder("Projects").exists());
    assertFalse(store.getFolder("Projects/Gull").exists());
    assertFalse(names(root.list("*")).stream().anyMatch(name -> name.startsWith("Projects")));
  }

  // ---- IDLE ----

  @Test
  void idleSeesAnotherConnectionsAppendFlagChangeAndExpunge() throws Exception {
    CountDownLatch idling = new CountDownLatch(1);
    Store watcher = connect(new IdleWatcher(idling));
    IMAPFolder watched = (IMAPFolder) watcher.getFolder("INBOX");
    watched.open(Folder.READ_WRITE);
    assertEquals(0, watched.getMessageCount());

    CountDownLatch added = new CountDownLatch(1);
    CountDownLatch changed = new CountDownLatch(1);
    CountDownLatch removed = new CountDownLatch(1);
    AtomicReference<String> addedNumbers = new AtomicReference<>();
    AtomicReference<Message> removedMessage = new AtomicReference<>();
    watched.addMessageCountListener(new MessageCountAdapter() {
      @Override
      public void messagesAdded(MessageCountEvent event) {
        addedNumbers.set(Arrays.stream(event.getMessages()).map(m -> "#" + m.getMessageNumber())
            .collect(Collectors.joining(",")));
        added.countDown();
      }

      @Override
      public void messagesRemoved(MessageCountEvent event) {
        removedMessage.set(event.getMessages()[0]);
        removed.countDown();
      }
    });
    MessageChangedListener flagListener = event -> {
      if (event.getMessageChangeType() == MessageChangedEvent.FLAGS_CHANGED) {
        changed.countDown();
      }
    };
    watched.addMessageChangedListener(flagListener);

    AtomicReference<Throwable> idleFailure = new AtomicReference<>();
    Thread idler = Thread.ofPlatform().name("angus-idle").start(() -> {
      try {
        watched.idle();
      } catch (Throwable e) {
        idleFailure.set(e);
      }
    });
    assertTrue(idling.await(WAIT_SECONDS, TimeUnit.SECONDS), "the server never accepted IDLE");

    Store writer = connect();
    Folder inbox = writer.getFolder("INBOX");
    inbox.appendMessages(new Message[] {plain("pushed", "hello\r\n")});
    assertTrue(added.await(WAIT_SECONDS, TimeUnit.SECONDS), "no EXISTS during IDLE after another connection's APPEND");
    assertEquals("#1", addedNumbers.get());

    inbox.open(Folder.READ_WRITE);
    inbox.getMessage(1).setFlag(Flags.Flag.FLAGGED, true);
    assertTrue(changed.await(WAIT_SECONDS, TimeUnit.SECONDS), "no FETCH FLAGS during IDLE after another connection's STORE");

    inbox.getMessage(1).setFlag(Flags.Flag.DELETED, true);
    inbox.expunge();
    assertTrue(removed.await(WAIT_SECONDS, TimeUnit.SECONDS), "no EXPUNGE during IDLE after another connection's EXPUNGE");

    assertTrue(removedMessage.get().isExpunged());

    // A command on the idling folder ends IDLE (DONE); idle() then returns. (getMessageCount()
    // would not do: Angus answers it from its cache when the connection was busy less than 1 s ago.)
    watched.doCommand(protocol -> {
      protocol.noop();
      return null;
    });
    idler.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertFalse(idler.isAlive(), () -> "idle() did not return after DONE: "
        + Arrays.stream(idler.getStackTrace()).map(String::valueOf).collect(Collectors.joining("\n  ")));
    assertEquals(null, idleFailure.get());
  }

  // ---- helpers ----

  private Store connect() throws MessagingException {
    return connect(null);
  }

  /** A new connection as alice; its trace is checked after the test, and fed line by line to {@code lines}. */
  private Store connect(Consumer<String> lines) throws MessagingException {
    Properties properties = new Properties();
    properties.setProperty("mail.imap.host", server.address.getHostString());
    properties.setProperty("mail.imap.port", Integer.toString(server.address.getPort()));
    properties.setProperty("mail.imap.starttls.enable", "false");
    properties.setProperty("mail.imap.connectiontimeout", "10000");
    properties.setProperty("mail.imap.timeout", "30000");
    Session session = Session.getInstance(properties);
    ByteArrayOutputStream trace = new ByteArrayOutputStream();
    synchronized (traces) {
      traces.add(trace);
    }
    session.setDebug(true);
    session.setDebugOut(new PrintStream(new TraceStream(trace, lines), true, StandardCharsets.UTF_8));
    Store store = session.getStore("imap");
    store.connect("alice", TestServer.PASSWORD);
    stores.add(store);
    return store;
  }

  /** The raw bytes of a section, fetched with BODY.PEEK through Angus's protocol access. */
  private static byte[] section(IMAPFolder folder, int number, String section) throws MessagingException {
    Object result = folder.doCommand(protocol -> {
      BODY body = protocol.peekBody(number, section);
      return body == null ? null : body.getByteArrayInputStream().readAllBytes();
    });
    return assertInstanceOf(byte[].class, result);
  }

  /** The flags as the server has them now, past Angus's cache. */
  private static Flags flagsOf(IMAPFolder folder, int number) throws MessagingException {
    return assertInstanceOf(Flags.class, folder.doCommand(protocol -> protocol.fetchFlags(number)));
  }

  /**
   * The subject from the header (BODY.PEEK[HEADER.FIELDS (Subject)]), which needs no ENVELOPE:
   * tests of copy, move and folders should not wait for the message summary.
   */
  private static String subject(Message message) throws MessagingException {
    String[] subject = message.getHeader("Subject");
    assertNotNull(subject, "no Subject header");
    return subject[0];
  }

  private static FetchProfile profile(FetchProfile.Item... items) {
    FetchProfile profile = new FetchProfile();
    for (FetchProfile.Item item : items) {
      profile.add(item);
    }
    return profile;
  }

  private interface ClientWork {
    void run() throws Exception;
  }

  /**
   * Runs what needs ENVELOPE, BODYSTRUCTURE or MIME part sections. Until the server has them it
   * answers {@code NO [CANNOT] ... not available yet}, and the test is skipped (not passed);
   * once they land these assertions run unchanged.
   */
  private static void needingSummary(ClientWork work) throws Exception {
    try {
      work.run();
    } catch (MessagingException e) {
      if (String.valueOf(e.getMessage()).contains(NOT_YET)) {
        Assumptions.abort("server: " + e.getMessage().lines().findFirst().orElse(""));
      }
      throw e;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private static MimeMessage plain(String subject, String text) {
    try {
      MimeMessage message = headers(subject);
      message.setText(text, "UTF-8");
      message.saveChanges();
      return message;
    } catch (MessagingException e) {
      throw new AssertionError(e);
    }
  }

  private static MimeMessage multipart(String subject, String text) throws MessagingException {
    MimeMessage message = headers(subject);
    MimeBodyPart textPart = new MimeBodyPart();
    textPart.setText(text, "UTF-8");
    MimeBodyPart attachment = new MimeBodyPart();
    attachment.setDataHandler(new DataHandler(new ByteArrayDataSource(ATTACHMENT, "application/octet-stream")));
    attachment.setFileName("numbers.bin");
    attachment.setDisposition(Part.ATTACHMENT);
    message.setContent(new MimeMultipart(textPart, attachment));
    message.saveChanges();
    return message;
  }

  private static MimeMessage headers(String subject) throws MessagingException {
    MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
    message.setFrom(new InternetAddress("Bob Example <bob@example.tld>"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.tld"));
    message.setSubject(subject);
    message.setSentDate(new Date(1_700_000_000_000L));
    return message;
  }

  private static byte[] bytes(MimeMessage message) throws IOException, MessagingException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out);
    return out.toByteArray();
  }

  /** A message holding exactly these bytes, so what the server stores can be compared with them. */
  private static MimeMessage parse(byte[] raw) {
    try {
      return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    } catch (MessagingException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] attachmentBytes() {
    byte[] bytes = new byte[3000];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    return bytes;
  }

  private static List<Integer> numbers(Message[] messages) {
    return Arrays.stream(messages).map(Message::getMessageNumber).toList();
  }

  private static List<String> subjects(Message[] messages) throws MessagingException {
    List<String> subjects = new ArrayList<>();
    for (Message message : messages) {
      subjects.add(subject(message));
    }
    return subjects;
  }

  private static Set<String> names(Folder[] folders) {
    return Arrays.stream(folders).map(Folder::getFullName).collect(Collectors.toSet());
  }

  private static Set<String> flagNames(Flags flags) {
    Set<String> names = new TreeSet<>(Arrays.asList(flags.getUserFlags()));
    for (Flags.Flag flag : flags.getSystemFlags()) {
      if (flag == Flags.Flag.SEEN) {
        names.add("\\Seen");
      } else if (flag == Flags.Flag.FLAGGED) {
        names.add("\\Flagged");
      } else if (flag == Flags.Flag.DELETED) {
        names.add("\\Deleted");
      } else if (flag == Flags.Flag.ANSWERED) {
        names.add("\\Answered");
      } else if (flag == Flags.Flag.DRAFT) {
        names.add("\\Draft");
      }
      // \Recent is the server's business, not the client's.
    }
    return names;
  }

  /** Counts down once the server answered an IDLE command with its continuation request. */
  private static final class IdleWatcher implements Consumer<String> {
    private static final Pattern IDLE_COMMAND = Pattern.compile("^[A-Z]+\\d+ IDLE$");
    private final CountDownLatch idling;
    private boolean idleSent;

    IdleWatcher(CountDownLatch idling) {
      this.idling = idling;
    }

    @Override
    public synchronized void accept(String line) {
      if (IDLE_COMMAND.matcher(line).matches()) {
        idleSent = true;
      } else if (idleSent && line.startsWith("+")) {
        idling.countDown();
      }
    }
  }

  /** Angus's debug output: kept whole, and handed on line by line. */
  private static final class TraceStream extends OutputStream {
    private final ByteArrayOutputStream trace;
    private final Consumer<String> lines;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    TraceStream(ByteArrayOutputStream trace, Consumer<String> lines) {
      this.trace = trace;
      this.lines = lines;
    }

    @Override
    public synchronized void write(int b) {
      trace.write(b);
      if (lines == null) {
        return;
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.UTF_8);
        lines.accept(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
        line.reset();
      } else {
        line.write(b);
      }
    }
  }
}
