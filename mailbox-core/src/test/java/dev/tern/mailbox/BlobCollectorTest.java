package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.Aead;
import dev.tern.crypto.KeyBundle;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.mailbox.UidIndexOp.Added;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BlobCollectorTest {

  private static final Duration GRACE = LogConfig.DEFAULTS.gcGrace();
  private static final Duration AFTER_INTERVAL = BlobCollector.DEFAULT_INTERVAL.plusMinutes(1);

  private final MemoryObjectStore store = new MemoryObjectStore();
  private final KeyBundle keys = KeyBundle.generate();
  private final SplittableRandom random = new SplittableRandom(11);
  private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

  /** A node: its own log instances and clock view, the same store, keys and wall time. */
  private Account node() {
    LogContext context = new LogContext(store, new HybridClock(clock, random.split()), clock, Runnable::run,
        new SimpleMeterRegistry(), LogConfig.DEFAULTS);
    return new Account(context, "alice", keys, random.split());
  }

  private void advance(Duration by) {
    now.addAndGet(by.toMillis());
  }

  private static MessageId stored(Account account, String text) {
    MessageId id = MessageId.random(new SplittableRandom(text.hashCode()));
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    account.messages().putBlob(id, new ByteArrayInputStream(bytes), bytes.length);
    account.messages().putMeta(id, bytes);
    return id;
  }

  private static Mailbox add(Account account, String mailbox, MessageId id) {
    Mailbox target = account.select(MailboxName.of(mailbox)).mailbox();
    target.add(List.of(new Added(id, Flags.of())));
    return target;
  }

  private boolean exists(Account account, MessageId id) {
    boolean blob = store.head(account.messages().blobKey(id)).isPresent();
    boolean meta = store.head(account.messages().metaKey(id)).isPresent();
    assertEquals(blob, meta, "blob and summary go together");
    return blob;
  }

  private int marks() {
    return (int) store.listAll(ObjectKey.of("users/alice/gc").asPrefix(), Optional.empty()).count();
  }

  @Test
  void anExpungedMessageGoesOnlyAtTheFirstSweepAGraceAfterItWasMarked() {
    Account account = node();
    account.ensureDefaults();
    MessageId kept = stored(account, "kept");
    MessageId expunged = stored(account, "expunged");
    add(account, "INBOX", kept);
    Mailbox inbox = add(account, "INBOX", expunged);
    inbox.expunge(List.of(expunged));

    BlobCollector.Sweep first = account.collectGarbage();
    assertTrue(first.ran());
    assertEquals(1, first.referenced());
    assertEquals(1, first.marked());
    assertEquals(0, first.deleted());
    assertTrue(exists(account, expunged), "a session may still read it");

    advance(AFTER_INTERVAL);
    BlobCollector.Sweep second = account.collectGarbage();
    assertEquals(1, second.deleted());
    assertFalse(exists(account, expunged));
    assertTrue(exists(account, kept));
    assertEquals(1, marks(), "consumed marks are removed; the newest stays as the time of the last sweep");
  }

  @Test
  void aSweepSoonAfterAnotherOnAnyNodeOnlyLists() {
    Account one = node();
    Account two = node();
    one.ensureDefaults();
    assertTrue(one.collectGarbage().ran());
    long requestsBefore = store.requestCounts().total();
    advance(Duration.ofMinutes(10));
    assertFalse(two.collectGarbage().ran());
    assertEquals(1, store.requestCounts().total() - requestsBefore, "one LIST of the marks");
  }

  @Test
  void aBlobWhoseMailAddLandsAfterTheFirstSweepIsSpared() {
    Account appender = node();
    Account sweeper = node();
    appender.ensureDefaults();
    MessageId inFlight = stored(appender, "appending"); // blob durable, MailAdd not yet written
    assertEquals(1, sweeper.collectGarbage().marked());
    add(appender, "INBOX", inFlight);
    advance(AFTER_INTERVAL);
    BlobCollector.Sweep second = sweeper.collectGarbage();
    assertEquals(0, second.deleted());
    assertTrue(exists(appender, inFlight));
    advance(AFTER_INTERVAL);
    assertEquals(0, sweeper.collectGarbage().deleted(), "the spared message is not marked again while referenced");
    assertTrue(exists(appender, inFlight));
  }

  @Test
  void aCopyKeepsTheBlobAliveAfterTheOriginalIsExpunged() {
    Account account = node();
    account.ensureDefaults();
    MessageId id = stored(account, "copied");
    Mailbox inbox = add(account, "INBOX", id);
    add(account, "Archive", id);
    inbox.expunge(List.of(id));
    account.collectGarbage();
    advance(AFTER_INTERVAL);
    account.collectGarbage();
    assertTrue(exists(account, id));

    account.select(MailboxName.of("Archive")).mailbox().expunge(List.of(id));
    advance(AFTER_INTERVAL);
    assertEquals(0, account.collectGarbage().deleted(), "marked now, deleted a grace later");
    advance(AFTER_INTERVAL);
    assertEquals(1, account.collectGarbage().deleted());
    assertFalse(exists(account, id));
  }

  @Test
  void messagesOfADeletedMailboxGoUnlessAnotherNodeStillHasTheMailboxOpen() {
    Account deleter = node();
    deleter.ensureDefaults();
    deleter.create(MailboxName.of("Lists"), Set.of());
    MessageId id = stored(deleter, "list mail");
    add(deleter, "Lists", id);
    Account reader = node();
    reader.select(MailboxName.of("Lists")); // a session on another node has it selected
    deleter.delete(MailboxName.of("Lists"));

    reader.collectGarbage();
    advance(AFTER_INTERVAL);
    assertEquals(0, reader.collectGarbage().deleted(), "the reader's node still serves the mailbox");
    assertTrue(exists(deleter, id));

    Account fresh = node(); // the reader's node went away; nothing references the message now
    advance(AFTER_INTERVAL);
    assertEquals(1, fresh.collectGarbage().marked());
    advance(AFTER_INTERVAL);
    assertEquals(1, fresh.collectGarbage().deleted());
    assertFalse(exists(deleter, id));
  }

  @Test
  void aGraceMustPassBetweenMarkAndDeletionEvenWhenSweepsComeOften() {
    ObjectKey root = ObjectKey.of("users").resolve("bob");
    MessageStore messages = new MessageStore(store, root, keys.masterKey());
    BlobCollector everyTime = new BlobCollector(store, root, new Aead(keys.masterKey()), clock, random.split(),
        GRACE, Duration.ZERO);
    MessageId id = MessageId.random(random);
    messages.putBlob(id, new ByteArrayInputStream(new byte[] {'x'}), 1);
    messages.putMeta(id, new byte[] {'x'});

    assertEquals(1, everyTime.sweep(Set::of).marked());
    advance(GRACE.minusMinutes(1));
    BlobCollector.Sweep early = everyTime.sweep(Set::of);
    assertEquals(new BlobCollector.Sweep(true, 0, 0, 0), early, "neither deleted nor marked twice");
    assertTrue(store.head(messages.blobKey(id)).isPresent());
    advance(Duration.ofMinutes(1));
    assertEquals(1, everyTime.sweep(Set::of).deleted());
    assertTrue(store.head(messages.blobKey(id)).isEmpty());
    assertTrue(store.head(messages.metaKey(id)).isEmpty());
  }

  @Test
  void aReferencedMessageIsNeverTouchedAndAFailingReferenceScanDeletesNothing() {
    ObjectKey root = ObjectKey.of("users").resolve("carol");
    MessageStore messages = new MessageStore(store, root, keys.masterKey());
    BlobCollector collector = new BlobCollector(store, root, new Aead(keys.masterKey()), clock, random.split(),
        GRACE, Duration.ZERO);
    MessageId id = MessageId.random(random);
    messages.putBlob(id, new ByteArrayInputStream(new byte[] {'y'}), 1);
    messages.putMeta(id, new byte[] {'y'});
    collector.sweep(Set::of);
    advance(GRACE.plusMinutes(1));
    assertThrows(IllegalStateException.class, () -> collector.sweep(() -> {
      throw new IllegalStateException("a mailbox log cannot be read");
    }));
    assertTrue(store.head(messages.blobKey(id)).isPresent());
    assertEquals(0, collector.sweep(() -> Set.of(id)).deleted());
    assertTrue(store.head(messages.blobKey(id)).isPresent());
  }
}
