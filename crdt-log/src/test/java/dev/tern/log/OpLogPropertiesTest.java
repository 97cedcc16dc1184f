package dev.tern.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tern.crypto.Aead;
import dev.tern.crypto.SymmetricKey;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Random histories of 2–5 nodes sharing one store: appends, syncs, clock skew, time passing
 * (so checkpoints and garbage collection happen), and writes that stall while other nodes act
 * (so ops land behind ops already applied). Whatever happened, after a final sync every node,
 * and a new node starting from the newest checkpoint, holds the replay of every written op in
 * timestamp order.
 */
class OpLogPropertiesTest {

  private static final ObjectKey ROOT = ObjectKey.of("users/u/log/prop");

  // 3 000 histories: a one-in-a-thousand interleaving is missed with probability e^-3 (5 %).
  @Property(tries = 3000)
  void checkpointPlusTailEqualsFullReplayWhateverTheInterleaving(@ForAll long seed) {
    new History(seed).run();
    // The property proves little unless the histories reach the hard cases.
    Statistics.label("checkpoints written").coverage(c -> c.check("5+").percentage(p -> p > 20));
    Statistics.label("late ops detected").coverage(c -> c.checkQuery(l -> !l.get(0).equals("0")).count(n -> n > 0));
    Statistics.label("fresh node starts from a checkpoint").coverage(c -> c.check(true).percentage(p -> p > 50));
  }

  private static final class History {
    final SplittableRandom random;
    final MemoryObjectStore memory = new MemoryObjectStore();
    final HookedStore store = new HookedStore(memory);
    final ManualClock wall = new ManualClock(Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
    final Aead aead = new Aead(SymmetricKey.random());
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final LogConfig config;
    final List<OpLog<Trace, Integer>> nodes = new ArrayList<>();
    final TreeMap<Timestamp, Integer> written = new TreeMap<>();
    /** Nodes inside a stalled write: they hold their log's lock, so they cannot act meanwhile. */
    final Set<OpLog<Trace, Integer>> stalled = new HashSet<>();
    int nextOp;

    History(long seed) {
      random = new SplittableRandom(seed);
      config = LogConfig.DEFAULTS
          .withCheckpointEvery(1 + random.nextInt(20))
          .withGrace(Duration.ofMinutes(10), Duration.ofMinutes(30))
          .withCache(1 + random.nextInt(8), random.nextInt(4));
      int count = 2 + random.nextInt(4);
      for (int i = 0; i < count; i++) {
        nodes.add(node(random.nextLong(-3_000, 3_000)));
      }
    }

    OpLog<Trace, Integer> node(long skew) {
      InstantSource skewed = () -> Instant.ofEpochMilli(wall.millis() + skew);
      HybridClock clock = new HybridClock(skewed, random.split()::nextLong);
      LogContext context = new LogContext(store, clock, skewed, Runnable::run, meters, config);
      return new OpLog<>(context, ROOT, new Trace.Codec(), aead, Trace::new);
    }

    void run() {
      int steps = 30 + random.nextInt(120);
      for (int i = 0; i < steps; i++) {
        step();
      }
      for (OpLog<Trace, Integer> node : nodes) {
        node.sync();
      }
      List<Integer> expected = new ArrayList<>(written.values());
      for (OpLog<Trace, Integer> node : nodes) {
        assertEquals(expected, node.snapshot().applied);
      }
      OpLog<Trace, Integer> fresh = node(0);
      fresh.sync();
      assertEquals(expected, fresh.snapshot().applied);
      Statistics.label("checkpoints written").collect(bucket(meters.counter("tern.log.checkpoints.written").count()));
      Statistics.label("late ops detected").collect(bucket(meters.counter("tern.log.ops.late").count()));
      Statistics.label("fresh node starts from a checkpoint").collect(!fresh.checkpoint().equals(Timestamp.ZERO));
    }

    private static String bucket(double count) {
      return count == 0 ? "0" : count < 5 ? "1-4" : "5+";
    }

    void step() {
      List<OpLog<Trace, Integer>> free = nodes.stream().filter(n -> !stalled.contains(n)).toList();
      if (free.isEmpty()) {
        return;
      }
      OpLog<Trace, Integer> node = free.get(random.nextInt(free.size()));
      int dice = random.nextInt(100);
      if (dice < 45) {
        append(node);
      } else if (dice < 60 && stalled.size() < 2) {
        // This write stalls: other nodes act before its PUT lands.
        int others = 1 + random.nextInt(4);
        store.beforePut(key -> key.toString().contains("/op/"), () -> {
          stalled.add(node);
          for (int i = 0; i < others; i++) {
            step();
          }
          stalled.remove(node);
        });
        append(node);
      } else if (dice < 85) {
        node.sync();
      } else {
        wall.advance(Duration.ofSeconds(random.nextInt(300)));
      }
    }

    void append(OpLog<Trace, Integer> node) {
      int op = nextOp++;
      Timestamp ts = node.append(state -> op).orElseThrow();
      written.put(ts, op);
    }
  }
}
