package dev.tern.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimestampTest {

  @Test
  void hexFormRoundTripsAndSortsLikeTheTimestamps() {
    SplittableRandom random = new SplittableRandom(7);
    List<Timestamp> timestamps = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      // Few distinct milliseconds, so the random half decides the order often, sign bit included.
      timestamps.add(new Timestamp(random.nextLong(4), random.nextLong()));
    }
    for (Timestamp a : timestamps) {
      assertEquals(a, Timestamp.parse(a.toHex()));
      assertEquals(32, a.toHex().length());
    }
    for (int i = 1; i < timestamps.size(); i++) {
      Timestamp a = timestamps.get(i - 1);
      Timestamp b = timestamps.get(i);
      assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(a.toHex().compareTo(b.toHex())), a + " vs " + b);
    }
  }

  @Test
  void malformedHexIsRejectedClearly() {
    assertThrows(IllegalArgumentException.class, () -> Timestamp.parse("00"));
    assertThrows(IllegalArgumentException.class, () -> Timestamp.parse("zz" + "0".repeat(30)));
    assertThrows(IllegalArgumentException.class, () -> new Timestamp(-1, 0));
  }

  @Test
  void clockNeverGoesBackwardsEvenWhenTheWallClockDoes() {
    AtomicLong now = new AtomicLong(1_000);
    InstantSource wall = () -> Instant.ofEpochMilli(now.get());
    HybridClock clock = new HybridClock(wall, new SplittableRandom(1));
    Timestamp first = clock.next();
    Timestamp second = clock.next(); // same millisecond
    now.set(500); // wall clock stepped back
    Timestamp third = clock.next();
    assertTrue(first.isBefore(second));
    assertTrue(second.isBefore(third));
    assertEquals(1_000, first.millis());
  }

  @Test
  void clockIssuesAfterWhatItObserved() {
    HybridClock clock = new HybridClock(() -> Instant.ofEpochMilli(10), new SplittableRandom(2));
    Timestamp remote = new Timestamp(5_000, -1); // another node, far ahead
    clock.observe(remote);
    Timestamp next = clock.next();
    assertTrue(remote.isBefore(next));
    clock.observe(Timestamp.ZERO); // an older observation changes nothing
    assertTrue(next.isBefore(clock.next()));
  }
}
