package dev.tern.mailbox;

import java.util.Objects;
import java.util.Set;

/**
 * An operation on a user's mailbox list. The log applies them in timestamp order, so "last writer
 * wins" is simply the later op. Each op that takes a mailbox off a name carries that mailbox's
 * UIDVALIDITY at the time, so the name's next mailbox starts above it.
 */
public sealed interface MailboxListOp {

  /**
   * Binds {@code name} to a new mailbox whose index starts at {@code uidValidity}. A concurrent
   * create of the same name loses to the later one.
   */
  record Create(MailboxName name, MailboxId id, long uidValidity, Set<String> specialUse) implements MailboxListOp {
    public Create {
      Objects.requireNonNull(name);
      Objects.requireNonNull(id);
      specialUse = Set.copyOf(specialUse);
      if (uidValidity < 1) {
        throw new IllegalArgumentException("UIDVALIDITY must be positive: " + uidValidity);
      }
    }
  }

  /** Removes {@code name} if it still names mailbox {@code id} (a newer mailbox there is kept). */
  record Delete(MailboxName name, MailboxId id, long uidValidityNow) implements MailboxListOp {
    public Delete {
      Objects.requireNonNull(name);
      Objects.requireNonNull(id);
    }
  }

  /**
   * Moves mailbox {@code id} from {@code from} to {@code to}, if it is still at {@code from} and
   * {@code to} is free; otherwise nothing happens (the writer sees it and answers NO).
   */
  record Rename(MailboxName from, MailboxName to, MailboxId id, long uidValidityNow) implements MailboxListOp {
    public Rename {
      Objects.requireNonNull(from);
      Objects.requireNonNull(to);
      Objects.requireNonNull(id);
    }
  }

  record Subscribe(MailboxName name) implements MailboxListOp {
    public Subscribe {
      Objects.requireNonNull(name);
    }
  }

  record Unsubscribe(MailboxName name) implements MailboxListOp {
    public Unsubscribe {
      Objects.requireNonNull(name);
    }
  }

  /** Replaces the SPECIAL-USE attributes ({@code \Sent}, {@code \Trash}...) of the mailbox at {@code name}. */
  record SetSpecialUse(MailboxName name, MailboxId id, Set<String> specialUse) implements MailboxListOp {
    public SetSpecialUse {
      Objects.requireNonNull(name);
      Objects.requireNonNull(id);
      specialUse = Set.copyOf(specialUse);
    }
  }
}
