package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.mailbox.message.MessageSummaryCodec;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Delivery into {@code incoming/} (public key only) and filing into INBOX (private key). */
class IncomingTest {

  private static final String PASSWORD = "correct horse";

  private final MemoryObjectStore store = new MemoryObjectStore();
  private final SplittableRandom random = new SplittableRandom(3);
  private final AtomicLong now = new AtomicLong(Instant.parse("2026-11-23T10:15:30Z").toEpochMilli());
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

  private LogContext context() {
    return new LogContext(store, new HybridClock(clock, random.split()), clock, Runnable::run,
        new SimpleMeterRegistry(), LogConfig.DEFAULTS);
  }

  private final User carol = new User("carol", "carol", List.of("carol@example.tld"),
      PasswordHash.create(PASSWORD).toString(), new CryptoRoot.Pass(Optional.empty()));

  private Accounts node() {
    return new Accounts(context(), UserDirectory.of(List.of(carol)), new byte[0], Duration.ofMinutes(5));
  }

  private static byte[] message(String subject) {
    return ("From: dave@example.tld\r\nSubject: " + subject + "\r\n\r\nHello\nCarol.\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static void deliver(Accounts accounts, User user, byte[] message) {
    accounts.deliver(user, new ByteArrayInputStream(message), message.length);
  }

  private List<ObjectKey> waiting() {
    return new IncomingQueue(store, new HybridClock(clock, random.split())).waiting("carol");
  }

  private static List<byte[]> inbox(Account account) throws IOException {
    Mailbox inbox = account.select(MailboxName.INBOX).mailbox();
    List<MessageId> ids = new ArrayList<>();
    inbox.read(state -> {
      state.entries().forEach(entry -> ids.add(entry.message()));
      return null;
    });
    List<byte[]> messages = new ArrayList<>();
    for (MessageId id : ids) {
      try (InputStream in = account.messages().openBlob(id)) {
        messages.add(in.readAllBytes());
      }
    }
    return messages;
  }

  @Test
  void deliveryNeedsOnlyThePublicKeyAndFilingNormalisesAndSummarises() throws IOException {
    new Keyring(store, "carol", new byte[0]).create(PASSWORD);
    Accounts lmtp = node(); // nobody logged in: the message waits, sealed
    deliver(lmtp, carol, message("first"));
    List<ObjectKey> waiting = waiting();
    assertEquals(1, waiting.size());
    String sealed = new String(store.getBytes(waiting.get(0)), StandardCharsets.ISO_8859_1);
    assertFalse(sealed.contains("Subject"), "sealed, not in clear");

    now.addAndGet(60_000);
    Accounts imap = node();
    try (Accounts.Lease lease = imap.login("carol", PASSWORD).orElseThrow()) {
      Account account = lease.account();
      account.fileIncoming(); // files it, or waits for the login's background filing to finish
      List<byte[]> messages = inbox(account);
      assertEquals(1, messages.size());
      assertArrayEquals(("From: dave@example.tld\r\nSubject: first\r\n\r\nHello\r\nCarol.\r\n")
          .getBytes(StandardCharsets.US_ASCII), messages.get(0), "stored as APPEND stores it");
      MessageId id = account.select(MailboxName.INBOX).mailbox().read(state -> state.byUid(1).message());
      MessageMeta meta = MessageMeta.fromBytes(account.messages().getMeta(id));
      assertEquals(Instant.parse("2026-11-23T10:15:30Z"), meta.internalDate().toInstant(), "INTERNALDATE is the delivery");
      assertEquals(messages.get(0).length, meta.size());
      assertEquals("first", MessageSummaryCodec.decode(meta.summary()).envelope().subject());
    }
    assertEquals(List.of(), waiting());
  }

  @Test
  void largeMessagesAndMessagesBeyondTheHeapBudgetAreFiledStreamingAlike() throws IOException {
    KeyBundle keys = KeyBundle.generate();
    IncomingQueue queue = new IncomingQueue(store, new HybridClock(clock, random.split()));
    StringBuilder body = new StringBuilder("From: dave@example.tld\r\nSubject: large\r\n\r\n");
    while (body.length() <= HeapBudget.MESSAGE) {
      body.append("a line ending in a bare LF, as some MTAs pass them\n");
    }
    byte[] large = body.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] small = message("small");
    queue.put("carol", keys.publicKey(), new ByteArrayInputStream(large), large.length);
    queue.put("carol", keys.publicKey(), new ByteArrayInputStream(small), small.length);

    Account heapless = new Account(context(), "carol", keys, new MetaCache(0), new HeapBudget(0)); // budget spent
    assertEquals(2, heapless.fileIncoming());
    List<byte[]> filed = inbox(heapless);
    assertEquals(2, filed.size());
    assertArrayEquals(new String(large, StandardCharsets.US_ASCII).replace("\n", "\r\n").replace("\r\r\n", "\r\n")
        .getBytes(StandardCharsets.US_ASCII), filed.get(0), "line ends normalised on the streaming path too");
    assertArrayEquals(("From: dave@example.tld\r\nSubject: small\r\n\r\nHello\r\nCarol.\r\n")
        .getBytes(StandardCharsets.US_ASCII), filed.get(1));
    MessageId id = heapless.select(MailboxName.INBOX).mailbox().read(state -> state.byUid(1).message());
    assertEquals(filed.get(0).length, MessageMeta.fromBytes(heapless.messages().getMeta(id)).size());
    assertEquals(List.of(), waiting());
  }

