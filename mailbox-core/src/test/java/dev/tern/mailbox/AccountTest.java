package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.KeyBundle;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.mailbox.MailboxException.Reason;
import dev.tern.mailbox.UidIndexOp.Added;
import dev.tern.storage.ByteRange;
import dev.tern.storage.ForwardingObjectStore;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.PermanentStorageException;
import dev.tern.storage.TransientStorageException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AccountTest {

  private final MemoryObjectStore store = new MemoryObjectStore();
  private final KeyBundle keys = KeyBundle.generate();
  private final SplittableRandom random = new SplittableRandom(5);

  /** Another node: its own clock and log instances, the same store and keys. */
  private Account node() {
    return node(store);
  }

  private Account node(ObjectStore on) {
    LogContext context = new LogContext(on, new HybridClock(InstantSource.system(), random.split()),
        InstantSource.system(), Runnable::run, new SimpleMeterRegistry(), LogConfig.DEFAULTS);
    return new Account(context, "alice", keys, random.split());
  }

  private static MailboxName name(String value) {
    return MailboxName.of(value);
  }

  @Test
  void aNewUserGetsTheDefaultMailboxesSubscribedWithTheirSpecialUse() {
    Account account = node();
    account.ensureDefaults();
    MailboxList list = account.mailboxes();
    assertEquals(Set.of("Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"),
        list.mailboxes().keySet().stream().map(MailboxName::value).collect(java.util.stream.Collectors.toSet()));
    assertEquals(Set.of("\\Sent"), list.lookup(name("Sent")).orElseThrow().specialUse());
    assertTrue(list.isSubscribed(name("Trash")));
    account.ensureDefaults(); // idempotent
    assertEquals(6, account.mailboxes().mailboxes().size());
  }

  @Test
  void createMakesMissingParentsAndRefusesExistingNames() {
    Account account = node();
    account.create(name("Work/2026/Q4"), Set.of());
    assertTrue(account.mailboxes().lookup(name("Work")).isPresent());
    assertTrue(account.mailboxes().lookup(name("Work/2026")).isPresent());
    MailboxException e = assertThrows(MailboxException.class, () -> account.create(name("Work/2026"), Set.of()));
    assertEquals(Reason.ALREADYEXISTS, e.reason());
    account.ensureDefaults();
    assertEquals(Reason.ALREADYEXISTS,
        assertThrows(MailboxException.class, () -> account.create(name("inbox"), Set.of())).reason());
  }

  @Test
  void deleteRefusesInboxAndUnknownNamesAndNeverReusesAUidValidity() {
    Account account = node();
    account.ensureDefaults();
    assertEquals(Reason.CANNOT, assertThrows(MailboxException.class, () -> account.delete(MailboxName.INBOX)).reason());
    assertEquals(Reason.NONEXISTENT, assertThrows(MailboxException.class, () -> account.delete(name("Nope"))).reason());

    account.create(name("Lists"), Set.of());
    Account.Selected first = account.select(name("Lists"));
    long before = first.uidValidity();
    account.delete(name("Lists"));
    assertEquals(Reason.NONEXISTENT, assertThrows(MailboxException.class, () -> account.select(name("Lists"))).reason());
    account.create(name("Lists"), Set.of());
    Account.Selected second = account.select(name("Lists"));
    assertTrue(second.uidValidity() > before, second.uidValidity() + " after " + before);
    assertFalse(second.mailbox().id().equals(first.mailbox().id()));
  }

  @Test
  void renameMovesInferiorsAndRenamingInboxMovesItsMessages() {
    Account account = node();
    account.ensureDefaults();
    account.create(name("Projects/Tern"), Set.of());
    MailboxId tern = account.select(name("Projects/Tern")).mailbox().id();
    account.rename(name("Projects"), name("Old/Projects"));
    assertTrue(account.mailboxes().lookup(name("Projects")).isEmpty());
    assertEquals(tern, account.select(name("Old/Projects/Tern")).mailbox().id());
    assertTrue(account.mailboxes().lookup(name("Old")).isPresent());
    assertEquals(Reason.ALREADYEXISTS,
        assertThrows(MailboxException.class, () -> account.rename(name("Sent"), name("Trash"))).reason());
    assertEquals(Reason.NONEXISTENT,
        assertThrows(MailboxException.class, () -> account.rename(name("Nope"), name("Other"))).reason());
    assertEquals(Reason.CANNOT,
        assertThrows(MailboxException.class, () -> account.rename(name("Old"), name("Old/Inside"))).reason());

    Mailbox inbox = account.select(MailboxName.INBOX).mailbox();
    MessageId message = MessageId.random(random);
    inbox.add(List.of(new Added(message, Flags.NONE)));
    account.rename(MailboxName.INBOX, name("Saved"));
    assertTrue(account.select(name("Saved")).mailbox().snapshot().contains(message));
    Account.Selected fresh = account.select(MailboxName.INBOX);
    assertEquals(0, fresh.mailbox().read(UidIndex::size));
  }

  @Test
  void aSecondNodeSeesMailboxesAndMessagesWrittenByTheFirst() {
    Account one = node();
    Account two = node();
    one.ensureDefaults();
    one.create(name("Shared"), Set.of());
    Mailbox there = one.select(name("Shared")).mailbox();
    MessageId a = MessageId.random(random);
    MessageId b = MessageId.random(random);
    Mailbox.Placed placed = there.add(List.of(new Added(a, Flags.of("\\Seen")), new Added(b, Flags.NONE)));
    assertEquals(2, placed.uids().size());

    Account.Selected seen = two.select(name("Shared"));
    assertEquals(placed.uids().get(0), seen.mailbox().read(state -> state.uidOf(a)));
    seen.mailbox().storeFlags(List.of(b), Mailbox.FlagChange.ADD, Flags.of("\\Flagged"));
    seen.mailbox().expunge(List.of(a));

    there.sync();
    assertFalse(there.snapshot().contains(a));
    assertEquals(Flags.of("\\Flagged"), there.read(state -> state.flagsOf(b)));
    // Redelivering b changes nothing visible.
    Mailbox.Placed again = there.add(List.of(new Added(b, Flags.NONE)));
    assertEquals(placed.uids().get(1), again.uids().get(0));
    assertEquals(Flags.of("\\Flagged"), there.read(state -> state.flagsOf(b)));
  }

  @Test
  void aStoreThatChangesNothingWritesNothing() {
    Account account = node();
    account.create(name("Box"), Set.of());
    Mailbox box = account.select(name("Box")).mailbox();
    MessageId m = MessageId.random(random);
    box.add(List.of(new Added(m, Flags.of("\\Seen"))));
    MemoryObjectStore.RequestCounts before = store.requestCounts();
    box.storeFlags(List.of(m), Mailbox.FlagChange.ADD, Flags.of("\\Seen"));
    assertEquals(0, store.requestCounts().since(before).puts());
  }

  @Test
  void aConditionalStoreTestsModSeqsAsTheStoreHasThemNotAsLastSynced() {
    Account one = node();
    Account two = node();
    one.create(name("Cond"), Set.of());
    Mailbox here = one.select(name("Cond")).mailbox();
    MessageId a = MessageId.random(random);
    MessageId b = MessageId.random(random);
    here.add(List.of(new Added(a, Flags.NONE), new Added(b, Flags.of("\\Seen"))));
    long told = here.read(UidIndex::highestModSeq);

    // Another node changes b after the client here was told `told`; this node has not synced.
    Mailbox there = two.select(name("Cond")).mailbox();
    there.storeFlags(List.of(b), Mailbox.FlagChange.ADD, Flags.of("\\Flagged"));

    // b fails though it already has \Seen: the test is its mod-sequence, not whether it would change.
    Mailbox.Stored stored = here.storeFlags(List.of(a, b), Mailbox.FlagChange.ADD, Flags.of("\\Seen"), told);
    assertEquals(Set.of(a), stored.changed());
    assertEquals(Set.of(b), stored.modified());
    assertEquals(Flags.of("\\Seen"), here.read(state -> state.flagsOf(a)));
    assertEquals(Flags.of("\\Flagged", "\\Seen"), here.read(state -> state.flagsOf(b)));

    // With an up-to-date bound, a message whose flags are already as asked passes and writes nothing.
    long now = here.read(state -> state.modSeqOf(b));
    MemoryObjectStore.RequestCounts before = store.requestCounts();
    Mailbox.Stored noop = here.storeFlags(List.of(b), Mailbox.FlagChange.ADD, Flags.of("\\Seen"), now);
    assertEquals(Set.of(), noop.changed());
    assertEquals(Set.of(), noop.modified());
    assertEquals(0, store.requestCounts().since(before).puts());
    assertEquals(Set.of(a, b), here.storeFlags(List.of(a, b), Mailbox.FlagChange.ADD, Flags.of("\\Seen"), 0).modified(),
        "UNCHANGEDSINCE 0 fails for every message");
  }

  @Test
  void aRecentClaimOutlivesTheAccountThatMadeIt() {
    Account account = node();
    account.ensureDefaults();
    Mailbox inbox = account.select(MailboxName.INBOX).mailbox();
    Mailbox.Placed placed = inbox.add(List.of(new Added(MessageId.random(random), Flags.NONE),
        new Added(MessageId.random(random), Flags.of("\\Seen"))));
    long last = placed.uids().get(1);
    long highestModSeq = inbox.read(UidIndex::highestModSeq);
    assertEquals(0, inbox.claimRecent(last), "the first session is told of both");
    assertEquals(last, inbox.claimRecent(last), "a second session on the node of neither");
    assertEquals(highestModSeq, inbox.read(UidIndex::highestModSeq), "\\Recent is no mod-sequence change");

    // The node drops the account (its last connection closed, or a restart): a new one on the
    // same store and keys reads the claim back from the log.
    Account again = node();
    Mailbox reopened = again.select(MailboxName.INBOX).mailbox();
    assertEquals(last, reopened.recentClaimedUpTo());
    MemoryObjectStore.RequestCounts before = store.requestCounts();
    assertEquals(last, reopened.claimRecent(last));
    assertEquals(0, store.requestCounts().since(before).total(), "a claim that raises nothing costs no request");

    // New mail is recent to the next session only, whichever account instance it is on.
    long newer = reopened.add(List.of(new Added(MessageId.random(random), Flags.NONE))).uids().get(0);
    assertEquals(last, reopened.claimRecent(newer));
    inbox.sync();
    assertEquals(newer, inbox.claimRecent(newer));
    assertEquals(newer, node().select(MailboxName.INBOX).mailbox().recentClaimedUpTo());
  }

  @Test
  void sessionsClaimingAtOnceOnOneNodeAreToldOfEachMessageOnce() throws Exception {
    Account account = node();
    account.create(name("Box"), Set.of());
    Mailbox box = account.select(name("Box")).mailbox();
    long last = box.add(List.of(new Added(MessageId.random(random), Flags.NONE))).uids().get(0);
    int sessions = 8;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> claims = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(sessions)) {
      for (int i = 0; i < sessions; i++) {
        claims.add(pool.submit(() -> {
          start.await();
          return box.claimRecent(last);
        }));
      }
      start.countDown();
      List<Long> before = new ArrayList<>();
      for (Future<Long> claim : claims) {
        before.add(claim.get(30, TimeUnit.SECONDS));
      }
      assertEquals(1, before.stream().filter(b -> b == 0).count(), "claims seen: " + before);
      assertEquals(sessions - 1, before.stream().filter(b -> b == last).count(), "claims seen: " + before);
    }
    assertEquals(last, box.recentClaimedUpTo());
  }

  @Test
  void blobsAreEncryptedStreamedAndReadableByRange() throws IOException {
    Account account = node();
    MessageStore messages = account.messages();
    byte[] raw = new byte[200_000];
    random.nextBytes(raw);
    MessageId id = MessageId.random(random);
    messages.putBlob(id, new ByteArrayInputStream(raw), raw.length);
    messages.putMeta(id, "summary".getBytes());

    try (InputStream in = messages.openBlob(id)) {
      assertArrayEquals(raw, in.readAllBytes());
    }
    try (InputStream in = messages.openBlob(id, 70_000, 100)) {
      assertArrayEquals(java.util.Arrays.copyOfRange(raw, 70_000, 70_100), in.readAllBytes());
    }
    assertEquals(raw.length, messages.blobSize(id));
    assertArrayEquals("summary".getBytes(), messages.getMeta(id));
    // Nothing in the store is the clear text.
    byte[] stored = store.getBytes(messages.blobKey(id));
    assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(stored, 100), java.util.Arrays.copyOf(raw, 100)));
  }

  /**
   * A read of a stored message that breaks (a connection reset) is a transient failure: the client
   * is told to try again, and queued mail stays queued. Altered bytes are a permanent one.
   */
  @Test
  void aReadThatBreaksIsTransientAndAlteredBytesArePermanent() {
    BreakingStore flaky = new BreakingStore(store);
    Account account = node(flaky);
    MessageStore messages = account.messages();
    byte[] raw = new byte[200_000];
    random.nextBytes(raw);
    MessageId id = MessageId.random(random);
    messages.putBlob(id, new ByteArrayInputStream(raw), raw.length);
    IncomingQueue queue = new IncomingQueue(store, new HybridClock(InstantSource.system(), random.split()));
    byte[] mail = "Subject: queued\r\n\r\nhello\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    queue.put("alice", keys.publicKey(), new ByteArrayInputStream(mail), mail.length);

    flaky.breaking = true;
    assertThrows(TransientStorageException.class, () -> messages.openBlob(id, 70_000, 100));
    assertThrows(TransientStorageException.class, account::fileIncoming);
    assertEquals(1, queue.waiting("alice").size(), "still queued");

    flaky.breaking = false;
    assertEquals(1, account.fileIncoming());
    byte[] altered = store.getBytes(messages.blobKey(id));
    altered[0] ^= 0x7f; // the stream header's version
    store.put(messages.blobKey(id), altered);
    assertThrows(PermanentStorageException.class, () -> messages.openBlob(id, 70_000, 100));
  }

  /** A store whose reads break at their first byte while {@link #breaking}. */
  private static final class BreakingStore extends ForwardingObjectStore {
    volatile boolean breaking;

    BreakingStore(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public InputStream get(ObjectKey key) {
      return breaking ? broken(super.get(key)) : super.get(key);
    }

    @Override
    public InputStream get(ObjectKey key, ByteRange range) {
      return breaking ? broken(super.get(key, range)) : super.get(key, range);
    }

    private static InputStream broken(InputStream in) {
      return new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          throw new IOException("Connection reset");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          throw new IOException("Connection reset");
        }
      };
    }
  }

  @Test
  void aBlobWhoseStreamIsShortIsNotStored() {
    Account account = node();
    MessageId id = MessageId.random(random);
    assertThrows(RuntimeException.class,
        () -> account.messages().putBlob(id, new ByteArrayInputStream(new byte[10]), 20));
    assertEquals(Optional.empty(), store.head(account.messages().blobKey(id)));
    assertEquals(Optional.empty(), store.head(ObjectKey.of("users/alice/blob/" + id.toHex())));
  }
}
