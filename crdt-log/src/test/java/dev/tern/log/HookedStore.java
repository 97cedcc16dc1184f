package dev.tern.log;

import dev.tern.storage.ForwardingObjectStore;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import java.io.InputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * A store that runs a hook just before a chosen put reaches the real store: the deterministic
 * way to make another node act "at the same time" as this one.
 */
final class HookedStore extends ForwardingObjectStore {

  private record Hook(Predicate<ObjectKey> when, Runnable action) {}

  private final Queue<Hook> hooks = new ConcurrentLinkedQueue<>();

  HookedStore(ObjectStore delegate) {
    super(delegate);
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
}
