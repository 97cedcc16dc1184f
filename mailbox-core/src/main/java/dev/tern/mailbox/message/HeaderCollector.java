package dev.tern.mailbox.message;

import org.apache.james.mime4j.stream.FieldBuilder;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.util.ByteArrayBuffer;
import org.apache.james.mime4j.util.RecycledByteArrayBuffer;

/**
 * The mime4j {@link FieldBuilder} of one entity: mime4j hands it every header line, line break
 * included (all but the blank line that ends the header), so it counts the header's exact bytes and
 * line feeds, and it splits each field into name and value the way Dovecot's header parser does
 * before passing it to {@link PartData}. It returns no field to mime4j: mime4j needs none, since
 * {@link PartData} tells it the structure.
 */
final class HeaderCollector implements FieldBuilder {

  /** At most this much of one field is kept; the rest is counted and dropped. */
  static final int MAX_FIELD_BYTES = 64 * 1024;

  private final PartData part;
  private final ByteString field = new ByteString(256);
  private boolean fieldTruncated;
  private long bytes;
  private long lines;
  private long bareLineFeeds;
  private int previous;

  HeaderCollector(PartData part) {
    this.part = part;
  }

  /** Header bytes seen so far, from the start of the entity. */
  long bytes() {
    return bytes;
  }

  long lines() {
    return lines;
  }

  long bareLineFeeds() {
    return bareLineFeeds;
  }

  /** The last header byte, 0 if none. */
  int lastByte() {
    return previous;
  }

  @Override
  public void reset() {
    field.clear();
    fieldTruncated = false;
  }

  @Override
  public void append(ByteArrayBuffer line) {
    byte[] buffer = line.buffer();
    int length = line.length();
    int prev = previous;
    for (int i = 0; i < length; i++) {
      int b = buffer[i];
      if (b == '\n') {
        lines++;
        if (prev != '\r') {
          bareLineFeeds++;
        }
      }
      prev = b;
    }
    if (length > 0) {
      previous = prev;
    }
    bytes += length;
    int room = MAX_FIELD_BYTES - field.length();
    if (length > room) {
      fieldTruncated = true;
    }
    field.append(buffer, 0, Math.min(room, length));
  }

  @Override
  public RawField build() {
    if (field.length() > 0) {
      parseField();
    }
    return null; // mime4j skips the field: PartData has it
  }

  @Override
  public RecycledByteArrayBuffer getRaw() {
    return null;
  }

  @Override
  public void release() {
  }

  /**
   * Name: the first line up to its first colon, blanks before the colon dropped (a line without a
   * colon is no field at all, as for Dovecot's envelope and MIME parsing). Value: the rest of the first line with leading blanks skipped (all but one
   * if it is only blanks), then each continuation line after an LF. CRs before LFs are dropped.
   */
  private void parseField() {
    String raw = field.toString();
    int lineEnd = raw.indexOf('\n');
    int next = lineEnd < 0 ? raw.length() : lineEnd + 1;
    String first = content(raw, 0, lineEnd < 0 ? raw.length() : lineEnd);
    String name;
    StringBuilder value = new StringBuilder();
    int colon = first.indexOf(':');
    if (colon < 0) {
      return; // Dovecot's parser makes the whole line the name of an empty field; nothing uses it
    } else {
      int nameEnd = colon;
      while (nameEnd > 0 && isLwsp(first.charAt(nameEnd - 1))) {
        nameEnd--;
      }
      name = first.substring(0, nameEnd);
      int start = colon + 1;
      int p = start;
      while (p < first.length() && isLwsp(first.charAt(p))) {
        p++;
      }
      if (p == first.length()) {
        p = start < first.length() && isLwsp(first.charAt(start)) ? start + 1 : start;
      }
      value.append(first, p, first.length());
    }
    while (next < raw.length()) {
      lineEnd = raw.indexOf('\n', next);
      int end = lineEnd < 0 ? raw.length() : lineEnd;
      value.append('\n').append(content(raw, next, end));
      next = end + 1;
    }
    part.onField(name, value.toString(), fieldTruncated);
  }

  private static String content(String raw, int start, int lfIndex) {
    int end = lfIndex;
    if (end > start && end < raw.length() && raw.charAt(end - 1) == '\r') {
      end--;
    }
    return raw.substring(start, end);
  }

  private static boolean isLwsp(char c) {
    return c == ' ' || c == '\t';
  }
}
