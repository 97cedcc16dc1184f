package dev.tern.mailbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What one connection's client knows of its selected mailbox: the UIDs in sequence-number order,
 * the UIDVALIDITY and HIGHESTMODSEQ it was told. Sequence numbers exist only here. {@link #sync}
 * compares this with the shared mailbox and says what to tell the client, at the moments the
 * protocol allows: new messages and flag changes at any command end, expunges only when the
 * caller may renumber (RFC 3501 §7.4.1: not during FETCH, STORE or SEARCH by sequence number).
 *
 * <p>Memory: a few counters and an {@code int} per message, in an array shared by every view in
 * step with the mailbox (one per mailbox, not per connection), never a copy of the mailbox.
 * Never writes into {@code uids}, which may be shared. Not thread-safe: a connection runs its commands one at a time.
 */
public final class MailboxView {

  /** What changed since the client was last told, in the order to tell it. */
  public sealed interface Update {}

  /** {@code * n EXPUNGE}: sequence number as of the moment it is sent (earlier expunges applied). */
  public record Expunge(int sequence, long uid) implements Update {}

  /** {@code * n EXISTS}. */
  public record Exists(int count) implements Update {}

  /** {@code * n FETCH (FLAGS ...)} for a message whose flags changed. */
  public record FlagsChanged(int sequence, long uid, Flags flags, long modSeq) implements Update {}

  /** The mailbox's UIDVALIDITY changed: nothing the client knows holds; the session must end. */
  public record UidValidityChanged(long uidValidity) implements Update {}

  private final Mailbox mailbox;
  private final long offset; // binding offset: UIDVALIDITY shown = index + offset
  private long uidValidity;
  private long highestModSeq;
  private int[] uids;
  private int count;
  private boolean expungesDeferred;

  /** A view of everything in the mailbox now. */
  public MailboxView(Mailbox mailbox, long uidValidityOffset) {
    this.mailbox = Objects.requireNonNull(mailbox);
    this.offset = uidValidityOffset;
    mailbox.read(state -> {
      uidValidity = state.uidValidity();
      highestModSeq = state.highestModSeq();
      int[] all = new int[state.size()];
      for (UidIndex.Entry entry : state.entries()) {
        all[count++] = (int) entry.uid();
      }
      uids = mailbox.shareUids(all, count);
      return null;
    });
  }

  public Mailbox mailbox() {
    return mailbox;
  }

  /** The UIDVALIDITY the client was told. */
  public long uidValidity() {
    return uidValidity + offset;
  }

  public long highestModSeq() {
    return highestModSeq;
  }

  /** How many messages the client knows (its EXISTS). */
  public int count() {
    return count;
  }

  /** The UID at sequence number {@code sequence} (1-based). */
  public long uidAt(int sequence) {
    if (sequence < 1 || sequence > count) {
      throw new IndexOutOfBoundsException("no message " + sequence + " of " + count);
    }
    return uids[sequence - 1] & 0xFFFF_FFFFL;
  }

  /** The sequence number of {@code uid}, or 0 when the client does not know it. */
  public int sequenceOf(long uid) {
    int found = Arrays.binarySearch(uids, 0, count, (int) uid);
    return found >= 0 ? found + 1 : 0;
  }

  /** The largest UID the client knows, or 0. */
  public long lastUid() {
    return count == 0 ? 0 : uidAt(count);
  }

  /**
   * Brings the view up to date and returns what to tell the client. With
   * {@code mayExpunge} false, expunged messages stay in the view (their data may no longer be
   * readable) until a later sync may report them.
   */
  public List<Update> sync(boolean mayExpunge) {
    return mailbox.read(state -> {
      List<Update> updates = new ArrayList<>();
      if (state.uidValidity() != uidValidity) {
        uidValidity = state.uidValidity();
        updates.add(new UidValidityChanged(uidValidity + offset));
        return updates;
      }
      if (state.highestModSeq() == highestModSeq && !(expungesDeferred && mayExpunge)) {
        // Every op raises HIGHESTMODSEQ but a \Recent claim, which changes nothing a view shows.
        return updates;
      }
      boolean flagsMayHaveChanged = state.highestModSeq() > highestModSeq;
      expungesDeferred = false;
      int[] kept = new int[Math.max(8, count + Math.max(0, state.size() - count))];
      int keptCount = 0;
      // Expunges, in ascending order, each numbered after the ones before it were removed.
      int removed = 0;
      for (int i = 0; i < count; i++) {
        long uid = uids[i] & 0xFFFF_FFFFL;
        UidIndex.Entry entry = state.byUid(uid);
        if (entry == null) {
          if (mayExpunge) {
            updates.add(new Expunge(i + 1 - removed, uid));
            removed++;
            continue;
          }
          expungesDeferred = true;
        }
        kept = grow(kept, keptCount);
        kept[keptCount++] = uids[i];
      }
      // Flag changes of messages the client keeps, numbered after the expunges above.
      for (int i = 0; i < keptCount; i++) {
        UidIndex.Entry entry = state.byUid(kept[i] & 0xFFFF_FFFFL);
        if (flagsMayHaveChanged && entry != null && entry.modSeq() > highestModSeq) {
          updates.add(new FlagsChanged(i + 1, entry.uid(), entry.flags(), entry.modSeq()));
        }
      }
      // New messages: UIDs only grow, so they follow everything known.
      long lastKnown = lastUid();
      int before = keptCount;
      for (UidIndex.Entry entry : state.entries()) {
        if (entry.uid() > lastKnown) {
          kept = grow(kept, keptCount);
          kept[keptCount++] = (int) entry.uid();
        }
      }
      if (keptCount != before) {
        updates.add(new Exists(keptCount)); // new messages' flags come with the client's own FETCH
      }
      // In step with the mailbox (the usual case), the view shares one array with every other
      // view in step; a view that holds back expunges keeps its own.
      uids = expungesDeferred ? kept : mailbox.shareUids(kept, keptCount);
      count = keptCount;
      highestModSeq = Math.max(highestModSeq, state.highestModSeq());
      return updates;
    });
  }

  private static int[] grow(int[] array, int used) {
    return used < array.length ? array : Arrays.copyOf(array, Math.max(8, array.length + (array.length >> 1)));
  }
}
