package dev.tern.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads exactly {@code length} bytes from a caller's stream and fails if it ends early or holds
 * more. The check for extra bytes happens as soon as the last declared byte is read, so a
 * consumer that stops at the declared length (an HTTP body writer) still sees the failure before
 * it finishes the request. A failure is sticky: every later read fails the same way, so a retry
 * that re-reads the stream cannot succeed with bad data.
 */
final class ExactLengthInputStream extends InputStream {

  /** The caller's stream did not hold exactly the declared number of bytes. */
  static final class LengthMismatchException extends IOException {

    LengthMismatchException(String message) {
      super(message);
    }
  }

  private final InputStream in;
  private final long length;
  private long read;
  private IOException failure;
  private boolean checked;

  ExactLengthInputStream(InputStream in, long length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    this.in = in;
    this.length = length;
  }

  /** Bytes handed out so far. */
  long position() {
    return read;
  }

  /** The failure seen so far, if any. */
  IOException failure() {
    return failure;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    if (read == length) {
      return -1;
    }
    int n;
    try {
      n = in.read(b, off, (int) Math.min(len, length - read));
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    if (n < 0) {
      throw fail(new LengthMismatchException(
          "the stream ended after " + read + " bytes, " + length + " were declared"));
    }
    read += n;
    if (read == length) {
      checkAtEnd();
    }
    return n;
  }

  /** Verifies that the caller's stream holds nothing after the declared bytes. */
  void checkAtEnd() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (read < length) {
      throw fail(new LengthMismatchException(
          "only " + read + " of the " + length + " declared bytes were read"));
    }
    if (checked) {
      return;
    }
    checked = true;
    int extra;
    try {
      extra = in.read();
    } catch (IOException e) {
      throw fail(e);
    }
    if (extra >= 0) {
      throw fail(new LengthMismatchException(
          "the stream holds more than the " + length + " bytes declared"));
    }
  }

  private IOException fail(IOException e) {
    failure = e;
    return e;
  }

  @Override
  public int available() throws IOException {
    return failure != null ? 0 : (int) Math.min(in.available(), length - read);
  }

  /** Does not close the caller's stream: {@link ObjectStore#put} leaves that to the caller. */
  @Override
  public void close() {
  }
}
