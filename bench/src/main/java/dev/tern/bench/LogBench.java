package dev.tern.bench;

import dev.tern.crypto.Aead;
import dev.tern.crypto.SymmetricKey;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.log.OpLog;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.UidIndex;
import dev.tern.mailbox.UidIndexCodec;
import dev.tern.mailbox.UidIndexOp;
import dev.tern.mailbox.UidIndexOp.Added;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The log and the UID index: applying ops to a 100 000-message index, encoding and decoding its
 * checkpoint, and a whole {@link OpLog#append} (sync, seal, put) on an in-memory store, which is
 * the log's own cost without the network.
 *
 * <pre>bench/run LogBench -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogBench {

  static final int MESSAGES = 100_000;

  private final SplittableRandom random = new SplittableRandom(42);
  private final UidIndexCodec codec = new UidIndexCodec();
  private UidIndex index;
  private List<MessageId> ids;
  private byte[] checkpoint;
  private OpLog<UidIndex, UidIndexOp> log;
  private int next;

  @Setup(Level.Iteration)
  public void setUp() throws IOException {
    index = new UidIndex(1);
    ids = new ArrayList<>(MESSAGES);
    List<Added> batch = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      MessageId id = MessageId.random(random);
      ids.add(id);
      batch.add(new Added(id, i % 3 == 0 ? Flags.NONE : Flags.of("\\Seen")));
      if (batch.size() == 1000) {
        index.apply(index.mailAdd(batch));
        batch.clear();
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.writeState(index, out);
    checkpoint = out.toByteArray();

    MemoryObjectStore store = new MemoryObjectStore();
    LogContext context = new LogContext(store, new HybridClock(InstantSource.system(), random.split()),
        InstantSource.system(), Runnable::run, new SimpleMeterRegistry(),
        LogConfig.DEFAULTS.withGrace(Duration.ofMinutes(10), Duration.ofHours(1)));
    log = new OpLog<>(context, ObjectKey.of("users/bench/log/mbx-1"), codec, new Aead(SymmetricKey.random()),
        () -> new UidIndex(1));
  }

  /** STORE +FLAGS on one message of a 100 000-message index. */
  @Benchmark
  public UidIndex applyFlagAdd() {
    MessageId id = ids.get(next++ % MESSAGES);
    return index.apply(index.flagAdd(List.of(id), Flags.of("\\Flagged")));
  }

  /** One delivered message appended to a 100 000-message (and growing) index. */
  @Benchmark
  public UidIndex applyMailAdd() {
    return index.apply(index.mailAdd(List.of(new Added(MessageId.random(random), Flags.NONE))));
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public void encodeCheckpoint100k() throws IOException {
    codec.writeState(index, OutputStream.nullOutputStream());
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public UidIndex decodeCheckpoint100k() throws IOException {
    return codec.readState(codec.formatVersion(), new ByteArrayInputStream(checkpoint));
  }

  /** A whole append on a growing log: sync (2 LISTs), seal, PUT, post-PUT LIST, apply. */
  @Benchmark
  public Object oplogAppend() {
    return log.append(state -> state.mailAdd(List.of(new Added(MessageId.random(random), Flags.NONE))));
  }
}
