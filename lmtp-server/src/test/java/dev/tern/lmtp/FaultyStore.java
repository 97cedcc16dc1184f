package dev.tern.lmtp;

import dev.tern.storage.ForwardingObjectStore;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.TransientStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A memory store whose puts under {@code incoming/} can fail (after reading the whole upload, as
 * a store that fails at commit) or wait at a gate, so a test can look at the server mid-delivery.
 */
final class FaultyStore extends ForwardingObjectStore {

  volatile boolean failIncoming;

  FaultyStore() {
    super(new MemoryObjectStore());
  }
  private volatile CountDownLatch gate;
  private volatile CountDownLatch entered;

  /** The next puts under incoming/ wait until {@link #open}; {@link #awaitEntered} returns once one waits. */
  void close(int waiters) {
    entered = new CountDownLatch(waiters);
    gate = new CountDownLatch(1);
  }

  void awaitEntered() throws InterruptedException {
    if (!entered.await(20, TimeUnit.SECONDS)) {
      throw new AssertionError("no delivery reached the store");
    }
  }

  void open() {
    gate.countDown();
  }

  @Override
  public void put(ObjectKey key, InputStream data, long length) {
    if (key.value().contains("/incoming/")) {
      CountDownLatch waitFor = gate;
      if (waitFor != null) {
        entered.countDown();
        try {
          waitFor.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TransientStorageException("interrupted", e);
        }
      }
      if (failIncoming) {
        try {
          data.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        throw new TransientStorageException("injected failure storing " + key, null);
      }
    }
    delegate.put(key, data, length);
  }
}
