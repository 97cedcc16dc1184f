package dev.tern.log;

import dev.tern.storage.ForwardingObjectStore;
import dev.tern.storage.ListPage;
import dev.tern.storage.ListRequest;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.TransientStorageException;
import java.io.InputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * A store that runs a hook just before a chosen put reaches the real store: the deterministic
 * way to make another node act "at the same time" as this one. It can also fail a chosen list or
 * delete once, as a store that is briefly unreachable does.
 */
final class HookedStore extends ForwardingObjectStore {

  private record Hook(Predicate<ObjectKey> when, Runnable action) {}

  private final Queue<Hook> hooks = new ConcurrentLinkedQueue<>();
  private final Queue<Predicate<String>> listFailures = new ConcurrentLinkedQueue<>();
  private final Queue<Predicate<ObjectKey>> deleteFailures = new ConcurrentLinkedQueue<>();
  private final Queue<Predicate<ObjectKey>> putFailures = new ConcurrentLinkedQueue<>();

  HookedStore(ObjectStore delegate) {
    super(delegate);
  }

  /** Runs {@code action} once, before the next put of a key matching {@code when}. */
  void beforePut(Predicate<ObjectKey> when, Runnable action) {
    hooks.add(new Hook(when, action));
  }

  /** Fails the next listing of a prefix matching {@code when}, once, as an unreachable store does. */
  void failList(Predicate<String> when) {
    listFailures.add(when);
  }

  /**
   * Stores the next put of a key matching {@code when}, then fails it, once: the answer to a PUT
   * the server carried out was lost.
   */
  void failAfterPut(Predicate<ObjectKey> when) {
    putFailures.add(when);
  }

  /** Fails the next delete of a key matching {@code when}, once. */
  void failDelete(Predicate<ObjectKey> when) {
    deleteFailures.add(when);
  }

  @Override
  public ListPage list(ListRequest request) {
    fail(listFailures, request.prefix(), "list " + request.prefix());
    return delegate.list(request);
  }

  @Override
  public void delete(ObjectKey key) {
    fail(deleteFailures, key, "delete " + key);
    delegate.delete(key);
  }

  private static <T> void fail(Queue<Predicate<T>> failures, T subject, String what) {
    for (Predicate<T> failure : failures) {
      if (failure.test(subject) && failures.remove(failure)) {
        throw new TransientStorageException(what + " failed by the test", null);
      }
    }
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
    fail(putFailures, key, "put " + key);
  }
}
