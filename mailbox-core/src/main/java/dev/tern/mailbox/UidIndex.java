package dev.tern.mailbox;

import dev.tern.log.LogState;
import dev.tern.mailbox.UidIndexOp.Added;
import dev.tern.mailbox.UidIndexOp.FlagAdd;
import dev.tern.mailbox.UidIndexOp.FlagDel;
import dev.tern.mailbox.UidIndexOp.FlagSet;
import dev.tern.mailbox.UidIndexOp.MailAdd;
import dev.tern.mailbox.UidIndexOp.MailDel;
import dev.tern.mailbox.UidIndexOp.RecentClaim;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One mailbox's UID index: the state the mailbox's log folds into (seed 001, "IMAP UID proof").
 *
 * <p><b>UIDs.</b> State as in the proof: UIDVALIDITY {@code v}, UIDNEXT {@code n}, internal
 * sequence {@code s}. Every entry of a {@link MailAdd} or {@link MailDel} advances {@code s} by
 * one; an added message gets UID {@code s}; an add whose hint is below {@code s} had not seen
 * some ops before it, and raises {@code v} by {@code s - hint}. Hence two different messages never
 * hold one UID under one UIDVALIDITY. A MailAdd of a message already present leaves the mailbox
 * as it is (idempotent redelivery: same UID, same flags, UIDNEXT unchanged), but still counts in
 * {@code s} and in {@code v}, so the proof's counting argument ({@code s(O) = |O|}, {@code v(O)} =
 * sum of conflicts over all adds) holds unchanged — with one refinement: when the message already
 * holds exactly the writer's hint, the entry at the hint is that message itself, which its writer
 * agrees with, so it is not counted as a conflict. Two nodes filing one incoming message from the
 * same state then leave UIDVALIDITY alone instead of renumbering the mailbox under every client
 * (any other entry they had not seen still raises it). The property test checks both theorems
 * with such concurrent redeliveries in its histories.
 *
 * <p><b>Mod-sequences.</b> Every op carries how many ops its writer had applied ({@code seen}).
 * An op is <i>causal</i> when it lands right after everything its writer had seen (position ==
 * seen), <i>concurrent</i> otherwise. Op {@code o} gets modseq {@code |O| - (causal ops after o)},
 * a message the modseq of the last op that touched it, and HIGHESTMODSEQ is {@code |O|}. So a
 * causal op appended at the end gets {@code |O|} and leaves older modseqs alone, while a
 * concurrent one raises them all by one: a late op can never hide under a HIGHESTMODSEQ a client
 * has already seen. Stored as a per-message stamp (causal ops up to its last touching op) plus one
 * counter of concurrent ops: modseq = stamp + concurrent, in O(1) per op.
 *
 * <p><b>\Recent.</b> A {@link RecentClaim} raises {@code recentUpTo}, the UID up to which sessions
 * have been told about {@code \Recent}, to the claim's UID if that is higher: a maximum, so claims
 * applied in any order, or twice, end the same. A claim stays outside everything above: it does
 * not advance {@code s}, change UIDVALIDITY or count in {@code |O|} (so not in any writer's
 * {@code seen} either, and never as concurrent). A log thus folds to exactly the index its other
 * ops give, plus {@code recentUpTo}, and the proof and the mod-sequence rule hold as they are.
 * Counting claims would cost clients: every first SELECT after new mail would raise HIGHESTMODSEQ
 * with nothing for CONDSTORE to report ({@code \Recent} is not a flag it reports), and a claim
 * concurrent with another op would raise every message's modseq. A claim names a UID, so after a
 * UIDVALIDITY change it may cover a message that took a lower UID than the claimer saw; that
 * message is then recent nowhere, which only such a renumbering race can cause.
 *
 * <p><b>Memory.</b> Messages live in parallel arrays in UID order (UIDs only grow), with an
 * open-addressing table from message id to slot; flag sets are interned. Expunged slots stay as
 * holes until enough pile up, then the arrays are compacted and the expunged UIDs merged into
 * ranges kept for VANISHED.
 *
 * <p>Not thread-safe: the log applies ops under its own lock and hands readers copies.
 */
