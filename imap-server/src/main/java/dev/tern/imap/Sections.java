package dev.tern.imap;

import dev.tern.imap.protocol.FetchAttribute;
import dev.tern.imap.protocol.FetchAttribute.Section;
import dev.tern.imap.protocol.FetchAttribute.SectionText;
import dev.tern.imap.protocol.ImapWriter;
import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.message.MessageSummary;
import dev.tern.mailbox.MessageStore;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * FETCH body sections: the byte range of the message a section names, read with a ranged
 * decryption of the blob (only the segments covering it) and sent as a streamed literal;
 * {@code HEADER.FIELDS} is filtered from the header, which is bounded.
 */
final class Sections {

  /** Headers longer than this are cut for HEADER.FIELDS filtering. */
  private static final int MAX_HEADER = 1 << 20;

  private Sections() {}

  static Section whole() {
    return Section.WHOLE;
  }

  static Section header() {
    return new Section(List.of(), SectionText.HEADER, List.of());
  }

  static Section text() {
    return new Section(List.of(), SectionText.TEXT, List.of());
  }

  /** The section as the response names it: {@code 1.2.HEADER.FIELDS (FROM TO)}. */
  static String spec(Section section) {
    StringBuilder spec = new StringBuilder(section.part().stream().map(String::valueOf).collect(Collectors.joining(".")));
    String text = switch (section.text()) {
      case NONE -> "";
      case HEADER -> "HEADER";
      case HEADER_FIELDS -> "HEADER.FIELDS (" + String.join(" ", section.fields()) + ")";
      case HEADER_FIELDS_NOT -> "HEADER.FIELDS.NOT (" + String.join(" ", section.fields()) + ")";
      case TEXT -> "TEXT";
      case MIME -> "MIME";
    };
    if (!text.isEmpty() && !spec.isEmpty()) {
      spec.append('.');
    }
    return spec.append(text).toString();
  }

  static void write(ImapWriter.Response response, MessageStore store, MessageId id, MessageSummary summary,
      Section section, FetchAttribute.Partial partial) {
    Part part = Structure.locate(summary, section.part(), section.text());
    if (part == null) {
      response.literal(new byte[0]); // a part that does not exist: empty, as Dovecot answers
      return;
    }
    switch (section.text()) {
      // BODY[] is the whole message; BODY[1] a part's body (for a message/rfc822 part, the whole
      // encapsulated message).
      case NONE -> range(response, store, id, section.part().isEmpty() ? part.headerStart() : part.bodyStart(),
          part.end(), partial);
      case TEXT -> range(response, store, id, part.bodyStart(), part.end(), partial);
      case HEADER, MIME -> range(response, store, id, part.headerStart(), part.bodyStart(), partial);
      case HEADER_FIELDS, HEADER_FIELDS_NOT -> {
        byte[] header = read(store, id, part.headerStart(), Math.min(part.bodyStart(), part.headerStart() + MAX_HEADER));
        byte[] filtered = filter(header, section.fields(), section.text() == SectionText.HEADER_FIELDS);
        byte[] cut = cut(filtered, partial);
        withoutNul(cut, 0, cut.length);
        response.literal(cut);
      }
    }
  }

  /** Where a part's header starts, its body starts and its body ends, in message bytes. */
  record Part(long headerStart, long bodyStart, long end) {}

  private static void range(ImapWriter.Response response, MessageStore store, MessageId id, long from, long to,
      FetchAttribute.Partial partial) {
    long start = from;
    long length = Math.max(0, to - start);
    if (partial != null) {
      long offset = Math.min(partial.start(), length);
      start += offset;
      length = Math.min(partial.count(), length - offset);
    }
    if (length == 0) {
      response.literal(new byte[0]);
      return;
    }
    try (InputStream in = new WithoutNul(store.openBlob(id, start, length))) {
      response.literal(length, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** NUL becomes 0x80, as Dovecot sends it: IMAP forbids NUL in a literal outside BINARY (RFC 3516). */
  private static void withoutNul(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == 0) {
        bytes[i] = (byte) 0x80;
      }
    }
  }

  /** A message stream with NUL sent as 0x80 (same length). */
  private static final class WithoutNul extends FilterInputStream {
    WithoutNul(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      return b == 0 ? 0x80 : b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        withoutNul(buffer, offset, n);
      }
      return n;
    }
  }

  static byte[] read(MessageStore store, MessageId id, long from, long to) {
    try (InputStream in = store.openBlob(id, from, Math.max(0, to - from))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] cut(byte[] bytes, FetchAttribute.Partial partial) {
    if (partial == null) {
      return bytes;
    }
    int from = (int) Math.min(partial.start(), bytes.length);
    int to = (int) Math.min(bytes.length, from + Math.min(partial.count(), Integer.MAX_VALUE));
    return java.util.Arrays.copyOfRange(bytes, from, to);
  }

  /** The fields of {@code header} named (or, with {@code keep} false, not named) in {@code names}, then CRLF. */
  static byte[] filter(byte[] header, List<String> names, boolean keep) {
    Set<String> wanted = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < header.length) {
      int end = i;
      // A field runs to the next line that does not start with whitespace.
      while (end < header.length) {
        int eol = indexOf(header, (byte) '\n', end);
        end = eol < 0 ? header.length : eol + 1;
        if (end >= header.length || (header[end] != ' ' && header[end] != '\t')) {
          break;
        }
      }
      int colon = indexOf(header, (byte) ':', i);
      boolean blank = end - i <= 2 && (header[i] == '\r' || header[i] == '\n');
      if (!blank && colon > i && colon < end) {
        String name = new String(header, i, colon - i, StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT);
        if (wanted.contains(name) == keep) {
          out.write(header, i, end - i);
        }
      }
      i = end;
    }
    out.write('\r');
    out.write('\n');
    return out.toByteArray();
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
