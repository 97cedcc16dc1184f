package dev.tern.mailbox;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap that messages passing through a node whole may take: one message up to {@link #MESSAGE}
 * bytes, all of them together up to the budget. Most mail is small, and a message kept in the
 * heap saves a temporary file or a second decryption; beyond either limit, callers stream.
 * Shared by the sessions or filers of a node; thread-safe.
 */
public final class HeapBudget {

  /** The largest message kept whole in the heap. */
  public static final int MESSAGE = 256 * 1024;
  /** What a node's sessions (or filers) keep at once, by default. */
  public static final long DEFAULT_BYTES = 32L * 1024 * 1024;

  private final AtomicLong left;

  public HeapBudget(long bytes) {
    this.left = new AtomicLong(bytes);
  }

  /** Takes {@code bytes} from the budget; false, taking nothing, when fewer are left. */
  public boolean reserve(long bytes) {
    if (left.addAndGet(-bytes) >= 0) {
      return true;
    }
    left.addAndGet(bytes);
    return false;
  }

  /** Gives back bytes {@link #reserve} took. */
  public void release(long bytes) {
    left.addAndGet(bytes);
  }

  /** Bytes left (for tests and metrics). */
  public long left() {
    return left.get();
  }
}