public final class UidIndex implements LogState<UidIndex, UidIndexOp> {

  private static final int MIN_CAPACITY = 8;
  private static final long MAX_UID = Integer.MAX_VALUE;

  private long uidValidity;
  private long uidNext = 1;
  private long sequence = 1;
  private long opCount;
  private long concurrentOps;
  private long recentUpTo;

  private int size;
  private int live;
  private int[] uids;
  private long[] idHigh;
  private long[] idLow;
  private Flags[] flags; // null marks an expunged slot
  private long[] stamps;
  private int[] table; // slot + 1, 0 = empty; may point at expunged slots until compaction

  private final FlagInterner interner;
  private Expunged expunged;

  /** An empty mailbox whose first UIDVALIDITY is {@code uidValidity}. */
  public UidIndex(long uidValidity) {
    if (uidValidity < 1 || uidValidity > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("UIDVALIDITY must be in 1..2^32-1: " + uidValidity);
    }
    this.uidValidity = uidValidity;
    this.uids = new int[MIN_CAPACITY];
    this.idHigh = new long[MIN_CAPACITY];
    this.idLow = new long[MIN_CAPACITY];
    this.flags = new Flags[MIN_CAPACITY];
    this.stamps = new long[MIN_CAPACITY];
    this.table = new int[MIN_CAPACITY * 2];
    this.interner = new FlagInterner();
    this.expunged = new Expunged();
  }

  private UidIndex(UidIndex other) {
    uidValidity = other.uidValidity;
    uidNext = other.uidNext;
    sequence = other.sequence;
    opCount = other.opCount;
    concurrentOps = other.concurrentOps;
    recentUpTo = other.recentUpTo;
    size = other.size;
    live = other.live;
    int capacity = Math.max(MIN_CAPACITY, size);
    uids = Arrays.copyOf(other.uids, capacity);
    idHigh = Arrays.copyOf(other.idHigh, capacity);
    idLow = Arrays.copyOf(other.idLow, capacity);
    flags = Arrays.copyOf(other.flags, capacity);
    stamps = Arrays.copyOf(other.stamps, capacity);
    table = other.table.clone();
    interner = other.interner.copy();
    expunged = other.expunged.copy();
  }

  // ---- reading ----

  public long uidValidity() {
    return uidValidity;
  }

  public long uidNext() {
    return uidNext;
  }

  /** The proof's {@code s}: the UID the next add would get. */
  public long internalSequence() {
    return sequence;
  }

  /**
   * How many ops this state has applied, {@link RecentClaim}s aside: what a writer records as
   * {@code seen}.
   */
  public long opCount() {
    return opCount;
  }

  public long highestModSeq() {
    return opCount;
  }

  /** The UID up to which sessions have been told about {@code \Recent}; 0 before any claim. */
  public long recentUpTo() {
    return recentUpTo;
  }

  /** How many messages the mailbox holds. */
  public int size() {
    return live;
  }

  public boolean contains(MessageId message) {
    return find(message.high(), message.low()) >= 0;
  }

  /** The message's UID, or 0 when it is not in the mailbox. */
  public long uidOf(MessageId message) {
    int slot = find(message.high(), message.low());
    return slot < 0 ? 0 : uids[slot];
  }

  /** The message's flags, or {@code null} when it is not in the mailbox. */
  public Flags flagsOf(MessageId message) {
    int slot = find(message.high(), message.low());
    return slot < 0 ? null : flags[slot];
  }

  /** The message's mod-sequence, or 0 when it is not in the mailbox. */
  public long modSeqOf(MessageId message) {
    int slot = find(message.high(), message.low());
    return slot < 0 ? 0 : stamps[slot] + concurrentOps;
  }

  /** One message as the index sees it. */
  public record Entry(long uid, MessageId message, Flags flags, long modSeq) {}

