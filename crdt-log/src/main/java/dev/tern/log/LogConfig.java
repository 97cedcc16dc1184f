package dev.tern.log;

import java.time.Duration;
import java.util.Objects;

/**
 * How a log checkpoints, collects garbage and caches states. The defaults and why:
 *
 * <ul>
 *   <li>{@code checkpointEvery = 500} ops: opening a log costs one checkpoint GET plus one GET per
 *       op after it, fetched {@code fetchParallelism} at a time, so at most ~500 small GETs (well
 *       under a second on S3); a checkpoint of a 100 000-message mailbox is a few MB, so writing
 *       one every 500 ops costs a few kB per op — far less than the ops themselves.
 *   <li>{@code checkpointGrace = 10 min}: a checkpoint only covers ops whose timestamp is at least
 *       this old. An op lands behind a checkpoint only if its PUT took longer than this (the S3
 *       client times out in seconds) or its writer's clock lags by more; both are detected anyway
 *       (see {@link OpLog}).
 *   <li>{@code gcGrace = 1 h}: ops and checkpoints covered by a newer checkpoint are deleted only
 *       once that checkpoint is an hour old, so a node that opened the log just before it still
 *       finds what it is fetching; {@code keepCheckpoints = 3} newest checkpoints always stay, so
 *       an unreadable newest one (a bug, a bad disk) still leaves an older one to start from.
 *   <li>{@code cacheEvery = 64}, {@code cachedStates = 4}: a rewind for an op that sorts before ops
 *       already applied replays at most ~64 ops from a cached copy; late ops are almost always
 *       recent, so four copies cover them, and memory stays at a few copies of the state. An
 *       older rewind reloads the checkpoint.
 *   <li>{@code fetchParallelism = 16}: S3 latency, not bandwidth, bounds fetching small ops.
 *   <li>{@code listWindow = 30 s}, {@code fullListEvery = 5 min}: a sync lists only the ops from
 *       {@code listWindow} before the newest op it knows, so its cost follows the recent write
 *       rate, not the ops piled up since the last checkpoint (up to ten minutes' worth, thousands
 *       during an import). That is enough because a writer withdraws and rewrites any op whose PUT
 *       completed more than half the window (15 s, beyond any healthy PUT) after its timestamp, so
 *       an op can only land outside the window if clocks disagree by over 15 s; a full listing
 *       every five minutes (and on opening, and on a new checkpoint) catches even that.
 * </ul>
 */
public record LogConfig(int checkpointEvery, Duration checkpointGrace, Duration gcGrace, int keepCheckpoints,
    int cacheEvery, int cachedStates, int fetchParallelism, Duration listWindow, Duration fullListEvery) {

  public static final LogConfig DEFAULTS = new LogConfig(500, Duration.ofMinutes(10), Duration.ofHours(1), 3, 64, 4, 16,
      Duration.ofSeconds(30), Duration.ofMinutes(5));

  public LogConfig {
    Objects.requireNonNull(checkpointGrace);
    Objects.requireNonNull(gcGrace);
    Objects.requireNonNull(listWindow);
    Objects.requireNonNull(fullListEvery);
    if (checkpointEvery < 1 || keepCheckpoints < 1 || cacheEvery < 1 || cachedStates < 0 || fetchParallelism < 1) {
      throw new IllegalArgumentException("bad log config " + this);
    }
    if (checkpointGrace.isNegative() || gcGrace.isNegative() || listWindow.isNegative() || fullListEvery.isNegative()) {
      throw new IllegalArgumentException("grace periods must not be negative");
    }
  }

  public LogConfig withCheckpointEvery(int ops) {
    return new LogConfig(ops, checkpointGrace, gcGrace, keepCheckpoints, cacheEvery, cachedStates, fetchParallelism, listWindow, fullListEvery);
  }

  public LogConfig withGrace(Duration checkpoint, Duration gc) {
    return new LogConfig(checkpointEvery, checkpoint, gc, keepCheckpoints, cacheEvery, cachedStates, fetchParallelism, listWindow, fullListEvery);
  }

  public LogConfig withCache(int every, int states) {
    return new LogConfig(checkpointEvery, checkpointGrace, gcGrace, keepCheckpoints, every, states, fetchParallelism,
        listWindow, fullListEvery);
  }

  public LogConfig withListing(Duration window, Duration fullEvery) {
    return new LogConfig(checkpointEvery, checkpointGrace, gcGrace, keepCheckpoints, cacheEvery, cachedStates,
        fetchParallelism, window, fullEvery);
  }
}
