package dev.tern.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The writing half of {@link StreamingAead}. A full segment is held back until the next byte
 * arrives, because only then is it known not to be the final one.
 */
final class EncryptingStream extends OutputStream {

  private final OutputStream sink;
  private final SegmentLayout layout;
  private final byte[] streamKey;
  private final byte[] noncePrefix;
  private final byte[] plaintext;
  private final byte[] ciphertext;
  private int filled;
  private long index;
  private boolean closed;
  /** A segment may be half written: nothing more may follow it, not even the final segment. */
  private boolean broken;

  EncryptingStream(OutputStream sink, SegmentLayout layout, byte[] streamKey, byte[] noncePrefix) {
    this.sink = sink;
    this.layout = layout;
    this.streamKey = streamKey;
    this.noncePrefix = noncePrefix;
    this.plaintext = new byte[layout.segmentSize()];
    this.ciphertext = new byte[layout.ciphertextSegmentSize()];
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    if (filled == plaintext.length) {
      emit(false);
    }
    plaintext[filled++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (filled == plaintext.length) {
        emit(false);
      }
      int n = Math.min(len, plaintext.length - filled);
      System.arraycopy(b, off, plaintext, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  /** Flushes the sink; buffered plaintext stays until its segment is complete. */
  @Override
  public void flush() throws IOException {
    ensureOpen();
    sink.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (sink) {
      if (!broken) {
        emit(true);
      }
    } finally {
      wipe();
    }
  }

  private void emit(boolean last) throws IOException {
    if (index >= SegmentLayout.MAX_SEGMENTS) {
      broken = true;
      wipe();
      throw new IOException("stream exceeds 2^32 segments");
    }
    try {
      Gcm.seal(streamKey, StreamingAead.nonce(noncePrefix, index, last), StreamingAead.NO_AD,
          plaintext, 0, filled, ciphertext, 0);
      sink.write(ciphertext, 0, filled + SegmentLayout.TAG_LENGTH);
    } catch (IOException | RuntimeException e) {
      broken = true;
      wipe();
      throw e;
    }
    index++;
    filled = 0;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("encrypting stream closed");
    }
    if (broken) {
      throw new IOException("encrypting stream failed earlier; its output is unusable");
    }
  }

  private void wipe() {
    Arrays.fill(streamKey, (byte) 0);
    Arrays.fill(plaintext, (byte) 0);
  }
}