  /** The messages in UID order (sequence-number order). */
  public Iterable<Entry> entries() {
    return () -> new Iterator<>() {
      private int slot = nextLive(0);

      @Override
      public boolean hasNext() {
        return slot < size;
      }

      @Override
      public Entry next() {
        if (slot >= size) {
          throw new NoSuchElementException();
        }
        Entry entry = entry(slot);
        slot = nextLive(slot + 1);
        return entry;
      }
    };
  }

  /** The message with this UID, or {@code null}. */
  public Entry byUid(long uid) {
    if (uid < 1 || uid > MAX_UID) {
      return null;
    }
    int slot = Arrays.binarySearch(uids, 0, size, (int) uid);
    return slot >= 0 && flags[slot] != null ? entry(slot) : null;
  }

  /**
   * Expunged UIDs whose expunge has a modseq above {@code modSeq}, as sorted disjoint ranges
   * {@code [first, last]} for VANISHED. Ranges may include UIDs that were never assigned.
   */
  public List<long[]> vanishedSince(long modSeq) {
    List<long[]> result = new ArrayList<>();
    for (Expunged.Range range : expunged.merged(this::hasLiveBetween)) {
      if (range.stamp() + concurrentOps > modSeq) {
        result.add(new long[] {range.first(), range.last()});
      }
    }
    return result;
  }

  // ---- checkpoints: the raw fields a codec writes and reads back ----

  /** How many ops had not seen every op before them: modseq = stamp + this. */
  long concurrentOps() {
    return concurrentOps;
  }

  /** Expunged UIDs, merged, with the raw stamps of their expunges. */
  List<Expunged.Range> expungedRanges() {
    return expunged.merged(this::hasLiveBetween);
  }

  /** An index with these counters and no message yet; fill it with {@link #restoreMessage} in UID order. */
  static UidIndex restore(long uidValidity, long uidNext, long sequence, long opCount, long concurrentOps,
      long recentUpTo) {
    UidIndex index = new UidIndex(uidValidity);
    if (uidNext < 1 || sequence < uidNext || opCount < 0 || concurrentOps < 0 || concurrentOps > opCount
        || recentUpTo < 0 || recentUpTo > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("inconsistent index counters: uidnext=" + uidNext + " s=" + sequence
          + " ops=" + opCount + " concurrent=" + concurrentOps + " recent<=" + recentUpTo);
    }
    index.uidNext = uidNext;
    index.sequence = sequence;
    index.opCount = opCount;
    index.concurrentOps = concurrentOps;
    index.recentUpTo = recentUpTo;
    return index;
  }

  /** Adds a message read from a checkpoint; UIDs must come in increasing order, below UIDNEXT. */
  void restoreMessage(long uid, MessageId message, Flags messageFlags, long stamp) {
    if (uid < 1 || uid >= uidNext || (size > 0 && uid <= uids[size - 1])) {
      throw new IllegalArgumentException("UID " + uid + " out of order or above UIDNEXT " + uidNext);
    }
    if (find(message.high(), message.low()) >= 0) {
      throw new IllegalArgumentException("message " + message + " twice in one checkpoint");
    }
    append((int) uid, message, interner.intern(messageFlags), stamp);
  }

  void restoreExpunged(long first, long last, long stamp) {
    if (first < 1 || last < first || last >= sequence) {
      throw new IllegalArgumentException("bad expunged range " + first + ":" + last);
    }
    expunged.addRange(first, last, stamp);
  }

  // ---- writing: ops made from this state ----

  /** An op adding these messages, made from what this state has seen. */
  public MailAdd mailAdd(List<Added> messages) {
    return new MailAdd(messages, sequence, opCount);
  }

  public MailDel mailDel(List<MessageId> messages) {
    return new MailDel(messages, opCount);
  }

  public FlagAdd flagAdd(List<MessageId> messages, Flags toAdd) {
    return new FlagAdd(messages, toAdd, opCount);
  }

  public FlagDel flagDel(List<MessageId> messages, Flags toRemove) {
    return new FlagDel(messages, toRemove, opCount);
  }

