package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.storage.ObjectKey;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetaCacheTest {

  private final AtomicInteger loads = new AtomicInteger();

  private byte[] load(MetaCache cache, String key, int size) {
    return cache.get(ObjectKey.of(key), () -> {
      loads.incrementAndGet();
      return new byte[size];
    });
  }

  @Test
  void aHitIsServedWithoutLoadingAndTheLeastRecentlyUsedGoFirstPastTheBudget() {
    MetaCache cache = new MetaCache(16 * 596); // room for 16 entries of 500 bytes
    byte[] a = load(cache, "users/u/meta/a", 500);
    assertSame(a, load(cache, "users/u/meta/a", 500));
    assertEquals(1, loads.get());
    for (int i = 0; i < 16; i++) {
      load(cache, "users/u/meta/m" + i, 500);
      load(cache, "users/u/meta/a", 500); // keeps a recent
    }
    assertTrue(cache.bytes() <= 16 * 596, "within the budget: " + cache.bytes());
    loads.set(0);
    load(cache, "users/u/meta/a", 500);
    assertEquals(0, loads.get(), "the one used all along stayed");
    load(cache, "users/u/meta/m1", 500);
    assertEquals(0, loads.get(), "a newer one stayed");
    load(cache, "users/u/meta/m0", 500);
    assertEquals(1, loads.get(), "the oldest went");
  }

  @Test
  void anEntryOverASixteenthOfTheBudgetIsNotKeptAndRemoveForgets() {
    MetaCache cache = new MetaCache(16_000);
    load(cache, "users/u/meta/big", 2000);
    load(cache, "users/u/meta/big", 2000);
    assertEquals(2, loads.get());
    assertEquals(0, cache.size());
    load(cache, "users/u/meta/small", 100);
    cache.remove(ObjectKey.of("users/u/meta/small"));
    assertEquals(0, cache.bytes());
    load(cache, "users/u/meta/small", 100);
    assertEquals(4, loads.get());
  }

  @Test
  void aZeroBudgetCachesNothing() {
    MetaCache cache = new MetaCache(0);
    load(cache, "users/u/meta/a", 10);
    load(cache, "users/u/meta/a", 10);
    assertEquals(2, loads.get());
  }
}
