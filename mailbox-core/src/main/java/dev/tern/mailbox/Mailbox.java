package dev.tern.mailbox;

import dev.tern.log.LogChange;
import dev.tern.log.OpLog;
import dev.tern.mailbox.UidIndexOp.Added;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One mailbox as a node holds it: its log and the UID index the log folds into, shared by every
 * session of the user on this node. Operations name messages by id; UIDs are read back from the
 * state after the op is applied. The UIDVALIDITY here is the index's own; what clients see adds
 * the mailbox list binding's offset ({@link MailboxList.Binding#uidValidity}).
 */
public final class Mailbox {

  /** Where messages landed: the index's UIDVALIDITY and each message's UID, in the order given. */
  public record Placed(long uidValidity, List<Long> uids) {}

  private final MailboxId id;
  private final OpLog<UidIndex, UidIndexOp> log;
  private int[] sharedUids;

  Mailbox(MailboxId id, OpLog<UidIndex, UidIndexOp> log) {
    this.id = Objects.requireNonNull(id);
    this.log = Objects.requireNonNull(log);
  }

  /** The UIDVALIDITY a new mailbox's index starts at: any node derives it from the id alone. */
  static long initialUidValidity(MailboxId id) {
    return 1 + Long.remainderUnsigned(id.high(), 1L << 24);
  }

  public MailboxId id() {
    return id;
  }

  /**
   * Claims the \Recent flag of messages up to {@code uid} for one session (RFC 3501: a message is
   * recent in exactly one session) and returns the UID up to which earlier sessions claimed it.
   * The claim is a {@link UidIndexOp.RecentClaim} in the mailbox's log, so it outlives this node's
   * sessions and the daemon; it is written only when it raises the claim. Sessions on this node
   * claim one at a time (the log appends one op at a time, deciding on the state synced inside
   * the append), so each message is recent in one of them; sessions on different nodes may both
   * see a message as recent, which the RFC allows when the server cannot tell.
   */
  public long claimRecent(long uid) {
    // Claims only grow: when the state as last synced already covers uid, so does the store's, and
    // there is nothing to write (a SELECT with no new mail costs no request here).
    long known = recentClaimedUpTo();
    if (uid <= known) {
      return known;
    }
    long[] before = new long[1];
    log.append(state -> {
      before[0] = state.recentUpTo();
      return uid > before[0] ? state.recentClaim(uid) : null;
    });
    return before[0];
  }

  /** The UID up to which sessions have claimed \Recent, as last synced (STATUS RECENT counts above it). */
  public long recentClaimedUpTo() {
    return log.read(UidIndex::recentUpTo);
  }

  /**
   * An array holding the first {@code count} UIDs of {@code uids}, shared with every caller that
   * passes the same UIDs: the connections' views of this mailbox hold one array between them while
   * they are in step with it. Callers must never write into the result.
   */
  synchronized int[] shareUids(int[] uids, int count) {
    int[] shared = sharedUids;
    if (shared != null && shared.length == count && Arrays.equals(shared, 0, count, uids, 0, count)) {
      return shared;
    }
    sharedUids = uids.length == count ? uids : Arrays.copyOf(uids, count);
    return sharedUids;
  }

  /** Learns other nodes' changes. */
  public LogChange sync() {
    return log.sync();
  }

  /** Learns other nodes' changes unless this node synced the mailbox less than {@code period} ago. */
  public LogChange poll(Duration period) {
    return log.syncIfOlderThan(period);
  }

  /** Reads the current index under the log's lock; {@code reader} must not keep it. */
  public <R> R read(Function<? super UidIndex, R> reader) {
    return log.read(reader);
  }

  public UidIndex snapshot() {
    return log.snapshot();
  }

  public void addListener(Consumer<LogChange> listener) {
    log.addListener(listener);
  }

  public void removeListener(Consumer<LogChange> listener) {
    log.removeListener(listener);
  }

  /**
   * Adds messages whose blobs and summaries are already durable. Returns where they landed; a
   * message already in the mailbox keeps its UID (idempotent redelivery).
   */
  public Placed add(List<Added> messages) {
    List<Added> copy = List.copyOf(messages);
    log.append(state -> state.mailAdd(copy));
    return log.read(state -> {
      List<Long> uids = new ArrayList<>(copy.size());
      for (Added added : copy) {
        uids.add(state.uidOf(added.message()));
      }
      return new Placed(state.uidValidity(), uids);
    });
  }

  /** Expunges the messages still present; returns how many were. */
  public int expunge(List<MessageId> messages) {
    int[] present = new int[1];
    log.append(state -> {
      List<MessageId> there = messages.stream().filter(state::contains).toList();
      present[0] = there.size();
      return there.isEmpty() ? null : state.mailDel(there);
    });
    return present[0];
  }

  /** How a STORE changes flags. */
  public enum FlagChange { ADD, REMOVE, REPLACE }

  /** What a STORE did: the messages whose flags it changed, and those a condition left alone. */
  public record Stored(Set<MessageId> changed, Set<MessageId> modified) {
    public Stored {
      changed = Set.copyOf(changed);
      modified = Set.copyOf(modified);
    }
  }

  /** Changes the flags of the messages still present. */
  public void storeFlags(List<MessageId> messages, FlagChange change, Flags flags) {
    storeFlags(messages, change, flags, Long.MAX_VALUE);
  }

  /**
   * Changes the flags of the messages still present whose mod-sequence is at most
   * {@code unchangedSince} (CONDSTORE's UNCHANGEDSINCE; {@code Long.MAX_VALUE} for none). The test
   * is made on the state synced inside the append, so no STORE on this node slips between it and
   * the write; a message that fails it is in {@link Stored#modified} even if its flags already
   * are as asked (RFC 7162 §3.1.3 tests the mod-sequence, not the outcome).
   */
  public Stored storeFlags(List<MessageId> messages, FlagChange change, Flags flags, long unchangedSince) {
    Set<MessageId> changed = new HashSet<>();
    Set<MessageId> modified = new HashSet<>();
    log.append(state -> {
      changed.clear(); // the append may ask again, on a newer state
      modified.clear();
      for (MessageId message : messages) {
        Flags now = state.flagsOf(message);
        if (now == null) {
          continue;
        }
        if (state.modSeqOf(message) > unchangedSince) {
          modified.add(message);
          continue;
        }
        // Only messages whose flags would change: a STORE that changes nothing writes nothing.
        if (!now.equals(switch (change) {
          case ADD -> now.plus(flags);
          case REMOVE -> now.minus(flags);
          case REPLACE -> flags;
        })) {
          changed.add(message);
        }
      }
      if (changed.isEmpty()) {
        return null;
      }
      List<MessageId> there = messages.stream().filter(changed::contains).toList();
      return switch (change) {
        case ADD -> state.flagAdd(there, flags);
        case REMOVE -> state.flagDel(there, flags);
        case REPLACE -> state.flagSet(there, flags);
      };
    });
    return new Stored(changed, modified);
  }
}