  public FlagSet flagSet(List<MessageId> messages, Flags replacement) {
    return new FlagSet(messages, replacement, opCount);
  }

  public RecentClaim recentClaim(long upTo) {
    return new RecentClaim(upTo, opCount);
  }

  // ---- applying ----

  @Override
  public UidIndex apply(UidIndexOp op) {
    switch (op) {
      case MailAdd add -> {
        long stamp = count(add);
        long hint = add.uidHint();
        for (Added added : add.messages()) {
          add(added, hint++, stamp);
        }
      }
      case MailDel del -> {
        long stamp = count(del);
        for (MessageId message : del.messages()) {
          int slot = find(message.high(), message.low());
          if (slot >= 0) {
            expunge(slot, stamp);
          }
          sequence++;
        }
        compactIfWorthIt();
      }
      case FlagAdd flagAdd -> updateFlags(flagAdd.messages(), count(flagAdd), f -> f.plus(flagAdd.flags()));
      case FlagDel flagDel -> updateFlags(flagDel.messages(), count(flagDel), f -> f.minus(flagDel.flags()));
      case FlagSet flagSet -> updateFlags(flagSet.messages(), count(flagSet), f -> flagSet.flags());
      // Not counted: no op count, no modseq, no sequence (see the class comment).
      case RecentClaim claim -> recentUpTo = Math.max(recentUpTo, claim.upTo());
    }
    return this;
  }

  /** Counts an op for mod-sequences; returns its stamp, the causal ops up to and including it. */
  private long count(UidIndexOp op) {
    // A writer's own ops all sorted after what it had seen (hybrid clock), so seen <= position;
    // anything else is treated as concurrent, the safe side for mod-sequences.
    boolean causal = op.seen() == opCount;
    opCount++;
    if (!causal) {
      concurrentOps++;
    }
    return opCount - concurrentOps;
  }

  @Override
  public UidIndex copy() {
    return new UidIndex(this);
  }

  private void add(Added added, long hint, long stamp) {
    int present = find(added.message().high(), added.message().low());
    long unseen = sequence - hint;
    if (present >= 0 && uids[present] == hint) {
      unseen--; // the entry at the hint is this very message: see the class comment
    }
    if (unseen > 0) {
      uidValidity += unseen;
    }
    if (present < 0) {
      if (sequence > MAX_UID) {
        throw new IllegalStateException("UID space exhausted in this mailbox (UID " + sequence + ")");
      }
      append((int) sequence, added.message(), interner.intern(added.flags()), stamp);
      uidNext = sequence + 1;
    }
    sequence++;
  }

  private void updateFlags(List<MessageId> messages, long stamp, UnaryOperator<Flags> change) {
    for (MessageId message : messages) {
      int slot = find(message.high(), message.low());
      if (slot >= 0) {
        flags[slot] = interner.intern(change.apply(flags[slot]));
        stamps[slot] = stamp;
      }
    }
  }

  private void append(int uid, MessageId message, Flags messageFlags, long stamp) {
    if (size == uids.length) {
      int capacity = size + (size >> 1);
      uids = Arrays.copyOf(uids, capacity);
      idHigh = Arrays.copyOf(idHigh, capacity);
      idLow = Arrays.copyOf(idLow, capacity);
      flags = Arrays.copyOf(flags, capacity);
      stamps = Arrays.copyOf(stamps, capacity);
    }
    int slot = size++;
    uids[slot] = uid;
    idHigh[slot] = message.high();
    idLow[slot] = message.low();
    flags[slot] = messageFlags;
    stamps[slot] = stamp;
    live++;
    if (size * 2 > table.length) {
      rebuildTable(table.length * 2);
    } else {
      insert(table, slot);
    }
  }

  private void expunge(int slot, long stamp) {
    flags[slot] = null;
    live--;
    expunged.add(uids[slot], stamp);
  }

