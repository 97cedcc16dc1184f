package dev.tern.log;

import dev.tern.crypto.Aead;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectNotFoundException;
import dev.tern.storage.ObjectStore;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Bayou-style replicated log over a prefix of an object store: {@code <root>/op/<ts>} holds one
 * sealed op, {@code <root>/ckpt/<ts>} one sealed state that folds every op before {@code ts}.
 *
 * <p><b>What the state is.</b> The newest checkpoint, then every op the store lists at or after
 * it, applied in timestamp order. Any node that sees the same listing computes the same state,
 * whatever order it learnt the ops in: {@link #sync()} rewinds to a cached earlier state and
 * replays when an op turns up that sorts before ops already applied, and also when an op it had
 * applied disappears from the listing (a late op withdrawn by its writer, below).
 *
 * <p><b>Late ops.</b> A checkpoint only folds ops older than {@link LogConfig#checkpointGrace()},
 * but an op whose writer's PUT stalled, or whose writer's clock lags, could still land behind a
 * checkpoint that did not fold it. Both sides check, so it is never silently lost nor folded
 * twice: the writer lists checkpoints after each PUT, and if one sorts after its op it deletes the
 * op and writes it again with a fresh timestamp; a checkpointer lists the ops it covered after its
 * PUT, and if one appeared that it did not fold, it deletes its checkpoint. Both log a warning
 * and count {@code tern.log.ops.late}. A checkpoint that could not be checked (its PUT or listing
 * failed) is deleted as well, at once or, while the store keeps failing, before anything else the
 * log does.
 *
 * <p><b>Cost.</b> A sync that finds nothing new makes two LIST requests (checkpoints, then ops
 * after the newest checkpoint; more only when over 1 000 ops follow it). Opening a log adds one
 * GET for the checkpoint and one per op after it, {@link LogConfig#fetchParallelism()} at a time.
 *
 * <p>Thread-safe: syncs and appends of one log run one at a time; {@link #read} sees a consistent
 * state. Listeners are called after the lock is released.
 */
public final class OpLog<S extends LogState<S, O>, O> {

  private static final Logger LOG = LoggerFactory.getLogger(OpLog.class);
  private static final int MAX_LATE_RETRIES = 3;

  private final LogContext context;
  private final ObjectStore store;
  private final ObjectKey root;
  private final LogCodec<S, O> codec;
  private final Aead aead;
  private final Supplier<S> empty;
  private final List<Consumer<LogChange>> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private volatile long lastSyncStarted = Long.MIN_VALUE; // wall-clock millis
  private final Counter lateOps;
  private final Counter unreadable;
  private final Counter checkpointsWritten;
  private final Counter rebuilds;

  // Guarded by lock.
  private boolean opened;
  private Timestamp base = Timestamp.ZERO;
  private final TreeMap<Timestamp, O> ops = new TreeMap<>();
  /** Copies of the state; key: the last op it includes (base.justBefore() for the checkpoint). */
  private final TreeMap<Timestamp, S> cached = new TreeMap<>();
  /** Ops no node can read: listed but never applied, and not fetched again. */
  private final Set<Timestamp> unreadableOps = new HashSet<>();
  private S state;
  private int sinceCached;
  /** Whether the last full listing is recent enough to list incrementally; see {@link #listingStart}. */
  private boolean listedFully;
  private long lastFullListing = Long.MIN_VALUE;
  /** A checkpoint not (yet) checked for late ops; if one is left here, it is deleted first. */
  private ObjectKey unverifiedCheckpoint;

  public OpLog(LogContext context, ObjectKey root, LogCodec<S, O> codec, Aead aead, Supplier<S> empty) {
    this.context = Objects.requireNonNull(context);
    this.store = context.store();
    this.root = Objects.requireNonNull(root);
    this.codec = Objects.requireNonNull(codec);
    this.aead = Objects.requireNonNull(aead);
    this.empty = Objects.requireNonNull(empty);
    this.state = empty.get();
    var meters = context.meters();
    this.lateOps = meters.counter("tern.log.ops.late");
    this.unreadable = meters.counter("tern.log.objects.unreadable");
    this.checkpointsWritten = meters.counter("tern.log.checkpoints.written");
    this.rebuilds = meters.counter("tern.log.rebuilds");
  }

  /** Called after each sync or append that changed the state. */
  public void addListener(Consumer<LogChange> listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  public void removeListener(Consumer<LogChange> listener) {
    listeners.remove(listener);
  }

  /** Reads the current state under the log's lock; {@code reader} must not keep it. */
  public <R> R read(Function<? super S, R> reader) {
    lock.lock();
    try {
      return reader.apply(state);
    } finally {
      lock.unlock();
    }
  }

  /** An independent copy of the current state. */
  public S snapshot() {
    return read(S::copy);
  }

  /** The newest checkpoint the state starts from ({@link Timestamp#ZERO} when there is none). */
  public Timestamp checkpoint() {
    lock.lock();
    try {
      return base;
    } finally {
      lock.unlock();
    }
  }

  /** Learns what other nodes wrote: new checkpoints, new ops, withdrawn ops. */
  public LogChange sync() {
    LogChange change;
    lock.lock();
    try {
      change = syncLocked();
    } finally {
      lock.unlock();
    }
    notifyListeners(change);
    return change;
  }

  /**
   * Syncs unless a sync of this log (by any caller on this node, appends included) began less than
   * {@code maxAge} ago; returns what changed, nothing when it did not sync. Many sessions polling
   * one log for other nodes' changes then cost one sync per period between them, not one each.
   */
  public LogChange syncIfOlderThan(Duration maxAge) {
    long threshold = context.wallClock().millis() - maxAge.toMillis();
    if (lastSyncStarted >= threshold) {
      return NOTHING;
    }
    LogChange change;
    lock.lock();
    try {
      if (lastSyncStarted >= threshold) {
        return NOTHING; // another poller synced while this one waited for the lock
      }
      change = syncLocked();
    } finally {
      lock.unlock();
    }
    notifyListeners(change);
    return change;
  }

  /**
   * Syncs, makes an op from the synced state, writes it, applies it; then writes a checkpoint if
   * one is due. {@code makeOp} may return {@code null} when, given the state, there is nothing to
   * write. Returns the op's timestamp, or empty when nothing was written. When this returns, the
   * op is durable in the store.
   */
  public Optional<Timestamp> append(Function<? super S, ? extends O> makeOp) {
    LogChange change;
    Timestamp written = null;
    lock.lock();
    try {
      LogChange synced = syncLocked();
      boolean rebuilt = synced.rebuilt();
      int newOps = synced.newOps();
      for (int attempt = 0; ; attempt++) {
        O op = makeOp.apply(state);
        if (op == null) {
          break;
        }
        Timestamp ts = context.clock().next();
        ObjectKey key = opKey(ts);
        store.put(key, LogEnvelope.seal(aead, key, LogEnvelope.KIND_OP, codec.formatVersion(),
            out -> codec.writeOp(op, out)));
        Timestamp newest = newestCheckpoint(listCheckpoints());
        long landedAfter = context.wallClock().millis() - ts.millis();
        if (landedAfter > context.config().listWindow().toMillis() / 2) {
          // Landed too long after its timestamp for other nodes' windowed listings to see it.
          lateOps.increment();
          LOG.warn("op {} of log {} took {} ms to land; writing it again", ts, root, landedAfter);
          store.delete(key);
          if (attempt + 1 >= MAX_LATE_RETRIES) {
            throw new LogException("op of log " + root + " kept landing late", null);
          }
          LogChange again = syncLocked();
          rebuilt |= again.rebuilt();
          newOps += again.newOps();
          continue;
        }
        if (ts.isBefore(newest)) {
          // A checkpoint that cannot have folded this op got there first: withdraw and retry.
          lateOps.increment();
          LOG.warn("op {} of log {} landed behind checkpoint {} (slow write or clock lag); writing it again",
              ts, root, newest);
          store.delete(key);
          if (attempt + 1 >= MAX_LATE_RETRIES) {
            throw new LogException("op of log " + root + " kept landing behind new checkpoints", null);
          }
          LogChange again = syncLocked();
          rebuilt |= again.rebuilt();
          newOps += again.newOps();
          continue;
        }
        ops.put(ts, op);
        applyInOrder(ts, op);
        written = ts;
        newOps++;
        break;
      }
      try {
        checkpointIfDueLocked();
      } catch (RuntimeException e) {
        // The op is durable and applied: the append succeeded. A checkpoint is only a shortcut
        // for readers, and the next append tries again.
        LOG.warn("checkpoint of log {} not written: {}", root, e.toString());
      }
      change = new LogChange(newOps, rebuilt);
    } finally {
      lock.unlock();
    }
    notifyListeners(change);
    return Optional.ofNullable(written);
  }

  /** Writes a checkpoint if enough ops older than the grace period have piled up; true if written. */
  public boolean checkpointIfDue() {
    lock.lock();
    try {
      return checkpointIfDueLocked();
    } finally {
      lock.unlock();
    }
  }

  // ---- sync ----

  private static final LogChange NOTHING = new LogChange(0, false);

  private LogChange syncLocked() {
    lastSyncStarted = context.wallClock().millis();
    if (unverifiedCheckpoint != null) {
      withdrawUnverifiedCheckpoint(null);
      LOG.info("log {}: withdrew a checkpoint left unchecked while the store failed", root);
    }
    // Checkpoints are listed with every full listing only, so a quiet sync is one LIST. That is
    // safe: ops a new checkpoint covers stay in the store for the GC grace (far longer than the
    // full-listing period), so the state from the older checkpoint plus the ops is the same; and
    // ops vanishing from a listing (collected under a checkpoint not seen yet) trigger a full one.
    LogConfig config = context.config();
    boolean full = !opened || !listedFully
        || lastSyncStarted - lastFullListing >= config.fullListEvery().toMillis()
        || config.gcGrace().compareTo(config.fullListEvery().multipliedBy(2)) < 0; // tests' short graces
    boolean rebuilt = false;
    if (full) {
      List<Timestamp> checkpoints = listCheckpoints();
      Timestamp newest = newestCheckpoint(checkpoints);
      context.clock().observe(newest);
      if (!opened || !newest.equals(base)) {
        adoptCheckpoint(checkpoints);
        rebuilt = opened;
        opened = true;
      }
    }

    // Ops at or after `from` are listed; a full listing starts at the checkpoint.
    Timestamp from = listingStart(rebuilt || !listedFully);
    Set<Timestamp> listed = new HashSet<>();
    List<Timestamp> unknown = new ArrayList<>();
    Optional<ObjectKey> after = from.equals(Timestamp.ZERO) ? Optional.empty() : Optional.of(opKey(from.justBefore()));
    try (var objects = store.listAll(opsPrefix(), after)) {
      objects.forEach(info -> {
        Timestamp ts = parseName(info);
        if (ts != null) {
          listed.add(ts);
          if (!ops.containsKey(ts) && !unreadableOps.contains(ts)) {
            unknown.add(ts);
          }
        }
      });
    }
    List<Timestamp> vanished = new ArrayList<>();
    for (Timestamp ts : ops.tailMap(from, true).keySet()) {
      if (!listed.contains(ts)) {
        vanished.add(ts);
      }
    }
    if (unknown.isEmpty() && vanished.isEmpty()) {
      return new LogChange(0, rebuilt);
    }
    if (!vanished.isEmpty() && !full) {
      listedFully = false; // look for a new checkpoint before dropping ops
      return syncLocked();
    }
    Map<Timestamp, O> fetched = fetch(unknown);
    for (Timestamp ts : unknown) {
      if (!fetched.containsKey(ts) && store.head(opKey(ts)).isPresent()) {
        unreadableOps.add(ts);
      }
    }
    Timestamp earliest = null;
    for (Timestamp ts : vanished) {
      ops.remove(ts);
      earliest = earliest == null || ts.isBefore(earliest) ? ts : earliest;
    }
    Timestamp last = ops.isEmpty() ? base.equals(Timestamp.ZERO) ? Timestamp.ZERO : base.justBefore() : ops.lastKey();
    for (Map.Entry<Timestamp, O> entry : fetched.entrySet()) {
      context.clock().observe(entry.getKey());
      if (entry.getKey().isBefore(last)) {
        earliest = earliest == null || entry.getKey().isBefore(earliest) ? entry.getKey() : earliest;
      }
    }
    if (earliest == null) {
      for (Map.Entry<Timestamp, O> entry : new TreeMap<>(fetched).entrySet()) {
        ops.put(entry.getKey(), entry.getValue());
        applyInOrder(entry.getKey(), entry.getValue());
      }
    } else {
      ops.putAll(fetched);
      rewindTo(earliest);
      rebuilt = true;
    }
    return new LogChange(fetched.size(), rebuilt);
  }

  /**
   * Where this sync's listing starts: the checkpoint for a full listing (when opening, after a new
   * checkpoint, and every {@link LogConfig#fullListEvery}), else {@link LogConfig#listWindow}
   * before the newest op known, which bounds a quiet sync's cost by the recent write rate.
   */
  private Timestamp listingStart(boolean forceFull) {
    LogConfig config = context.config();
    long now = context.wallClock().millis();
    if (forceFull || ops.isEmpty() || now - lastFullListing >= config.fullListEvery().toMillis()) {
      listedFully = true;
      lastFullListing = now;
      return base;
    }
    Timestamp windowStart = new Timestamp(ops.lastKey().millis() - config.listWindow().toMillis(), 0);
    return windowStart.isBefore(base) ? base : windowStart;
  }

  private Map<Timestamp, O> fetch(List<Timestamp> timestamps) {
    Semaphore permits = new Semaphore(context.config().fetchParallelism());
    List<CompletableFuture<Map.Entry<Timestamp, O>>> futures = new ArrayList<>(timestamps.size());
    for (Timestamp ts : timestamps) {
      futures.add(CompletableFuture.supplyAsync(() -> {
        permits.acquireUninterruptibly();
        try {
          return fetchOne(ts);
        } finally {
          permits.release();
        }
      }, context.fetchExecutor()));
    }
    TreeMap<Timestamp, O> result = new TreeMap<>();
    for (CompletableFuture<Map.Entry<Timestamp, O>> future : futures) {
      Map.Entry<Timestamp, O> entry;
      try {
        entry = future.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        throw e;
      }
      if (entry != null) {
        result.put(entry.getKey(), entry.getValue());
      }
    }
    return result;
  }

  /** The op, or null when it was withdrawn meanwhile or cannot be read by anyone. */
  private Map.Entry<Timestamp, O> fetchOne(Timestamp ts) {
    ObjectKey key = opKey(ts);
    byte[] sealed;
    try {
      sealed = store.getBytes(key);
    } catch (ObjectNotFoundException e) {
      return null;
    }
    try {
      O op = LogEnvelope.open(aead, key, LogEnvelope.KIND_OP, sealed, codec::readOp);
      return Map.entry(ts, op);
    } catch (LogException e) {
      // Every node fails on the same bytes the same way, so skipping keeps replicas converging;
      // stopping would leave the mailbox unusable over one bad object.
      unreadable.increment();
      LOG.error("skipping unreadable op {}: {}", key, e.getMessage());
      return null;
    }
  }

  // ---- checkpoints ----

  private List<Timestamp> listCheckpoints() {
    List<Timestamp> result = new ArrayList<>();
    try (var objects = store.listAll(checkpointsPrefix(), Optional.empty())) {
      objects.forEach(info -> {
        Timestamp ts = parseName(info);
        if (ts != null) {
          result.add(ts);
        }
      });
    }
    result.sort(null);
    return result;
  }

  private static Timestamp newestCheckpoint(List<Timestamp> checkpoints) {
    return checkpoints.isEmpty() ? Timestamp.ZERO : checkpoints.get(checkpoints.size() - 1);
  }

  /** Starts over from the newest readable checkpoint, keeping the ops at or after it. */
  private void adoptCheckpoint(List<Timestamp> checkpoints) {
    S loaded = null;
    Timestamp from = Timestamp.ZERO;
    for (int i = checkpoints.size() - 1; i >= 0 && loaded == null; i--) {
      Timestamp candidate = checkpoints.get(i);
      loaded = loadCheckpoint(candidate);
      if (loaded != null) {
        from = candidate;
      } else if (i > 0) {
        LOG.error("checkpoint {} of log {} unreadable; falling back to {}", candidate, root, checkpoints.get(i - 1));
      }
    }
    if (loaded == null) {
      if (!checkpoints.isEmpty()) {
        LOG.error("no readable checkpoint in log {}; replaying the ops still stored", root);
      }
      loaded = empty.get();
    }
    base = from;
    ops.headMap(base).clear();
    Timestamp start = from;
    unreadableOps.removeIf(ts -> ts.isBefore(start));
    cached.clear();
    state = loaded;
    sinceCached = 0;
    if (context.config().cachedStates() > 0) {
      cached.put(baseKey(), loaded.copy());
    }
    for (Map.Entry<Timestamp, O> entry : ops.entrySet()) {
      applyInOrder(entry.getKey(), entry.getValue());
    }
    rebuilds.increment();
  }

  private S loadCheckpoint(Timestamp ts) {
    ObjectKey key = checkpointKey(ts);
    try {
      byte[] sealed = store.getBytes(key);
      return LogEnvelope.open(aead, key, LogEnvelope.KIND_CHECKPOINT, sealed, codec::readState);
    } catch (ObjectNotFoundException e) {
      return null; // collected meanwhile; an older or newer one will do
    } catch (LogException e) {
      unreadable.increment();
      LOG.error("checkpoint {} unreadable: {}", key, e.getMessage());
      return null;
    }
  }

  private boolean checkpointIfDueLocked() {
    if (unverifiedCheckpoint != null) {
      withdrawUnverifiedCheckpoint(null);
      LOG.info("log {}: withdrew a checkpoint left unchecked while the store failed", root);
    }
    LogConfig config = context.config();
    long cutoff = context.wallClock().millis() - config.checkpointGrace().toMillis();
    if (cutoff <= base.millis()) {
      return false;
    }
    Timestamp boundary = new Timestamp(cutoff, 0);
    Map<Timestamp, O> covered = ops.headMap(boundary);
    if (covered.size() < config.checkpointEvery()) {
      return false;
    }
    S folded = stateBefore(boundary);
    ObjectKey key = checkpointKey(boundary);
    // Until its look for late ops passes, the checkpoint may hide an op that landed behind it (and
    // a PUT that failed may still have landed): if anything below fails, it is withdrawn, now or,
    // while the store keeps failing, before anything else this log does.
    unverifiedCheckpoint = key;
    Set<Timestamp> present = new HashSet<>();
    try {
      store.put(key, LogEnvelope.seal(aead, key, LogEnvelope.KIND_CHECKPOINT, codec.formatVersion(),
          out -> codec.writeState(folded, out)));
      // An op written meanwhile below the boundary would be lost to this checkpoint: look again.
      Optional<ObjectKey> after = base.equals(Timestamp.ZERO) ? Optional.empty() : Optional.of(opKey(base.justBefore()));
      try (var objects = store.listAll(opsPrefix(), after)) {
        objects.map(OpLog::parseName)
            .filter(ts -> ts != null && ts.isBefore(boundary) && !unreadableOps.contains(ts))
            .forEach(present::add);
      }
    } catch (RuntimeException e) {
      LOG.warn("checkpoint {} of log {} could not be checked for late ops; withdrawing it", boundary, root);
      withdrawUnverifiedCheckpoint(e);
      throw e;
    }
    if (!present.equals(covered.keySet())) {
      lateOps.increment();
      LOG.warn("checkpoint {} of log {} raced with a late op; withdrawing it", boundary, root);
      withdrawUnverifiedCheckpoint(null);
      return false;
    }
    unverifiedCheckpoint = null;
    checkpointsWritten.increment();
    base = boundary;
    ops.headMap(boundary).clear();
    unreadableOps.removeIf(ts -> ts.isBefore(boundary));
    cached.headMap(baseKey()).clear();
    if (config.cachedStates() > 0) {
      cached.put(baseKey(), folded);
    }
    collectGarbage();
    return true;
  }

  /**
   * Deletes {@link #unverifiedCheckpoint}. If that fails too it stays pending: with {@code cause}
   * the failure is added to it, else thrown.
   */
  private void withdrawUnverifiedCheckpoint(RuntimeException cause) {
    try {
      store.delete(unverifiedCheckpoint);
    } catch (RuntimeException e) {
      if (cause == null) {
        throw e;
      }
      cause.addSuppressed(e);
      return;
    }
    unverifiedCheckpoint = null;
    listedFully = false; // a late op it hid may lie outside the listing window: list everything next
  }

  /**
   * Deletes checkpoints and ops no reader needs any more: everything older than the newest
   * checkpoint that has been around for the GC grace period, except the newest few checkpoints
   * and the ops after the oldest of those (so falling back to any kept checkpoint stays correct).
   */
  private void collectGarbage() {
    LogConfig config = context.config();
    List<Timestamp> checkpoints = listCheckpoints();
    long settledBefore = context.wallClock().millis() - config.checkpointGrace().toMillis() - config.gcGrace().toMillis();
    Timestamp settled = null;
    for (Timestamp ts : checkpoints) {
      if (ts.millis() < settledBefore) {
        settled = ts;
      }
    }
    if (settled == null) {
      return;
    }
    int keepFrom = Math.max(0, checkpoints.size() - config.keepCheckpoints());
    Timestamp oldestKept = checkpoints.get(keepFrom);
    Timestamp opsBefore = settled.isBefore(oldestKept) ? settled : oldestKept;
    List<ObjectKey> doomed = new ArrayList<>();
    for (int i = 0; i < keepFrom; i++) {
      if (checkpoints.get(i).isBefore(settled)) {
        doomed.add(checkpointKey(checkpoints.get(i)));
      }
    }
    try (var objects = store.listAll(opsPrefix(), Optional.empty())) {
      objects.map(info -> Map.entry(info.key(), Optional.ofNullable(parseName(info))))
          .filter(e -> e.getValue().isPresent())
          .takeWhile(e -> e.getValue().get().isBefore(opsBefore))
          .forEach(e -> doomed.add(e.getKey()));
    }
    if (!doomed.isEmpty()) {
      store.deleteMany(doomed);
      LOG.debug("log {}: collected {} objects before {}", root, doomed.size(), opsBefore);
    }
  }

  // ---- replay ----

  /** Applies an op that sorts after every op applied so far. */
  private void applyInOrder(Timestamp ts, O op) {
    state = state.apply(op);
    LogConfig config = context.config();
    if (config.cachedStates() > 0 && ++sinceCached >= config.cacheEvery()) {
      sinceCached = 0;
      cached.put(ts, state.copy());
      while (cached.size() > config.cachedStates()) {
        cached.pollFirstEntry();
      }
    }
  }

  /** Rebuilds the state after {@code ops} changed at or after {@code from}. */
  private void rewindTo(Timestamp from) {
    rebuilds.increment();
    cached.tailMap(from, true).clear();
    Map.Entry<Timestamp, S> start = cached.lowerEntry(from);
    Timestamp startKey;
    if (start == null) {
      S reloaded = base.equals(Timestamp.ZERO) ? empty.get() : loadCheckpoint(base);
      if (reloaded == null) {
        // Our checkpoint vanished (withdrawn, or collected after a newer one we have not seen):
        // start over from whatever the store holds now.
        adoptCheckpoint(listCheckpoints());
        return;
      }
      state = reloaded;
      startKey = baseKey();
      if (context.config().cachedStates() > 0) {
        cached.put(startKey, reloaded.copy());
      }
    } else {
      state = start.getValue().copy();
      startKey = start.getKey();
    }
    sinceCached = 0;
    for (Map.Entry<Timestamp, O> entry : ops.tailMap(startKey, false).entrySet()) {
      applyInOrder(entry.getKey(), entry.getValue());
    }
  }

  /** A fresh state folding exactly the ops before {@code boundary}. */
  private S stateBefore(Timestamp boundary) {
    Map.Entry<Timestamp, S> start = cached.lowerEntry(boundary);
    S result;
    Timestamp startKey;
    if (start == null) {
      result = base.equals(Timestamp.ZERO) ? empty.get() : loadCheckpoint(base);
      if (result == null) {
        throw new LogException("checkpoint " + base + " of log " + root + " vanished while folding ops", null);
      }
      startKey = baseKey();
    } else {
      result = start.getValue().copy();
      startKey = start.getKey();
    }
    for (O op : ops.subMap(startKey, false, boundary, false).values()) {
      result = result.apply(op);
    }
    return result;
  }

  private Timestamp baseKey() {
    return base.equals(Timestamp.ZERO) ? Timestamp.ZERO : base.justBefore();
  }

  // ---- keys ----

  private String opsPrefix() {
    return root.asPrefix() + "op/";
  }

  private String checkpointsPrefix() {
    return root.asPrefix() + "ckpt/";
  }

  private ObjectKey opKey(Timestamp ts) {
    return root.resolve("op", ts.toHex());
  }

  private ObjectKey checkpointKey(Timestamp ts) {
    return root.resolve("ckpt", ts.toHex());
  }

  private static Timestamp parseName(ObjectInfo info) {
    try {
      return Timestamp.parse(info.key().name());
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring {}: not a log object", info.key());
      return null;
    }
  }

  private void notifyListeners(LogChange change) {
    if (change.newOps() == 0 && !change.rebuilt()) {
      return;
    }
    for (Consumer<LogChange> listener : listeners) {
      try {
        listener.accept(change);
      } catch (RuntimeException e) {
        LOG.error("log listener failed", e);
      }
    }
  }
}
