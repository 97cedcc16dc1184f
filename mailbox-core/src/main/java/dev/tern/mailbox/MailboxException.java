package dev.tern.mailbox;

/**
 * A mailbox operation refused for a reason the client can act on. The protocol layers map the
 * reason to their own codes in one place (IMAP: {@code NO [NONEXISTENT]}, {@code NO [ALREADYEXISTS]}...).
 */
public final class MailboxException extends RuntimeException {

  public enum Reason {
    /** The named mailbox does not exist. */
    NONEXISTENT,
    /** The target name is taken. */
    ALREADYEXISTS,
    /** The operation can never succeed as asked (deleting INBOX, renaming a mailbox under itself). */
    CANNOT,
  }

  private final Reason reason;

  public MailboxException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