  /** Compacts once holes outnumber live messages, so memory follows the mailbox, not its past. */
  private void compactIfWorthIt() {
    int holes = size - live;
    if (holes < 64 || holes < live) {
      return;
    }
    expunged = expunged.compact(this::hasLiveBetween);
    int to = 0;
    for (int from = 0; from < size; from++) {
      if (flags[from] != null) {
        uids[to] = uids[from];
        idHigh[to] = idHigh[from];
        idLow[to] = idLow[from];
        flags[to] = flags[from];
        stamps[to] = stamps[from];
        to++;
      }
    }
    Arrays.fill(flags, to, size, null);
    size = to;
    int capacity = Math.max(MIN_CAPACITY, size + (size >> 1));
    uids = Arrays.copyOf(uids, capacity);
    idHigh = Arrays.copyOf(idHigh, capacity);
    idLow = Arrays.copyOf(idLow, capacity);
    flags = Arrays.copyOf(flags, capacity);
    stamps = Arrays.copyOf(stamps, capacity);
    rebuildTable(Math.max(MIN_CAPACITY * 2, Integer.highestOneBit(Math.max(1, size)) * 4));
  }

  /** Whether a message still in the mailbox has a UID strictly between {@code low} and {@code high}. */
  private boolean hasLiveBetween(long low, long high) {
    if (high - low < 2) {
      return false;
    }
    int from = Arrays.binarySearch(uids, 0, size, (int) (low + 1));
    int slot = nextLive(from >= 0 ? from : -from - 1);
    return slot < size && uids[slot] < high;
  }

  private int nextLive(int slot) {
    while (slot < size && flags[slot] == null) {
      slot++;
    }
    return slot;
  }

  private Entry entry(int slot) {
    return new Entry(uids[slot], new MessageId(idHigh[slot], idLow[slot]), flags[slot], stamps[slot] + concurrentOps);
  }

  // ---- message id -> slot (open addressing, linear probing) ----

  private int find(long high, long low) {
    int mask = table.length - 1;
    for (int i = hash(high, low) & mask; ; i = (i + 1) & mask) {
      int entry = table[i];
      if (entry == 0) {
        return -1;
      }
      int slot = entry - 1;
      if (flags[slot] != null && idHigh[slot] == high && idLow[slot] == low) {
        return slot;
      }
    }
  }

  private void insert(int[] into, int slot) {
    int mask = into.length - 1;
    int i = hash(idHigh[slot], idLow[slot]) & mask;
    while (into[i] != 0) {
      i = (i + 1) & mask;
    }
    into[i] = slot + 1;
  }

  private void rebuildTable(int capacity) {
    int[] rebuilt = new int[capacity];
    for (int slot = 0; slot < size; slot++) {
      if (flags[slot] != null) {
        insert(rebuilt, slot);
      }
    }
    table = rebuilt;
  }

  private static int hash(long high, long low) {
    long h = (high ^ Long.rotateLeft(low, 29)) * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  // ---- equality is over what replay produced, not over how it is laid out ----

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof UidIndex other)) {
      return false;
    }
    if (uidValidity != other.uidValidity || uidNext != other.uidNext || sequence != other.sequence
        || opCount != other.opCount || concurrentOps != other.concurrentOps || recentUpTo != other.recentUpTo
        || live != other.live) {
      return false;
    }
    Iterator<Entry> mine = entries().iterator();
    Iterator<Entry> theirs = other.entries().iterator();
    while (mine.hasNext()) {
      if (!mine.next().equals(theirs.next())) {
        return false;
      }
    }
    return expunged.merged(this::hasLiveBetween).equals(other.expunged.merged(other::hasLiveBetween));
  }

  @Override
  public int hashCode() {
    return Objects.hash(uidValidity, uidNext, sequence, opCount, recentUpTo, live);
  }

  @Override
  public String toString() {
    return "UidIndex[uidvalidity=" + uidValidity + ", uidnext=" + uidNext + ", s=" + sequence + ", messages=" + live
        + ", highestmodseq=" + highestModSeq() + ", recent<=" + recentUpTo + "]";
  }
}
