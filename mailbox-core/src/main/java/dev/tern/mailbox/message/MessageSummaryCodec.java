package dev.tern.mailbox.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link MessageSummary} as CBOR (Jackson's streaming API), for {@code meta/<msg-id>}.
 *
 * <p>Format version 1, positional arrays; strings are CBOR byte strings (the message's bytes),
 * absent values CBOR null:
 * <pre>
 * summary   [1, internalDate epoch second, its UTC offset in seconds, physicalSize,
 *            size - physicalSize, flags (1 = headers truncated, 2 = structure truncated),
 *            [name, value, name, value, ...],       the header fields
 *            part]                                  the root
 * part      [kind (0 TEXT, 1 MULTIPART, 2 MESSAGE, 3 BASIC), content | null, envelope | null,
 *            gap, header length, body length, header size - length, body size - length,
 *            body lines, [part, ...]]
 * content   [type, subtype, [name, value, ...], id, description, encoding, md5,
 *            disposition, [name, value, ...], [language, ...], location]
 * envelope  [date, subject, [from...], [sender...], [reply-to...], [to...], [cc...], [bcc...],
 *            in-reply-to, message-id]
 * </pre>
 * Offsets are stored as lengths: a part starts {@code gap} bytes after the end of the previous
 * sibling (after the parent's body start for a first child), so small messages cost a few bytes
 * per part. In the root's envelope a value equal to a header field's value is stored as that
 * field's index (an integer) instead of a second copy. A reader rejects anything else with an
 * {@link IOException}.
 */
public final class MessageSummaryCodec {

  public static final int VERSION = 1;
  private static final int HEADERS_TRUNCATED = 1;
  private static final int STRUCTURE_TRUNCATED = 2;
  /** Deeper than the parser ever nests; a bound for the reader's recursion. */
  private static final int MAX_DEPTH = 2 * ParseState.MAX_DEPTH + 2;
  private static final Part.Kind[] KINDS = Part.Kind.values();

  private static final CBORFactory FACTORY = CBORFactory.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
      .build();

  private MessageSummaryCodec() {
  }

  public static byte[] encode(MessageSummary summary) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      write(summary, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }

  public static MessageSummary decode(byte[] bytes) throws IOException {
    return read(new ByteArrayInputStream(bytes));
  }

  public static void write(MessageSummary summary, OutputStream out) throws IOException {
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      gen.writeStartArray();
      gen.writeNumber(VERSION);
      gen.writeNumber(summary.internalDate().toEpochSecond());
      gen.writeNumber(summary.internalDate().getOffset().getTotalSeconds());
      gen.writeNumber(summary.physicalSize());
      gen.writeNumber(summary.size() - summary.physicalSize());
      gen.writeNumber((summary.headersTruncated() ? HEADERS_TRUNCATED : 0)
          | (summary.structureTruncated() ? STRUCTURE_TRUNCATED : 0));
      gen.writeStartArray();
      for (HeaderField field : summary.headers()) {
        bytes(gen, field.name());
        bytes(gen, field.value());
      }
      gen.writeEndArray();
      writePart(gen, summary.body(), summary.body().headerOffset(), new HeaderRefs(summary.headers()));
      gen.writeEndArray();
    }
  }

  public static MessageSummary read(InputStream in) throws IOException {
    try (JsonParser parser = FACTORY.createParser(in)) {
      Reader r = new Reader(parser);
      r.startArray();
      long version = r.number();
      if (version != VERSION) {
        throw new IOException("message summary format version " + version + " is not one this node reads (" + VERSION + ")");
      }
      long epochSecond = r.number();
      long offsetSeconds = r.number();
      if (offsetSeconds < -18 * 3600 || offsetSeconds > 18 * 3600) {
        throw new IOException("UTC offset out of range: " + offsetSeconds);
      }
      long physicalSize = r.number();
      long extra = r.number();
      long flags = r.number();
      List<HeaderField> headers = new ArrayList<>();
      r.startArray();
      while (r.nextIsNotEnd()) {
        String name = r.currentBytes();
        headers.add(new HeaderField(name, r.bytes()));
      }
      r.next();
      Part root = r.part(0, 0, headers);
      r.endArray();
      r.end();
      OffsetDateTime date;
      try {
        date = OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.ofTotalSeconds((int) offsetSeconds));
      } catch (RuntimeException e) {
        throw new IOException("bad internal date: " + e.getMessage(), e);
      }
      try {
        return new MessageSummary(date, physicalSize, physicalSize + extra, root, headers,
            (flags & HEADERS_TRUNCATED) != 0, (flags & STRUCTURE_TRUNCATED) != 0);
      } catch (RuntimeException e) {
        throw new IOException("inconsistent message summary: " + e.getMessage(), e);
      }
    }
  }

  // ---- writing ----

  private static void writePart(JsonGenerator gen, Part part, long start, HeaderRefs refs) throws IOException {
    gen.writeStartArray();
    gen.writeNumber(part.kind().ordinal());
    writeContent(gen, part.content());
    writeEnvelope(gen, part.envelope(), refs);
    gen.writeNumber(part.headerOffset() - start);
    gen.writeNumber(part.bodyOffset() - part.headerOffset());
    gen.writeNumber(part.endOffset() - part.bodyOffset());
    gen.writeNumber(part.headerSize() - (part.bodyOffset() - part.headerOffset()));
    gen.writeNumber(part.bodySize() - (part.endOffset() - part.bodyOffset()));
    gen.writeNumber(part.bodyLines());
    gen.writeStartArray();
    long next = part.bodyOffset();
    for (Part child : part.children()) {
      writePart(gen, child, next, HeaderRefs.NONE);
      next = child.endOffset();
    }
    gen.writeEndArray();
    gen.writeEndArray();
  }

  private static void writeContent(JsonGenerator gen, ContentFields c) throws IOException {
    if (c.equals(ContentFields.NONE)) {
      gen.writeNull();
      return;
    }
    gen.writeStartArray();
    bytes(gen, c.type());
    bytes(gen, c.subtype());
    params(gen, c.params());
    bytes(gen, c.id());
    bytes(gen, c.description());
    bytes(gen, c.transferEncoding());
    bytes(gen, c.md5());
    bytes(gen, c.disposition());
    params(gen, c.dispositionParams());
    gen.writeStartArray();
    for (String tag : c.language()) {
      bytes(gen, tag);
    }
    gen.writeEndArray();
    bytes(gen, c.location());
    gen.writeEndArray();
  }

  private static void params(JsonGenerator gen, List<Param> params) throws IOException {
    gen.writeStartArray();
    for (Param p : params) {
      bytes(gen, p.name());
      bytes(gen, p.value());
    }
    gen.writeEndArray();
  }

  private static void writeEnvelope(JsonGenerator gen, Envelope e, HeaderRefs refs) throws IOException {
    if (e == null) {
      gen.writeNull();
      return;
    }
    gen.writeStartArray();
    refs.scalar(gen, 0, e.date());
    refs.scalar(gen, 1, e.subject());
    List<List<String>> lists = List.of(e.from(), e.sender(), e.replyTo(), e.to(), e.cc(), e.bcc());
    for (int i = 0; i < lists.size(); i++) {
      refs.list(gen, 2 + i, lists.get(i));
    }
    refs.scalar(gen, 8, e.inReplyTo());
    refs.scalar(gen, 9, e.messageId());
    gen.writeEndArray();
  }

  private static void bytes(JsonGenerator gen, String latin1) throws IOException {
    if (latin1 == null) {
      gen.writeNull();
    } else {
      byte[] b = ByteString.bytes(latin1);
      gen.writeBinary(b, 0, b.length);
    }
  }

  /** Where each envelope field's values sit in the header list, to store indexes instead of copies. */
  private static final class HeaderRefs {
    static final HeaderRefs NONE = new HeaderRefs(List.of());

    private final List<HeaderField> headers;
    private final Map<Integer, List<Integer>> byField = new HashMap<>();

    HeaderRefs(List<HeaderField> headers) {
      this.headers = headers;
      for (int i = 0; i < headers.size(); i++) {
        int field = Envelope.indexOf(headers.get(i).name());
        if (field >= 0) {
          byField.computeIfAbsent(field, k -> new ArrayList<>()).add(i);
        }
      }
    }

    void scalar(JsonGenerator gen, int field, String value) throws IOException {
      List<Integer> at = byField.getOrDefault(field, List.of());
      int last = at.isEmpty() ? -1 : at.get(at.size() - 1);
      if (value != null && last >= 0 && headers.get(last).value().equals(value)) {
        gen.writeNumber(last);
      } else {
        bytes(gen, value);
      }
    }

    void list(JsonGenerator gen, int field, List<String> values) throws IOException {
      List<Integer> at = byField.getOrDefault(field, List.of());
      gen.writeStartArray();
      for (int k = 0; k < values.size(); k++) {
        if (k < at.size() && headers.get(at.get(k)).value().equals(values.get(k))) {
          gen.writeNumber(at.get(k));
        } else {
          bytes(gen, values.get(k));
        }
      }
      gen.writeEndArray();
    }
  }

  // ---- reading ----

  /** Strict positional reading: every token must be what the format says. */
  private static final class Reader {
    private final JsonParser parser;

    Reader(JsonParser parser) {
      this.parser = parser;
    }

    void next() throws IOException {
      if (parser.nextToken() == null) {
        throw new IOException("truncated");
      }
    }

    void expect(JsonToken token) throws IOException {
      if (parser.currentToken() != token) {
        throw new IOException("expected " + token + ", found " + parser.currentToken());
      }
    }

    void startArray() throws IOException {
      next();
      expect(JsonToken.START_ARRAY);
    }

    void endArray() throws IOException {
      next();
      expect(JsonToken.END_ARRAY);
    }

    boolean nextIsNotEnd() throws IOException {
      next();
      return parser.currentToken() != JsonToken.END_ARRAY;
    }

    long number() throws IOException {
      next();
      return currentNumber();
    }

    long currentNumber() throws IOException {
      expect(JsonToken.VALUE_NUMBER_INT);
      if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new IOException("integer out of range");
      }
      return parser.getLongValue();
    }

    String bytes() throws IOException {
      next();
      return currentBytes();
    }

    String currentBytes() throws IOException {
      expect(JsonToken.VALUE_EMBEDDED_OBJECT);
      byte[] b = parser.getBinaryValue();
      return ByteString.latin1(b, 0, b.length);
    }

    String nullableBytes() throws IOException {
      next();
      return parser.currentToken() == JsonToken.VALUE_NULL ? null : currentBytes();
    }

    /** A byte string, null, or an index into {@code headers}. */
    String value(List<HeaderField> headers) throws IOException {
      next();
      return currentValue(headers);
    }

    String currentValue(List<HeaderField> headers) throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        long index = currentNumber();
        if (index < 0 || index >= headers.size()) {
          throw new IOException("header reference " + index + " out of range");
        }
        return headers.get((int) index).value();
      }
      return currentBytes();
    }

    List<Param> params() throws IOException {
      startArray();
      List<Param> params = new ArrayList<>();
      while (nextIsNotEnd()) {
        String name = currentBytes();
        params.add(new Param(name, bytes()));
      }
      return params;
    }

    /** A part; the current token is its START_ARRAY. */
    Part part(long start, int depth, List<HeaderField> headers) throws IOException {
      if (depth > MAX_DEPTH) {
        throw new IOException("parts nested too deep");
      }
      expect(JsonToken.START_ARRAY);
      long kind = number();
      if (kind < 0 || kind >= KINDS.length) {
        throw new IOException("unknown part kind " + kind);
      }
      ContentFields content = content();
      Envelope envelope = envelope(depth == 0 ? headers : List.of());
      long headerOffset = start + nonNegative(number());
      long bodyOffset = headerOffset + nonNegative(number());
      long endOffset = bodyOffset + nonNegative(number());
      long headerSize = (bodyOffset - headerOffset) + nonNegative(number());
      long bodySize = (endOffset - bodyOffset) + nonNegative(number());
      long lines = nonNegative(number());
      List<Part> children = new ArrayList<>();
      startArray();
      long next = bodyOffset;
      while (nextIsNotEnd()) {
        Part child = part(next, depth + 1, headers);
        children.add(child);
        next = child.endOffset();
      }
      endArray();
      try {
        return new Part(KINDS[(int) kind], content, envelope, headerOffset, bodyOffset, endOffset,
            headerSize, bodySize, lines, children);
      } catch (RuntimeException e) {
        throw new IOException("inconsistent part: " + e.getMessage(), e);
      }
    }

    private ContentFields content() throws IOException {
      next();
      if (parser.currentToken() == JsonToken.VALUE_NULL) {
        return ContentFields.NONE;
      }
      expect(JsonToken.START_ARRAY);
      String type = nullableBytes();
      String subtype = nullableBytes();
      List<Param> params = params();
      String id = nullableBytes();
      String description = nullableBytes();
      String encoding = nullableBytes();
      String md5 = nullableBytes();
      String disposition = nullableBytes();
      List<Param> dispositionParams = params();
      List<String> language = new ArrayList<>();
      startArray();
      while (nextIsNotEnd()) {
        language.add(currentBytes());
      }
      String location = nullableBytes();
      endArray();
      return new ContentFields(type, subtype, params, id, description, encoding, md5, disposition,
          dispositionParams, language, location);
    }

    private Envelope envelope(List<HeaderField> headers) throws IOException {
      next();
      if (parser.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      expect(JsonToken.START_ARRAY);
      String date = value(headers);
      String subject = value(headers);
      List<List<String>> lists = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        List<String> values = new ArrayList<>();
        startArray();
        while (nextIsNotEnd()) {
          String v = currentValue(headers);
          if (v == null) {
            throw new IOException("null address field value");
          }
          values.add(v);
        }
        lists.add(values);
      }
      String inReplyTo = value(headers);
      String messageId = value(headers);
      endArray();
      return new Envelope(date, subject, lists.get(0), lists.get(1), lists.get(2), lists.get(3),
          lists.get(4), lists.get(5), inReplyTo, messageId);
    }

    private static long nonNegative(long n) throws IOException {
      if (n < 0) {
        throw new IOException("negative length " + n);
      }
      return n;
    }

    void end() throws IOException {
      if (parser.nextToken() != null) {
        throw new IOException("trailing data");
      }
    }
  }
}
