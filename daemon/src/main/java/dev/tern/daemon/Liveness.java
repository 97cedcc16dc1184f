package dev.tern.daemon;

import dev.tern.log.HybridClock;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectNotFoundException;
import dev.tern.storage.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's heartbeat in the store: at every {@link #beat()} a new write-once object under
 * {@code cluster/nodes/<node id>/} (see {@link BeatKey}), then the node's previous beat deleted,
 * so a live node has one beat object (two for a moment) and a node that stopped gracefully none.
 * Once an hour a beat also deletes the beats of nodes silent for over a day, whichever node wrote
 * them: a node that crashed leaves its last beat behind.
 *
 * <p>Beats are for people ({@code tern check}), not for correctness: nothing in Tern waits for or
 * trusts them. A fresh beat under this node's id that this process did not write means another
 * process uses the same {@code [cluster] node_id}; that is logged, never refused, since every
 * object key carries random bits and two such nodes still never overwrite each other.
 *
 * <p>{@link #beat()} never throws: it runs on a scheduled executor, where a task that throws is
 * never run again, and a store outage must not stop the beats for good.
 */
final class Liveness {

  private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

  /** {@code [cluster] heartbeat_seconds} when not set. */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  /** Beats older than this belong to nodes long gone; any node deletes them. */
  static final Duration FORGET_AFTER = Duration.ofDays(1);

  static final Duration SWEEP_EVERY = Duration.ofHours(1);

  private final ObjectStore store;
  private final Beat beat;
  private final byte[] content;
  private final InstantSource clock;
  private final HybridClock stamps;
  /** Beat keys this process wrote (or tried to) and has not deleted yet, oldest first. */
  private final Set<ObjectKey> written = new LinkedHashSet<>();
  private Instant lastSweep = Instant.MIN;
  private int failures;
  private boolean announced;
  private boolean shared;
  private volatile boolean stopped;

  Liveness(ObjectStore store, Beat beat, InstantSource clock, RandomGenerator random) {
    this.store = store;
    this.beat = beat;
    this.content = beat.toJson();
    this.clock = clock;
    this.stamps = new HybridClock(clock, random);
  }

  NodeId node() {
    return beat.node();
  }

  /**
   * Writes a new beat and deletes this node's older ones; now and then forgets long-gone nodes.
   * Failures are logged, and the next beat tries again (older beats left behind included).
   */
  synchronized void beat() {
    if (stopped) {
      return;
    }
    try {
      Instant now = clock.instant();
      noticeOthers(now);
      ObjectKey key = new BeatKey(beat.node(), stamps.next()).key();
      // Remembered before the put: a put that fails after the store kept it leaves a beat that is
      // still ours to delete, and never one that looks like another process's.
      written.add(key);
      store.put(key, content);
      List<ObjectKey> older = written.stream().filter(k -> !k.equals(key)).toList();
      if (!older.isEmpty()) {
        store.deleteMany(older);
        older.forEach(written::remove);
      }
      if (failures > 0) {
        LOG.info("node {}: beats written again after {} failed", beat.node(), failures);
      } else if (!announced) {
        LOG.info("node {}: announced in the store as {}, every {} s", beat.node(), key, beat.interval().toSeconds());
      }
      announced = true;
      failures = 0;
    } catch (RuntimeException e) {
      if (!stopped) {
        failures++;
        if (failures == 1) {
          LOG.warn("node {}: its beat failed, the store said: {} (retrying every {} s)", beat.node(),
              ConfigFile.firstLine(e.getMessage()), beat.interval().toSeconds());
        } else {
          LOG.debug("node {}: beat {} failed", beat.node(), failures, e);
        }
      }
      return;
    }
    try {
      sweep(clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("node {}: deleting the beats of long-gone nodes failed (will retry in {} min): {}", beat.node(),
          SWEEP_EVERY.toMinutes(), ConfigFile.firstLine(e.getMessage()));
    }
  }

  /** Deletes this node's beats, so {@code tern check} no longer lists it; the beats stop. */
  void leave() {
    stopped = true;
    synchronized (this) {
      try {
        store.deleteMany(List.copyOf(written));
        written.clear();
        LOG.info("node {}: stopped beating, its beat deleted", beat.node());
      } catch (RuntimeException e) {
        LOG.warn("node {}: deleting its last beat failed; it will look stale, then be forgotten: {}", beat.node(),
            ConfigFile.firstLine(e.getMessage()));
      }
    }
  }

  /** Whether the last beat found a fresh beat of this node id written by another process. */
  synchronized boolean sharedNodeId() {
    return shared;
  }

  /** Warns once when another process starts beating under this node id, and says when it stops. */
  private void noticeOthers(Instant now) {
    List<BeatKey> others = new ArrayList<>();
    try (var listing = store.listAll(BeatKey.prefix(beat.node()), Optional.empty())) {
      listing.map(ObjectInfo::key).filter(key -> !written.contains(key)).forEach(key -> BeatKey.parse(key)
          .filter(other -> other.age(now).compareTo(beat.staleAfter()) <= 0)
          .ifPresent(others::add));
    }
    boolean before = shared;
    shared = !others.isEmpty();
    if (shared && !before) {
      BeatKey newest = others.stream().max(Comparator.comparing(BeatKey::at)).orElseThrow();
      // Written before this process started (to the second it records), the beat may be this node's
      // own, left by a run that crashed.
      String unlessCrashed = newest.at().millis() < beat.started().toEpochMilli() + 1_000
          ? "; or, if this node was restarted after a crash, that beat is its previous run's and this goes away" : "";
      LOG.warn("node {}: another process uses this node id too (its last beat {} s ago{}): give every node its own "
          + "[cluster] node_id. Nothing breaks meanwhile, but tern check lists the two as one node{}", beat.node(),
          newest.age(now).toSeconds(), startOf(newest), unlessCrashed);
    } else if (before && !shared) {
      LOG.info("node {}: no other process beats under this node id any more", beat.node());
    }
  }

  private String startOf(BeatKey other) {
    try {
      return ", from a process started at " + Beat.parse(store.getBytes(other.key())).started();
    } catch (ObjectNotFoundException | IllegalArgumentException e) {
      return "";
    }
  }

  /** Deletes every beat older than {@link #FORGET_AFTER}, at most once per {@link #SWEEP_EVERY}. */
  private void sweep(Instant now) {
    if (!lastSweep.equals(Instant.MIN) && Duration.between(lastSweep, now).compareTo(SWEEP_EVERY) < 0) {
      return;
    }
    lastSweep = now;
    List<ObjectKey> forgotten = new ArrayList<>();
    Set<String> nodes = new LinkedHashSet<>();
    try (var listing = store.listAll(BeatKey.PREFIX, Optional.empty())) {
      listing.map(ObjectInfo::key).forEach(key -> BeatKey.parse(key)
          .filter(old -> old.age(now).compareTo(FORGET_AFTER) > 0)
          .ifPresent(old -> {
            forgotten.add(key);
            nodes.add(old.node().value());
          }));
    }
    if (!forgotten.isEmpty()) {
      store.deleteMany(forgotten);
      LOG.info("node {}: deleted {} beats of nodes silent for over {} h: {}", beat.node(), forgotten.size(),
          FORGET_AFTER.toHours(), String.join(", ", nodes));
    }
  }
}