  private Account cleartextAccount(KeyBundle keys) {
    return new Account(context(), "carol", keys, random.split());
  }

  @Test
  void filingAgainAfterACrashOrOnTwoNodesAtOnceAddsTheMessageOnce() throws Exception {
    KeyBundle keys = KeyBundle.generate();
    IncomingQueue queue = new IncomingQueue(store, new HybridClock(clock, random.split()));
    byte[] body = message("twice");
    ObjectKey key = queue.put("carol", keys.publicKey(), new ByteArrayInputStream(body), body.length);
    byte[] sealed = store.getBytes(key);

    Account first = cleartextAccount(keys);
    assertEquals(1, first.fileIncoming());
    store.put(key, sealed); // as if the node died after the MailAdd, before removing the object
    assertEquals(1, cleartextAccount(keys).fileIncoming());
    assertEquals(1, inbox(first).size(), "the same message id: the MailAdd changed nothing");

    // Two nodes file the same queue at the same moment.
    for (int i = 0; i < 3; i++) {
      byte[] more = message("more " + i);
      queue.put("carol", keys.publicKey(), new ByteArrayInputStream(more), more.length);
    }
    Account a = cleartextAccount(keys);
    Account b = cleartextAccount(keys);
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Future<Integer> fa = pool.submit((Callable<Integer>) a::fileIncoming);
      Future<Integer> fb = pool.submit((Callable<Integer>) b::fileIncoming);
      assertTrue(fa.get() + fb.get() >= 3, "every message filed by one node or both");
    }
    assertEquals(4, inbox(cleartextAccount(keys)).size());
    assertEquals(List.of(), waiting());
  }

  @Test
  void aMessageThatDoesNotOpenStaysAndTheOthersAreFiled() throws IOException {
    KeyBundle keys = KeyBundle.generate();
    IncomingQueue queue = new IncomingQueue(store, new HybridClock(clock, random.split()));
    byte[] body = message("good");
    ObjectKey foreign = queue.put("carol", KeyBundle.generate().publicKey(), new ByteArrayInputStream(body), body.length);
    queue.put("carol", keys.publicKey(), new ByteArrayInputStream(body), body.length);
    Account account = cleartextAccount(keys);
    assertEquals(1, account.fileIncoming());
    assertEquals(List.of(foreign), waiting(), "sealed to another key: left for an admin, logged");
    assertEquals(1, inbox(account).size());
  }

  @Test
  void aPassRootWithoutKeysCannotReceiveAndNothingIsWritten() {
    Accounts lmtp = node();
    int before = store.size();
    assertThrows(IllegalStateException.class, () -> deliver(lmtp, carol, message("nobody")));
    assertEquals(before, store.size());
  }

  @Test
  void aStreamShorterThanAnnouncedLeavesNothingInTheQueue() {
    KeyBundle keys = KeyBundle.generate();
    IncomingQueue queue = new IncomingQueue(store, new HybridClock(clock, random.split()));
    byte[] body = message("short");
    assertThrows(IllegalArgumentException.class,
        () -> queue.put("carol", keys.publicKey(), new ByteArrayInputStream(body), body.length + 10));
    assertEquals(List.of(), waiting());
  }

  @Test
  void aNodeWithTheUserOpenFilesWhatAnotherNodeDelivered() throws IOException {
    new Keyring(store, "carol", new byte[0]).create(PASSWORD);
    Accounts reading = node();
    Accounts delivering = node(); // holds no keys: only seals into incoming/
    try (Accounts.Lease lease = reading.login("carol", PASSWORD).orElseThrow()) {
      lease.account().fileIncoming(); // the login's own filing, done
      deliver(delivering, carol, message("from the other node"));
      assertEquals(1, waiting().size(), "the delivering node cannot file it");
      reading.fileIncomingOfOpenUsers(); // the reading node's periodic poll
      assertEquals(List.of(), waiting());
      assertEquals(1, inbox(lease.account()).size());
    }
  }
}
