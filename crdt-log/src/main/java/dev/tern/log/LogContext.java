package dev.tern.log;

import dev.tern.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What every log of a node shares: the store, the node's hybrid clock (one per node, so all its
 * logs move past every timestamp it has seen), the wall clock that grace periods are measured
 * with, an executor for parallel fetches (virtual threads suit: fetches block on I/O), metrics,
 * and the configuration.
 */
public record LogContext(ObjectStore store, HybridClock clock, InstantSource wallClock, Executor fetchExecutor,
    MeterRegistry meters, LogConfig config) {

  public LogContext {
    Objects.requireNonNull(store);
    Objects.requireNonNull(clock);
    Objects.requireNonNull(wallClock);
    Objects.requireNonNull(fetchExecutor);
    Objects.requireNonNull(meters);
    Objects.requireNonNull(config);
  }
}
