package dev.tern.log;

import dev.tern.storage.ByteRange;
import dev.tern.storage.ListPage;
import dev.tern.storage.ListRequest;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * A store that runs a hook just before a chosen put reaches the real store: the deterministic
 * way to make another node act "at the same time" as this one.
 */
final class HookedStore implements ObjectStore {

  private record Hook(Predicate<ObjectKey> when, Runnable action) {}

  private final ObjectStore delegate;
  private final Queue<Hook> hooks = new ConcurrentLinkedQueue<>();

  HookedStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** Runs {@code action} once, before the next put of a key matching {@code when}. */
  void beforePut(Predicate<ObjectKey> when, Runnable action) {
    hooks.add(new Hook(when, action));
  }

  @Override
  public void put(ObjectKey key, InputStream data, long length) {
    for (Hook hook : hooks) {
      if (hook.when().test(key) && hooks.remove(hook)) {
        hook.action().run();
        break;
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
