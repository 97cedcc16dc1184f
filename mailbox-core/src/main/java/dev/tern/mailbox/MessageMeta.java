package dev.tern.mailbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * What {@code meta/<id>} holds besides the blob: the INTERNALDATE (with the zone it was given in),
 * the size in octets, and the parsed summary (ENVELOPE, BODYSTRUCTURE, offsets, search headers) as
 * its own codec wrote it. Written once at delivery, so FETCH of these never reads the blob.
 */
public record MessageMeta(OffsetDateTime internalDate, long size, byte[] summary) {

  static final int VERSION = 1;

  public MessageMeta {
    Objects.requireNonNull(internalDate);
    summary = summary.clone();
  }

  @Override
  public byte[] summary() {
    return summary.clone();
  }

  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(summary.length + 32);
    try (JsonGenerator gen = CborReader.FACTORY.createGenerator(out)) {
      gen.writeStartArray();
      gen.writeNumber(VERSION);
      gen.writeNumber(internalDate.toInstant().toEpochMilli());
      gen.writeNumber(internalDate.getOffset().getTotalSeconds());
      gen.writeNumber(size);
      gen.writeBinary(summary);
      gen.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static MessageMeta fromBytes(byte[] bytes) throws IOException {
    try (JsonParser parser = CborReader.FACTORY.createParser(bytes)) {
      CborReader r = new CborReader(parser);
      r.startArray();
      CborReader.checkVersion("message meta", (int) r.number(), VERSION);
      long millis = r.number();
      long offset = r.number();
      if (Math.abs(offset) > 18 * 3600) {
        throw new IOException("zone offset out of range: " + offset);
      }
      OffsetDateTime date = Instant.ofEpochMilli(millis).atOffset(ZoneOffset.ofTotalSeconds((int) offset));
      long size = r.number();
      parser.nextToken();
      r.expect(JsonToken.VALUE_EMBEDDED_OBJECT);
      byte[] summary = parser.getBinaryValue();
      r.endArray();
      r.end();
      return new MessageMeta(date, size, summary);
    }
  }
}
