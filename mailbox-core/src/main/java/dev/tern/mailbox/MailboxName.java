package dev.tern.mailbox;

import java.util.ArrayList;
import java.util.List;

/**
 * A mailbox name as the user sees it, hierarchy delimiter {@code /}. {@code INBOX} is
 * case-insensitive (RFC 3501 §5.1), so any spelling of it, alone or as the first level, is
 * stored as {@code INBOX}; other names are case-sensitive, as in Dovecot.
 */
public record MailboxName(String value) implements Comparable<MailboxName> {

  public static final char DELIMITER = '/';
  public static final MailboxName INBOX = new MailboxName("INBOX");
  private static final int MAX_LENGTH = 1_000;

  public MailboxName {
    value = normalise(value);
  }

  public static MailboxName of(String name) {
    return new MailboxName(name);
  }

  private static String normalise(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a mailbox name must not be empty");
    }
    if (name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("mailbox name longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw new IllegalArgumentException("mailbox name contains a control character");
      }
    }
    if (name.charAt(0) == DELIMITER || name.charAt(name.length() - 1) == DELIMITER || name.contains("//")) {
      throw new IllegalArgumentException("mailbox name has an empty level: " + name);
    }
    int end = name.indexOf(DELIMITER);
    String first = end < 0 ? name : name.substring(0, end);
    return first.equalsIgnoreCase("INBOX") ? "INBOX" + name.substring(first.length()) : name;
  }

  public boolean isInbox() {
    return value.equals("INBOX");
  }

  /** The names of the levels above this one, outermost first: {@code a}, {@code a/b} for {@code a/b/c}. */
  public List<MailboxName> ancestors() {
    List<MailboxName> ancestors = new ArrayList<>();
    for (int i = value.indexOf(DELIMITER); i >= 0; i = value.indexOf(DELIMITER, i + 1)) {
      ancestors.add(new MailboxName(value.substring(0, i)));
    }
    return ancestors;
  }

  /** Whether {@code other} is below this name in the hierarchy. */
  public boolean isAncestorOf(MailboxName other) {
    return other.value.length() > value.length() + 1
        && other.value.startsWith(value)
        && other.value.charAt(value.length()) == DELIMITER;
  }

  /** This name with the prefix {@code from} replaced by {@code to} (renaming a subtree). */
  public MailboxName movedUnder(MailboxName from, MailboxName to) {
    if (!equals(from) && !from.isAncestorOf(this)) {
      throw new IllegalArgumentException(this + " is not " + from + " or below it");
    }
    return new MailboxName(to.value + value.substring(from.value.length()));
  }

  @Override
  public int compareTo(MailboxName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
