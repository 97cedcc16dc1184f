package dev.tern.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * At most {@code limit} bytes of a stream. Closing it closes the stream, except for a
 * {@linkplain #slice slice}, one of several consecutive pieces read from one stream.
 */
final class LimitedInputStream extends FilterInputStream {

  private final boolean closesSource;
  private long remaining;

  LimitedInputStream(InputStream in, long limit) {
    this(in, limit, true);
  }

  private LimitedInputStream(InputStream in, long limit, boolean closesSource) {
    super(in);
    this.remaining = limit;
    this.closesSource = closesSource;
  }

  /** The next {@code length} bytes of {@code in}, leaving it open for the slices after. */
  static LimitedInputStream slice(InputStream in, long length) {
    return new LimitedInputStream(in, length, false);
  }

  @Override
  public void close() throws IOException {
    if (closesSource) {
      super.close();
    }
  }

  @Override
  public int read() throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int b = in.read();
    if (b >= 0) {
      remaining--;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining <= 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n > 0) {
      remaining -= n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = in.skip(Math.min(n, remaining));
    remaining -= skipped;
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }
}
