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
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What a checkpoint of an N-message mailbox costs in the store (sealed and compressed), and what
 * opening that mailbox costs a fresh node: requests and time to reach the state.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.CheckpointSize [messages]</pre>
 */
public final class CheckpointSize {

  public static void main(String[] args) {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    SplittableRandom random = new SplittableRandom(42);
    MemoryObjectStore store = new MemoryObjectStore();
    Aead aead = new Aead(SymmetricKey.random());
    ObjectKey root = ObjectKey.of("users/bench/log/mbx-1");
    // No grace: the checkpoint may fold everything at once (the grace periods are about timing
    // between nodes, not about size).
    LogConfig config = LogConfig.DEFAULTS.withGrace(Duration.ZERO, Duration.ofHours(1)).withCheckpointEvery(50);
    OpLog<UidIndex, UidIndexOp> writer = log(store, aead, root, config, random);
    Flags[] mix = {Flags.of("\\Seen"), Flags.of("\\Seen"), Flags.of("\\Seen", "\\Answered"), Flags.NONE};
    for (int i = 0; i < messages; i += 1000) {
      List<Added> batch = new ArrayList<>();
      for (int j = i; j < Math.min(messages, i + 1000); j++) {
        batch.add(new Added(MessageId.random(random), mix[random.nextInt(mix.length)]));
      }
      writer.append(state -> state.mailAdd(batch));
    }
    writer.checkpointIfDue();
    long checkpointBytes = store.listAll(root.asPrefix() + "ckpt/", Optional.empty())
        .mapToLong(ObjectInfo::size).max().orElse(0);
    long ops = store.listAll(root.asPrefix() + "op/", Optional.empty()).count();

    MemoryObjectStore.RequestCounts before = store.requestCounts();
    long start = System.nanoTime();
    OpLog<UidIndex, UidIndexOp> fresh = log(store, aead, root, config, random);
    fresh.sync();
    long openMicros = (System.nanoTime() - start) / 1000;
    MemoryObjectStore.RequestCounts open = store.requestCounts().since(before);
    before = store.requestCounts();
    fresh.sync();
    MemoryObjectStore.RequestCounts quiet = store.requestCounts().since(before);

    System.out.printf("%d messages: checkpoint %d bytes sealed (%.1f bytes/message); %d op objects still stored (collected after the GC grace)%n",
        messages, checkpointBytes, checkpointBytes / (double) messages, ops);
    System.out.printf("fresh node opens the log in %.1f ms with %s; a quiet sync costs %s%n",
        openMicros / 1000.0, open, quiet);
    if (!fresh.snapshot().equals(writer.snapshot())) {
      throw new AssertionError("the fresh node does not hold the writer's state");
    }
  }

  private static OpLog<UidIndex, UidIndexOp> log(
      MemoryObjectStore store, Aead aead, ObjectKey root, LogConfig config, SplittableRandom random) {
    LogContext context = new LogContext(store, new HybridClock(InstantSource.system(), random.split()),
        InstantSource.system(), Runnable::run, new SimpleMeterRegistry(), config);
    return new OpLog<>(context, root, new UidIndexCodec(), aead, () -> new UidIndex(1));
  }
}
