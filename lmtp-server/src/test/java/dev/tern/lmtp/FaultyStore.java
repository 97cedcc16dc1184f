package dev.tern.lmtp;

import dev.tern.storage.ByteRange;
import dev.tern.storage.ListPage;
import dev.tern.storage.ListRequest;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.TransientStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A memory store whose puts under {@code incoming/} can fail (after reading the whole upload, as
 * a store that fails at commit) or wait at a gate, so a test can look at the server mid-delivery.
 */
final class FaultyStore implements ObjectStore {

  final MemoryObjectStore delegate = new MemoryObjectStore();
  volatile boolean failIncoming;
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

  @Override
  public InputStream get(ObjectKey key) {
    return delegate.get(key);
  }

  @Override
  public InputStream get(ObjectKey key, ByteRange range) {
    return delegate.get(key, range);
  }

  @Override
  public Optional<ObjectInfo> head(ObjectKey key) {
    return delegate.head(key);
  }

  @Override
  public ListPage list(ListRequest request) {
    return delegate.list(request);
  }

  @Override
  public void delete(ObjectKey key) {
    delegate.delete(key);
  }

  @Override
  public void deleteMany(Collection<ObjectKey> keys) {
    delegate.deleteMany(keys);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
