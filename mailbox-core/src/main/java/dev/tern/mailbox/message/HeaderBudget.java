package dev.tern.mailbox.message;

import java.util.ArrayList;
import java.util.List;

/**
 * Which top-level header fields a summary keeps for SEARCH and FETCH of header fields: all of them
 * in order while they fit in {@link #TOTAL} bytes (names plus values), each value cut at {@link
 * #MAX_VALUE}. Fields other than those SEARCH, SORT and THREAD use ({@link #PRIORITY}) may only use
 * the first {@link #OTHERS} bytes, so a header full of Received lines never crowds those out.
 * {@link #truncated()} tells whether anything was dropped or cut: FETCH of such a field then has to
 * read the blob.
 */
final class HeaderBudget {

  static final int TOTAL = 64 * 1024;
  static final int OTHERS = 32 * 1024;
  static final int MAX_VALUE = 16 * 1024;
  static final List<String> PRIORITY = List.of(
      "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
      "Sender", "Reply-To");

  private final List<HeaderField> fields = new ArrayList<>();
  private int used;
  private boolean truncated;

  void add(String name, String value, boolean alreadyTruncated) {
    if (alreadyTruncated) {
      truncated = true;
    }
    boolean priority = PRIORITY.stream().anyMatch(p -> ByteString.equalsIgnoreCase(p, name));
    int limit = priority ? TOTAL : OTHERS;
    String kept = value;
    if (kept.length() > MAX_VALUE) {
      kept = kept.substring(0, MAX_VALUE);
      truncated = true;
    }
    int room = limit - used - name.length();
    if (room <= 0) {
      truncated = true;
      return;
    }
    if (kept.length() > room) {
      kept = kept.substring(0, room);
      truncated = true;
    }
    fields.add(new HeaderField(name, kept));
    used += name.length() + kept.length();
  }

  List<HeaderField> fields() {
    return fields;
  }

  boolean truncated() {
    return truncated;
  }
}
