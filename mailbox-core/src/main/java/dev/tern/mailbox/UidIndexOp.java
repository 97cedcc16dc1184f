package dev.tern.mailbox;

import java.util.List;
import java.util.Objects;

/**
 * An operation on one mailbox's UID index (seed 001, "IMAP UID proof"). Ops name messages by id.
 *
 * <p>Every op carries {@code seen}: how many ops its writer had applied when it made the op. It
 * costs a few bytes and lets replay tell ops that had seen everything before them from concurrent
 * ones, which is what keeps mod-sequences safe (see {@link UidIndex}).
 *
 * <p>An op may name several messages (a COPY of 500 messages is one op, one object in the store);
 * a batch behaves exactly like the same single-message ops written back to back.
 */
public sealed interface UidIndexOp {

  /** How many ops the writer had applied when it made this op. */
  long seen();

  /** A message entering the mailbox, with the flags it arrives with. */
  record Added(MessageId message, Flags flags) {
    public Added {
      Objects.requireNonNull(message);
      Objects.requireNonNull(flags);
    }
  }

  /**
   * Adds messages; {@code uidHint} is the writer's internal sequence {@code s}, the UID the first
   * message gets if no concurrent op intervened. A message already present is left as it is
   * (redelivery is idempotent).
   */
  record MailAdd(List<Added> messages, long uidHint, long seen) implements UidIndexOp {
    public MailAdd {
      messages = List.copyOf(messages);
      if (messages.isEmpty()) {
        throw new IllegalArgumentException("MailAdd names no message");
      }
      if (uidHint < 1) {
        throw new IllegalArgumentException("uid hint must be positive: " + uidHint);
      }
    }
  }

  /** Removes messages (EXPUNGE, the source side of MOVE). */
  record MailDel(List<MessageId> messages, long seen) implements UidIndexOp {
    public MailDel {
      messages = List.copyOf(messages);
      if (messages.isEmpty()) {
        throw new IllegalArgumentException("MailDel names no message");
      }
    }
  }

  /** STORE +FLAGS. */
  record FlagAdd(List<MessageId> messages, Flags flags, long seen) implements UidIndexOp {
    public FlagAdd {
      messages = List.copyOf(messages);
      Objects.requireNonNull(flags);
    }
  }

  /** STORE -FLAGS. */
  record FlagDel(List<MessageId> messages, Flags flags, long seen) implements UidIndexOp {
    public FlagDel {
      messages = List.copyOf(messages);
      Objects.requireNonNull(flags);
    }
  }

  /** STORE FLAGS: replaces the whole set. */
  record FlagSet(List<MessageId> messages, Flags flags, long seen) implements UidIndexOp {
    public FlagSet {
      messages = List.copyOf(messages);
      Objects.requireNonNull(flags);
    }
  }

  /**
   * Sessions have been told about {@code \Recent} for the UIDs up to {@code upTo} (RFC 3501
   * §2.3.2: a message is recent in the first session told of it, and only there). Kept in the log
   * so that the claim outlives the node's sessions, like Dovecot's "first recent UID" in its index
   * header. It changes no message, no UID and no mod-sequence (see {@link UidIndex}); its
   * {@code seen} is recorded like any op's, though replay has no use for it.
   */
  record RecentClaim(long upTo, long seen) implements UidIndexOp {
    public RecentClaim {
      if (upTo < 1 || upTo > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("a claim must name a UID in 1..2^32-1: " + upTo);
      }
    }
  }
}
