package dev.tern.log;

import dev.tern.crypto.Aead;
import dev.tern.crypto.CryptoException;
import dev.tern.storage.ObjectKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The bytes of one op or checkpoint object: a small header, the codec's payload (deflated when
 * that makes it smaller), all sealed with the user's master key and bound to the object key, so
 * an op cannot be replayed under another timestamp, log or user, nor pass as a checkpoint.
 *
 * <pre>
 * sealed( envelope-version(1) | kind(1) | codec-format-version(2) | compression(1) | payload )
 * </pre>
 */
final class LogEnvelope {

  static final byte VERSION = 1;
  static final byte KIND_OP = 'o';
  static final byte KIND_CHECKPOINT = 'c';
  private static final byte STORED = 0;
  private static final byte DEFLATED = 1;
  private static final int HEADER = 5;
  /** Below this, deflate's own overhead outweighs what it saves on CBOR. */
  private static final int COMPRESS_FROM = 96;

  private LogEnvelope() {}

  @FunctionalInterface
  interface PayloadWriter {
    void write(java.io.OutputStream out) throws IOException;
  }

  @FunctionalInterface
  interface PayloadReader<T> {
    T read(int formatVersion, InputStream in) throws IOException;
  }

  static byte[] seal(Aead aead, ObjectKey key, byte kind, int formatVersion, PayloadWriter payload) {
    try {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      payload.write(raw);
      byte[] plain = raw.toByteArray();
      byte compression = STORED;
      if (plain.length >= COMPRESS_FROM) {
        ByteArrayOutputStream deflated = new ByteArrayOutputStream(plain.length / 2 + 16);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try (DeflaterOutputStream out = new DeflaterOutputStream(deflated, deflater, 8192)) {
          out.write(plain);
        } finally {
          deflater.end();
        }
        if (deflated.size() < plain.length) {
          plain = deflated.toByteArray();
          compression = DEFLATED;
        }
      }
      byte[] framed = new byte[HEADER + plain.length];
      framed[0] = VERSION;
      framed[1] = kind;
      framed[2] = (byte) (formatVersion >>> 8);
      framed[3] = (byte) formatVersion;
      framed[4] = compression;
      System.arraycopy(plain, 0, framed, HEADER, plain.length);
      return aead.seal(framed, key.utf8());
    } catch (IOException e) {
      throw new LogException("encoding " + key + " failed", e);
    }
  }

  static <T> T open(Aead aead, ObjectKey key, byte kind, byte[] sealed, PayloadReader<T> reader) {
    byte[] framed;
    try {
      framed = aead.open(sealed, key.utf8());
    } catch (CryptoException e) {
      throw new LogException(key + " cannot be opened with this user's key (tampered, or moved from another key)", e);
    }
    if (framed.length < HEADER || framed[0] != VERSION || framed[1] != kind) {
      throw new LogException(key + " is not a version-" + VERSION + " " + (kind == KIND_OP ? "op" : "checkpoint"),
          null);
    }
    int formatVersion = ((framed[2] & 0xff) << 8) | (framed[3] & 0xff);
    InputStream payload = new ByteArrayInputStream(framed, HEADER, framed.length - HEADER);
    try {
      switch (framed[4]) {
        case STORED -> { }
        case DEFLATED -> payload = new InflaterInputStream(payload);
        default -> throw new LogException(key + " uses unknown compression " + framed[4], null);
      }
      return reader.read(formatVersion, payload);
    } catch (IOException | RuntimeException e) {
      if (e instanceof LogException le) {
        throw le;
      }
      throw new LogException(key + " cannot be decoded (format version " + formatVersion + ")", e);
    }
  }
}
