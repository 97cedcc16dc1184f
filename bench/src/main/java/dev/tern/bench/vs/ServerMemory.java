package dev.tern.bench.vs;

import java.io.IOException;
import java.util.Map;

/**
 * The memory a running server process uses, seen from outside it: {@link JvmMemory} for a JVM
 * (Tern), {@link DovecotMemory} for Dovecot's tree of processes.
 */
sealed interface ServerMemory extends AutoCloseable permits JvmMemory, DovecotMemory {

  /**
   * One reading. {@code bytes} is the figure the servers are compared on (JVM: live heap after a
   * full GC; Dovecot: proportional set size of all its processes); {@code parts} adds what else
   * was measured (direct buffers, the JVM process's PSS, processes by name…), name → bytes or count.
   */
  record Footprint(long bytes, Map<String, Long> parts) { }

  /**
   * A peak measured around one piece of work on one connection: {@code growth} is the highest
   * memory seen during the work minus {@code baseline}; {@code parts} adds details.
   */
  record Peak(long baseline, long growth, Map<String, Long> parts, String method) { }

  /** Watches one connection's work; {@link #sample} is called when the client paused reading. */
  interface PeakWatch {
    /** Whether {@link #sample} reads anything, so the client should pause its reading now and then. */
    default boolean samplesOnPause() {
      return true;
    }

    /** The client stopped reading and the server is stalled on its writes: a good moment to look. */
    void sample() throws IOException;

    Peak finish() throws IOException;
  }

  /** What is measured, for the report: the process and the method. */
  String describe();

  /** The memory now, after letting it settle (a full GC in a JVM). */
  Footprint footprint() throws IOException;

  /** Starts watching the peak of the work {@code connection} is about to ask for. */
  PeakWatch watchPeak(ImapClient connection) throws IOException;

  @Override
  void close() throws IOException;
}
