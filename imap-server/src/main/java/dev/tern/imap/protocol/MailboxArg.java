package dev.tern.imap.protocol;

/**
 * A mailbox name as a command gave it, decoded from modified UTF-7 (or taken as UTF-8 after
 * {@code ENABLE UTF8=ACCEPT}); {@code INBOX} in any case is spelled {@code INBOX}. The session maps
 * it onto the mailbox layer's own name type.
 */
public record MailboxArg(String name) {

  public MailboxArg {
    if (name.equalsIgnoreCase("INBOX")) {
      name = "INBOX";
    }
  }

  public boolean isInbox() {
    return name.equals("INBOX");
  }

  @Override
  public String toString() {
    return name;
  }
}
