package dev.tern.mailbox;

import dev.tern.storage.ObjectKey;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Decrypted {@code meta/<id>} objects, the most recently used first, up to a byte budget for the
 * whole node. A message's meta is written once and never changed, so a cached copy cannot go
 * stale; FETCH of ENVELOPE, BODYSTRUCTURE, headers or sizes and SEARCH by date or header read it
 * for every message they touch, and clients ask for the same recent messages again and again.
 */
public final class MetaCache {

  /** The default budget: about 30 000 summaries of a typical message. */
  public static final long DEFAULT_BYTES = 32L * 1024 * 1024;
  private static final int ENTRY_OVERHEAD = 96;

  private final long budget;
  private final Map<ObjectKey, byte[]> entries = new LinkedHashMap<>(1024, 0.75f, true);
  private long bytes;

  public MetaCache(long budget) {
    this.budget = budget;
  }

  /** The cached bytes of {@code key}, or what {@code load} gives (then cached). Callers must not change them. */
  byte[] get(ObjectKey key, Supplier<byte[]> load) {
    synchronized (this) {
      byte[] cached = entries.get(key);
      if (cached != null) {
        return cached;
      }
    }
    byte[] loaded = load.get(); // outside the lock: a store read
    long size = loaded.length + ENTRY_OVERHEAD;
    if (size > budget / 16) {
      return loaded; // one odd huge summary must not empty the cache
    }
    synchronized (this) {
      byte[] previous = entries.put(key, loaded);
      bytes += size - (previous == null ? 0 : previous.length + ENTRY_OVERHEAD);
      Iterator<byte[]> eldest = entries.values().iterator();
      while (bytes > budget && eldest.hasNext()) {
        bytes -= eldest.next().length + ENTRY_OVERHEAD;
        eldest.remove();
      }
    }
    return loaded;
  }

  /** Forgets {@code key}: its object is being deleted. */
  synchronized void remove(ObjectKey key) {
    byte[] gone = entries.remove(key);
    if (gone != null) {
      bytes -= gone.length + ENTRY_OVERHEAD;
    }
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized int size() {
    return entries.size();
  }
}
