package dev.tern.log;

import java.time.InstantSource;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Issues timestamps that never go below one this node has issued or seen. An op written after
 * learning another node's op must sort after it, or replay order would contradict causality (the
 * UID proof assumes it); wall clocks of different nodes disagree, so the clock moves past any
 * timestamp it observes. Under load or skew it may run ahead of the wall clock by a little; it
 * falls back in step as soon as the wall clock passes it.
 */
public final class HybridClock {

  private final InstantSource wallClock;
  private final RandomGenerator random;
  private Timestamp latest = Timestamp.ZERO;

  public HybridClock(InstantSource wallClock, RandomGenerator random) {
    this.wallClock = Objects.requireNonNull(wallClock);
    this.random = Objects.requireNonNull(random);
  }

  /** A timestamp strictly after every timestamp issued or observed so far. */
  public synchronized Timestamp next() {
    long now = wallClock.millis();
    // Same or earlier millisecond than the latest: move one millisecond past it, so the new
    // timestamp is greater whatever its random bits are.
    long millis = now > latest.millis() ? now : latest.millis() + 1;
    latest = Timestamp.at(millis, random);
    return latest;
  }

  /** Records a timestamp seen elsewhere (another node's op), so later ones sort after it. */
  public synchronized void observe(Timestamp seen) {
    if (seen.compareTo(latest) > 0) {
      latest = seen;
    }
  }

  /** The latest timestamp issued or observed. */
  public synchronized Timestamp latest() {
    return latest;
  }
}
