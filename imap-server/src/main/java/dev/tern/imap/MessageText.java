package dev.tern.imap;

import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.MessageStore;
import dev.tern.mailbox.message.HeaderField;
import dev.tern.mailbox.message.MessageSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * A message's text for SEARCH: the top-level header fields, unfolded with encoded words decoded
 * (from the summary, or from the blob with at most {@value #MAX_HEADER_CHARS} characters kept
 * when the summary left some out), and the decoded text parts, streamed from
 * the blob each time a body key needs them, so a large message is never held whole.
 */
final class MessageText {

  private static final int MAX_HEADER_CHARS = 64 * 1024;

  private final MessageStore store;
  private final MessageId id;
  private final List<String[]> headers;

  private MessageText(MessageStore store, MessageId id, List<String[]> headers) {
    this.store = store;
    this.id = id;
    this.headers = headers;
  }

  /**
   * The text of a message, its header fields taken from the summary (no blob read) unless the
   * summary had to leave some out.
   */
  static MessageText of(MessageStore store, MessageId id, MessageSummary summary) {
    if (summary.headersTruncated()) {
      return read(store, id);
    }
    List<String[]> headers = new ArrayList<>(summary.headers().size());
    for (HeaderField field : summary.headers()) {
      String unfolded = field.value().replace("\n", ""); // RFC 5322 §2.2.3: the blanks stay
      headers.add(new String[] {field.name(), DecoderUtil.decodeEncodedWords(utf8IfValid(unfolded), DecodeMonitor.SILENT)});
    }
    return new MessageText(store, id, headers);
  }

  /** A byte string (one char per byte) read as UTF-8 when it is valid UTF-8 (RFC 6532), else as is. */
  private static String utf8IfValid(String bytes) {
    if (bytes.chars().allMatch(c -> c < 0x80)) {
      return bytes;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1))).toString();
    } catch (CharacterCodingException e) {
      return bytes;
    }
  }

  static MessageText read(MessageStore store, MessageId id) {
    List<String[]> headers = new ArrayList<>();
    int[] kept = {0};
    parse(store, id, new AbstractContentHandler() {
      int depth;

      @Override
      public void startMessage() {
        depth++;
      }

      @Override
      public void endMessage() {
        depth--;
      }

      @Override
      public void field(Field field) throws MimeException {
        if (depth == 1 && kept[0] < MAX_HEADER_CHARS) {
          String value = DecoderUtil.decodeEncodedWords(field.getBody(), DecodeMonitor.SILENT);
          kept[0] += value.length();
          headers.add(new String[] {field.getName(), value});
        }
      }

      @Override
      public void endHeader() throws MimeException {
        if (depth == 1) {
          throw new StopParsing();
        }
      }
    });
    return new MessageText(store, id, headers);
  }

  /** Whether header {@code name} (any header when null) contains {@code needle}; an empty needle matches presence. */
  boolean headerContains(String name, String needle) {
    String folded = Search.fold(needle);
    for (String[] header : headers) {
      if (name == null || header[0].equalsIgnoreCase(name)) {
        if (folded.isEmpty() || Search.fold(header[1]).contains(folded)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The day of the Date: header, in its own zone, or null. */
  LocalDate sentDate() {
    for (String[] header : headers) {
      if (header[0].equalsIgnoreCase("Date")) {
        String value = header[1].replaceAll("\\s*\\([^)]*\\)\\s*$", "").trim().replaceAll("\\s+", " ");
        try {
          return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toLocalDate();
        } catch (DateTimeParseException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** Whether a text part (decoded) contains {@code needle}, case-insensitively. */
  boolean bodyContains(String needle) {
    String folded = Search.fold(needle);
    if (folded.isEmpty()) {
      return true;
    }
    boolean[] found = {false};
    parse(store, id, new AbstractContentHandler() {
      @Override
      public void body(BodyDescriptor descriptor, InputStream body) throws IOException {
        if (!found[0] && descriptor.getMimeType().toLowerCase(Locale.ROOT).startsWith("text/")
            && contains(new InputStreamReader(body, charset(descriptor.getCharset())), folded)) {
          found[0] = true;
          throw new StopParsing();
        }
      }
    });
    return found[0];
  }

  /** Substring search over a stream, keeping only the needle's length of overlap between reads. */
  static boolean contains(Reader reader, String foldedNeedle) throws IOException {
    char[] buffer = new char[8192];
    StringBuilder window = new StringBuilder();
    int n;
    while ((n = reader.read(buffer)) > 0) {
      window.append(buffer, 0, n);
      if (Search.fold(window.toString()).contains(foldedNeedle)) {
        return true;
      }
      int keep = Math.max(0, foldedNeedle.length() - 1);
      window.delete(0, Math.max(0, window.length() - keep));
    }
    return false;
  }

  private static Charset charset(String name) {
    try {
      return name == null ? StandardCharsets.US_ASCII : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return StandardCharsets.ISO_8859_1;
    }
  }

  /** Thrown by a handler that has what it needs. */
  private static final class StopParsing extends RuntimeException {
    StopParsing() {
      super(null, null, false, false);
    }
  }

  private static void parse(MessageStore store, MessageId id, AbstractContentHandler handler) {
    MimeConfig config = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1).build();
    MimeStreamParser parser = new MimeStreamParser(config);
    parser.setContentDecoding(true);
    parser.setContentHandler(handler);
    try (InputStream in = store.openBlob(id)) {
      parser.parse(in);
    } catch (StopParsing e) {
      // done early
    } catch (MimeException e) {
      // a malformed message: search what was read
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
