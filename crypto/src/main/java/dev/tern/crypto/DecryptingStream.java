package dev.tern.crypto;

import dev.tern.crypto.CorruptCiphertextException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The reading half of {@link StreamingAead}: holds one segment at a time and hands out only
 * plaintext whose segment has verified.
 *
 * <p>Reading a whole stream, the final segment is recognised by the end of the input: the stream
 * reads one byte past each full segment to know whether another follows. Reading a range, the
 * {@link SegmentRange} says (from the object's length) whether the range ends with the final
 * segment. Either way the final segment is opened with the last flag set, so a cut or an extension
 * that the length or the end of input would hide still fails authentication.
 */
final class DecryptingStream extends InputStream {

  /** Parses the header once it has been read. */
  @FunctionalInterface
  interface HeaderParser {
    SegmentDecrypter parse(byte[] header) throws CryptoException;
  }

  private final InputStream source;
  private final HeaderParser headerParser;
  private final SegmentLayout layout;
  /** Whole stream: the end of the input marks the final segment. */
  private final boolean endMarksFinal;
  /** Range: the last segment to read, and whether it is the stream's final one. */
  private final long lastSegment;
  private final boolean lastIsFinal;
  private final byte[] in;
  private final byte[] plain;
  private final byte[] one = new byte[1];

  private SegmentDecrypter decrypter;
  /** Whole stream: the byte read past the previous segment, which starts this one. */
  private int carried;
  private int pos;
  private int limit;
  private long index;
  /** Plaintext bytes still to drop at the start of the range. */
  private long toDrop;
  /** Plaintext bytes still to return. */
  private long remaining;
  private boolean finished;
  private boolean closed;
  private IOException failure;

  private DecryptingStream(InputStream source, HeaderParser headerParser, SegmentDecrypter decrypter,
      SegmentLayout layout, boolean endMarksFinal, long firstSegment, long lastSegment, boolean lastIsFinal,
      long toDrop, long remaining) {
    this.source = Objects.requireNonNull(source, "source");
    this.headerParser = headerParser;
    this.decrypter = decrypter;
    this.layout = layout;
    this.endMarksFinal = endMarksFinal;
    this.index = firstSegment;
    this.lastSegment = lastSegment;
    this.lastIsFinal = lastIsFinal;
    this.toDrop = toDrop;
    this.remaining = remaining;
    this.in = new byte[layout.ciphertextSegmentSize() + (endMarksFinal ? 1 : 0)];
    this.plain = new byte[layout.segmentSize()];
  }

  /** Decrypts a whole stream, header first. */
  static DecryptingStream whole(InputStream source, HeaderParser headerParser, SegmentLayout layout) {
    return new DecryptingStream(source, headerParser, null, layout, true, 0, Long.MAX_VALUE, false, 0, Long.MAX_VALUE);
  }

  /** Decrypts a whole stream whose header has already been read and turned into {@code decrypter}, which it owns. */
  static DecryptingStream body(InputStream source, SegmentDecrypter decrypter) {
    return new DecryptingStream(source, null, decrypter, decrypter.layout(), true, 0, Long.MAX_VALUE, false, 0,
        Long.MAX_VALUE);
  }

  /** Decrypts {@code range} from {@code source}, which holds exactly its fetch window; owns {@code decrypter}. */
  static DecryptingStream range(InputStream source, SegmentDecrypter decrypter, SegmentRange range) {
    SegmentLayout layout = decrypter.layout();
    return new DecryptingStream(source, null, decrypter, layout, false, range.firstSegment(), range.lastSegment(),
        range.lastIsFinal(), range.plaintextOffset() - range.firstSegment() * layout.segmentSize(),
        range.plaintextLength());
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("decrypting stream closed");
    }
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      return -1;
    }
    while (pos == limit) {
      if (finished) {
        return -1;
      }
      try {
        nextSegment();
      } catch (IOException | RuntimeException e) {
        wipe();
        if (e instanceof IOException io) {
          failure = io;
        }
        throw e;
      }
    }
    int n = (int) Math.min(Math.min(len, limit - pos), remaining);
    System.arraycopy(plain, pos, b, off, n);
    pos += n;
    remaining -= n;
    return n;
  }

  @Override
  public int available() {
    return (int) Math.min(limit - pos, remaining);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    wipe();
    source.close();
  }

  private void nextSegment() throws IOException {
    if (decrypter == null) {
      readHeader();
    }
    boolean last;
    int length;
    if (endMarksFinal) {
      int got = carried + source.readNBytes(in, carried, in.length - carried);
      last = got < in.length;
      length = last ? got : got - 1;
    } else {
      last = lastIsFinal && index == lastSegment;
      length = source.readNBytes(in, 0, in.length);
      if (!last && length < in.length) {
        throw truncated(length);
      }
    }
    if (length < SegmentLayout.TAG_LENGTH) {
      throw truncated(length);
    }
    if (!decrypter.tryDecrypt(index, last, in, 0, length, plain)) {
      throw diagnose(last, length);
    }
    if (endMarksFinal && !last) {
      in[0] = in[length];
      carried = 1;
    }
    int plainLength = length - SegmentLayout.TAG_LENGTH;
    int drop = (int) Math.min(toDrop, plainLength);
    toDrop -= drop;
    pos = drop;
    limit = plainLength;
    finished = last || index == lastSegment;
    index++;
  }

  private void readHeader() throws IOException {
    byte[] header = source.readNBytes(SegmentLayout.HEADER_LENGTH);
    if (header.length < SegmentLayout.HEADER_LENGTH) {
      throw new CorruptCiphertextException(Reason.MALFORMED_HEADER, -1,
          "stream of " + header.length + " bytes ends inside its " + SegmentLayout.HEADER_LENGTH + "-byte header");
    }
    try {
      decrypter = headerParser.parse(header);
    } catch (CryptoException e) {
      throw new CorruptCiphertextException(Reason.MALFORMED_HEADER, -1, e.getMessage());
    }
  }

  private CorruptCiphertextException truncated(int length) {
    return new CorruptCiphertextException(Reason.TRUNCATED, index,
        "stream ends " + length + " bytes into segment " + index + ", before its final segment");
  }

  /**
   * Names the failure: a segment that verifies with the other value of the last flag proves the
   * stream was cut after it (or extended after it); anything else is tampering or the wrong key.
   * Costs a second decryption, on the failure path only.
   */
  private CorruptCiphertextException diagnose(boolean last, int length) {
    byte[] scratch = new byte[length - SegmentLayout.TAG_LENGTH];
    try {
      if (decrypter.tryDecrypt(index, !last, in, 0, length, scratch)) {
        return last
            ? new CorruptCiphertextException(Reason.TRUNCATED, index,
                "stream ends after segment " + index + " without its final segment")
            : new CorruptCiphertextException(Reason.TRAILING_DATA, index, "segment " + index
                + " is the final segment, yet more bytes follow it");
      }
    } finally {
      Arrays.fill(scratch, (byte) 0);
    }
    return new CorruptCiphertextException(Reason.AUTHENTICATION_FAILED, index, "segment " + index
        + " does not authenticate: altered, reordered, wrong key or wrong associated data");
  }

  private void wipe() {
    if (decrypter != null) {
      decrypter.destroy();
    }
    Arrays.fill(plain, (byte) 0);
    Arrays.fill(in, (byte) 0);
    pos = 0;
    limit = 0;
  }
}
