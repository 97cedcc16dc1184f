package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.tern.crypto.KeyBundle;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.mailbox.MailboxView.Exists;
import dev.tern.mailbox.MailboxView.Expunge;
import dev.tern.mailbox.MailboxView.FlagsChanged;
import dev.tern.mailbox.MailboxView.Update;
import dev.tern.mailbox.UidIndexOp.Added;
import dev.tern.storage.MemoryObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MailboxViewTest {

  private final MemoryObjectStore store = new MemoryObjectStore();
  private final KeyBundle keys = KeyBundle.generate();
  private final SplittableRandom random = new SplittableRandom(9);
  private Account account;
  private Mailbox mailbox;
  private final List<MessageId> ids = new ArrayList<>();

  @BeforeEach
  void setUp() {
    LogContext context = new LogContext(store, new HybridClock(InstantSource.system(), random.split()),
        InstantSource.system(), Runnable::run, new SimpleMeterRegistry(), LogConfig.DEFAULTS);
    account = new Account(context, "alice", keys, random.split());
    account.create(MailboxName.of("Box"), Set.of());
    mailbox = account.select(MailboxName.of("Box")).mailbox();
    for (int i = 0; i < 5; i++) {
      add();
    }
  }

  private MessageId add() {
    MessageId id = MessageId.random(random);
    ids.add(id);
    mailbox.add(List.of(new Added(id, Flags.NONE)));
    return id;
  }

  @Test
  void sequenceNumbersFollowUids() {
    MailboxView view = new MailboxView(mailbox, 0);
    assertEquals(5, view.count());
    assertEquals(1, view.sequenceOf(view.uidAt(1)));
    assertEquals(0, view.sequenceOf(view.lastUid() + 1));
    assertEquals(List.of(), view.sync(true));
  }

  @Test
  void expungesAreNumberedAsTheClientRenumbersAndNewMailFollows() {
    MailboxView view = new MailboxView(mailbox, 0);
    long uid2 = view.uidAt(2);
    long uid4 = view.uidAt(4);
    mailbox.expunge(List.of(ids.get(1), ids.get(3)));
    MessageId fresh = add();
    List<Update> updates = view.sync(true);
    // Sequence 2 goes, then the old 4 is now 3.
    assertEquals(List.of(new Expunge(2, uid2), new Expunge(3, uid4), new Exists(4)), updates);
    assertEquals(mailbox.snapshot().uidOf(fresh), view.uidAt(4));
    assertEquals(List.of(), view.sync(true));
  }

  @Test
  void expungesWaitUntilTheyMayBeReported() {
    MailboxView view = new MailboxView(mailbox, 0);
    long first = view.uidAt(1);
    mailbox.expunge(List.of(ids.get(0)));
    assertEquals(List.of(), view.sync(false));
    assertEquals(5, view.count());
    List<Update> later = view.sync(true);
    assertEquals(1, later.size());
    assertEquals(new Expunge(1, first), later.get(0));
    assertEquals(4, view.count());
  }

  @Test
  void flagChangesByAnyoneAreReportedOnceWithSequenceNumbers() {
    MailboxView view = new MailboxView(mailbox, 0);
    MailboxView other = new MailboxView(mailbox, 0);
    mailbox.storeFlags(List.of(ids.get(2)), Mailbox.FlagChange.ADD, Flags.of("\\Seen"));
    List<Update> updates = view.sync(true);
    assertEquals(1, updates.size());
    FlagsChanged changed = assertInstanceOf(FlagsChanged.class, updates.get(0));
    assertEquals(3, changed.sequence());
    assertEquals(Flags.of("\\Seen"), changed.flags());
    assertEquals(List.of(), view.sync(true));
    assertEquals(1, other.sync(false).size());
  }

  @Test
  void viewsInStepShareTheirUidsAndAViewHoldingBackExpungesIsNotDisturbedByOthers() {
    MailboxView holding = new MailboxView(mailbox, 0);
    MailboxView other = new MailboxView(mailbox, 0);
    mailbox.expunge(List.of(ids.get(1)));
    add();
    holding.sync(false); // a FETCH by sequence number: the expunge must wait
    assertEquals(List.of(new MailboxView.Expunge(2, 2), new MailboxView.Exists(5)), other.sync(true));
    MailboxView fresh = new MailboxView(mailbox, 0);
    assertEquals(List.of(1L, 3L, 4L, 5L, 7L), uids(other), "an expunge uses up a UID too (seed 001)");
    assertEquals(uids(other), uids(fresh));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 7L), uids(holding), "the held-back view still numbers the expunged message");
    assertEquals(List.of(new MailboxView.Expunge(2, 2)), holding.sync(true));
    assertEquals(uids(other), uids(holding));

    int[] uids = {1, 3, 4, 5, 6, 0, 0};
    int[] shared = mailbox.shareUids(uids, 5);
    assertSame(shared, mailbox.shareUids(new int[] {1, 3, 4, 5, 6}, 5), "one array for every view in step");
    assertEquals(5, shared.length);
  }

  private static List<Long> uids(MailboxView view) {
    List<Long> uids = new ArrayList<>();
    for (int seq = 1; seq <= view.count(); seq++) {
      uids.add(view.uidAt(seq));
    }
    return uids;
  }

  @Test
  void theClientSeesTheBindingOffsetInUidValidity() {
    MailboxView view = new MailboxView(mailbox, 1000);
    assertEquals(mailbox.read(UidIndex::uidValidity) + 1000, view.uidValidity());
  }
}
