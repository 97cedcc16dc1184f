package dev.tern.mailbox.message;

import java.io.IOException;
import java.io.InputStream;

/**
 * The stream one entity parser hands to mime4j: passes bytes through unchanged (always as many as
 * asked for, so that the result never depends on how the input arrives) while counting them
 * (bytes, line feeds, line feeds without a CR before them) and remembering the most recent ones.
 *
 * <p>mime4j tells its caller what a header field, a body or a part contains, but not where the
 * blank line after a header or a boundary line was, nor how long they were. Those bytes have
 * passed through here, and mime4j never reads far ahead (one buffer, 4 KiB for the boundaries this
 * package lets it see), so they can be looked up by position afterwards. The window grows with the
 * largest read mime4j asks for, so it always covers mime4j's lookahead plus {@link #MARGIN} bytes
 * (how long a boundary line may be); nothing older is kept, whatever the size of the message.
 */
final class PositionTee extends InputStream {

  static final int EOF = -1;
  static final int UNAVAILABLE = -2;
  /** Room for a boundary line beyond mime4j's lookahead. */
  static final int MARGIN = 12 * 1024;
  private static final int MIN_WINDOW = 16 * 1024;
  private static final int MAX_WINDOW = 4 * 1024 * 1024;

  private final InputStream source;
  private byte[] window = new byte[MIN_WINDOW];
  private long count;
  private boolean eof;
  private long lines;
  private long bareLineFeeds;
  private int previous;

  PositionTee(InputStream source) {
    this.source = source;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (eof) {
      return -1;
    }
    grow(length);
    // Fill the request completely: mime4j's boundary scan depends on where its buffer refills
    // start (it accepts a boundary at the start of a refill without looking at the byte before),
    // so short reads from the network must not change the result.
    int n = source.readNBytes(buffer, offset, length);
    if (n == 0) {
      eof = true;
      return -1;
    }
    record(buffer, offset, n);
    return n;
  }

  /** Reads the source to its end; returns the total length. */
  long drain(byte[] scratch) throws IOException {
    while (read(scratch, 0, scratch.length) >= 0) {
      // counted by read
    }
    return count;
  }

  long count() {
    return count;
  }

  long lines() {
    return lines;
  }

  long bareLineFeeds() {
    return bareLineFeeds;
  }

  /**
   * The byte at {@code position}; {@link #EOF} if the stream ended before it; {@link #UNAVAILABLE}
   * if it has not been read yet or is no longer in the window.
   */
  int byteAt(long position) {
    if (position < 0) {
      return UNAVAILABLE;
    }
    if (position >= count) {
      return eof ? EOF : UNAVAILABLE;
    }
    if (count - position > window.length) {
      return UNAVAILABLE;
    }
    return window[(int) (position & (window.length - 1))] & 0xff;
  }

  /** True if the bytes at {@code position} are {@code expected}. */
  boolean matches(long position, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (byteAt(position + i) != (expected[i] & 0xff)) {
        return false;
      }
    }
    return true;
  }

  private void record(byte[] buffer, int offset, int n) {
    int prev = previous;
    for (int i = offset; i < offset + n; i++) {
      int b = buffer[i];
      if (b == '\n') {
        lines++;
        if (prev != '\r') {
          bareLineFeeds++;
        }
      }
      prev = b;
    }
    if (n > 0) {
      previous = prev;
    }
    int mask = window.length - 1;
    int from = n > window.length ? offset + n - window.length : offset;
    long position = count + (from - offset);
    int remaining = offset + n - from;
    while (remaining > 0) {
      int at = (int) (position & mask);
      int chunk = Math.min(remaining, window.length - at);
      System.arraycopy(buffer, from, window, at, chunk);
      from += chunk;
      position += chunk;
      remaining -= chunk;
    }
    count += n;
  }

  private void grow(int requested) {
    long wanted = (long) requested + MARGIN;
    if (wanted <= window.length || window.length >= MAX_WINDOW) {
      return;
    }
    int size = (int) Math.min(MAX_WINDOW, Long.highestOneBit(wanted - 1) << 1);
    byte[] bigger = new byte[size];
    long keep = Math.min(count, window.length);
    for (long p = count - keep; p < count; p++) {
      bigger[(int) (p & (size - 1))] = window[(int) (p & (window.length - 1))];
    }
    window = bigger;
  }
}
