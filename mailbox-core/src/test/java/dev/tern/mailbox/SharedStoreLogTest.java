package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.Aead;
import dev.tern.crypto.SymmetricKey;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.log.OpLog;
import dev.tern.mailbox.UidIndexOp.Added;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several nodes (one {@link OpLog} each, with its own clock) appending to one mailbox's log on a
 * real shared store, at the same time, with checkpoints and garbage collection running under
 * them. After a final sync every node, and a node that starts afresh, hold the same index; every
 * acknowledged add is there unless some node deleted it; and the proof's theorem 2 holds for
 * everything the nodes showed: between two states of which the later knows every op of the
 * earlier (one node's successive states; any state and the final one), a UID that names another
 * message comes with a higher UIDVALIDITY. (Two nodes' concurrent states may disagree under one
 * UIDVALIDITY: each has ops the other has not; the proof says the UIDVALIDITY rises when they meet.)
 */
abstract class SharedStoreLogTest {

  private static final int NODES = 4;
  private static final int APPENDS_PER_NODE = 40;
  private static final ObjectKey ROOT = ObjectKey.of("users/shared/log/mbx-1");

  /** Short grace periods so that checkpoints and collection happen while nodes write. */
  private static final LogConfig CONFIG = LogConfig.DEFAULTS
      .withCheckpointEvery(15)
      .withGrace(Duration.ofMillis(200), Duration.ofMillis(300))
      .withCache(8, 4);

  private final Aead aead = new Aead(SymmetricKey.random());
  /** Test time: every append moves it on a little, so grace periods pass as the run goes. */
  private final AtomicLong wall = new AtomicLong(1_795_000_000_000L);
  private final InstantSource time = () -> Instant.ofEpochMilli(wall.get());
  private final ExecutorService fetches = Executors.newVirtualThreadPerTaskExecutor();
  private ObjectStore store;

  abstract ObjectStore openStore() throws Exception;

  /** A second handle on the same store, as another process would open it. */
  abstract ObjectStore openAnotherHandle() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void close() {
    fetches.close();
    store.close();
  }

  @Test
  void concurrentWritersConvergeAndNeverReuseAUid() throws Exception {
    List<ObjectStore> handles = new ArrayList<>();
    List<OpLog<UidIndex, UidIndexOp>> nodes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      ObjectStore handle = i == 0 ? store : openAnotherHandle();
      handles.add(handle);
      nodes.add(node(handle, i));
    }
    Set<MessageId> added = ConcurrentHashMap.newKeySet();
    Set<MessageId> deleted = ConcurrentHashMap.newKeySet();
    List<List<Shown>> shown = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      shown.add(new ArrayList<>());
    }

    CyclicBarrier start = new CyclicBarrier(NODES);
    try (ExecutorService writers = Executors.newFixedThreadPool(NODES)) {
      List<Future<?>> done = new ArrayList<>();
      for (int n = 0; n < NODES; n++) {
        OpLog<UidIndex, UidIndexOp> node = nodes.get(n);
        List<Shown> mine = shown.get(n);
        SplittableRandom random = new SplittableRandom(n);
        done.add(writers.submit(() -> {
          start.await();
          for (int i = 0; i < APPENDS_PER_NODE; i++) {
            int dice = random.nextInt(10);
            if (dice < 5) {
              List<Added> batch = new ArrayList<>();
              for (int k = 1 + random.nextInt(3); k > 0; k--) {
                batch.add(new Added(MessageId.random(random), Flags.NONE));
              }
              node.append(state -> state.mailAdd(batch));
              batch.forEach(a -> added.add(a.message()));
            } else {
              MessageId[] victim = new MessageId[1];
              node.append(state -> {
                List<MessageId> present = new ArrayList<>();
                state.entries().forEach(e -> present.add(e.message()));
                if (present.isEmpty()) {
                  return null;
                }
                victim[0] = present.get(random.nextInt(present.size()));
                return dice < 8
                    ? state.flagAdd(List.of(victim[0]), Flags.of("\\Seen"))
                    : state.mailDel(List.of(victim[0]));
              });
              if (dice >= 8 && victim[0] != null) {
                deleted.add(victim[0]);
              }
            }
            mine.add(Shown.of(node.snapshot()));
            wall.addAndGet(5 + random.nextInt(20));
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    }

    for (OpLog<UidIndex, UidIndexOp> node : nodes) {
      node.sync();
    }
    UidIndex reference = nodes.get(0).snapshot();
    Shown last = Shown.of(reference);
    for (List<Shown> states : shown) {
      for (int i = 0; i < states.size(); i++) {
        for (Shown later : states.subList(i + 1, states.size())) {
          states.get(i).checkAgainst(later);
        }
        states.get(i).checkAgainst(last);
      }
    }
    assertTrue(last.uidValidity() > 1, "concurrent adds were meant to conflict and raise UIDVALIDITY");

    for (OpLog<UidIndex, UidIndexOp> node : nodes) {
      assertEquals(reference, node.snapshot());
    }
    OpLog<UidIndex, UidIndexOp> fresh = node(openAnotherHandle(), NODES);
    fresh.sync();
    assertEquals(reference, fresh.snapshot());

    Set<MessageId> expected = new HashSet<>(added);
    expected.removeAll(deleted);
    Set<MessageId> present = new HashSet<>();
    reference.entries().forEach(e -> present.add(e.message()));
    assertEquals(expected, present);
    assertTrue(fresh.checkpoint().millis() > 0, "the run was meant to write checkpoints");

    for (ObjectStore handle : handles) {
      if (handle != store) {
        handle.close();
      }
    }
  }

  private OpLog<UidIndex, UidIndexOp> node(ObjectStore handle, int seed) {
    LogContext context = new LogContext(handle, new HybridClock(time, new SplittableRandom(seed)), time, fetches, new SimpleMeterRegistry(), CONFIG);
    return new OpLog<>(context, ROOT, new UidIndexCodec(), aead, () -> new UidIndex(1));
  }

  /** What a node showed: its UIDVALIDITY and UID → message map. */
  private record Shown(long uidValidity, Map<Long, MessageId> byUid) {

    static Shown of(UidIndex state) {
      Map<Long, MessageId> byUid = new HashMap<>();
      state.entries().forEach(e -> byUid.put(e.uid(), e.message()));
      return new Shown(state.uidValidity(), byUid);
    }

    /** Theorem 2 for this state and a later one that knows all its ops. */
    void checkAgainst(Shown later) {
      assertTrue(later.uidValidity >= uidValidity, "UIDVALIDITY went down");
      for (Map.Entry<Long, MessageId> entry : byUid.entrySet()) {
        MessageId now = later.byUid.get(entry.getKey());
        if (now != null && !now.equals(entry.getValue())) {
          assertTrue(later.uidValidity > uidValidity, "UID " + entry.getKey() + " named " + entry.getValue()
              + " then " + now + " under UIDVALIDITY " + uidValidity);
        }
      }
    }
  }
}
