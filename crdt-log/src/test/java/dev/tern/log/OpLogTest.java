package dev.tern.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.Aead;
import dev.tern.crypto.SymmetricKey;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.MemoryObjectStore.RequestCounts;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpLogTest {

  private static final ObjectKey ROOT = ObjectKey.of("users/u1/log/test");
  private static final long START = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

  private final MemoryObjectStore memory = new MemoryObjectStore();
  private final HookedStore store = new HookedStore(memory);
  private final ManualClock wall = new ManualClock(START);
  private final Aead aead = new Aead(SymmetricKey.random());
  private final SplittableRandom random = new SplittableRandom(42);
  private LogConfig config = LogConfig.DEFAULTS.withCheckpointEvery(10).withCache(4, 3);

  /** One simulated daemon: its own hybrid clock (its wall clock may be skewed) and its own log. */
  final class Node {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final OpLog<Trace, Integer> log;

    Node() {
      this(0);
    }

    Node(long skewMillis) {
      InstantSource skewed = () -> Instant.ofEpochMilli(wall.millis() + skewMillis);
      HybridClock clock = new HybridClock(skewed, random.split()::nextLong);
      LogContext context = new LogContext(store, clock, skewed, Runnable::run, meters, config);
      log = new OpLog<>(context, ROOT, new Trace.Codec(), aead, Trace::new);
    }

    Timestamp append(int op) {
      return log.append(state -> op).orElseThrow();
    }

    Trace state() {
      return log.snapshot();
    }

    double late() {
      return meters.counter("tern.log.ops.late").count();
    }
  }

  private List<String> keys(String under) {
    try (var objects = memory.listAll(ROOT.asPrefix() + under, Optional.empty())) {
      return objects.map(ObjectInfo::key).map(ObjectKey::toString).toList();
    }
  }

  @Test
  void aQuietSyncListsOnlyTheRecentWindowNotEveryOpSinceTheCheckpoint() {
    config = LogConfig.DEFAULTS.withCheckpointEvery(100_000); // no checkpoint: 1 500 ops pile up
    Node a = new Node();
    Node b = new Node();
    for (int i = 0; i < 1500; i++) {
      a.append(i);
      wall.advance(Duration.ofMillis(200)); // 5 minutes in all
    }
    b.log.sync(); // opening: a full listing, two pages of ops
    a.append(1500);
    RequestCounts before = memory.requestCounts();
    b.log.sync();
    RequestCounts cost = memory.requestCounts().since(before);
    assertEquals(1, cost.lists(), "one page of the 30-second window; checkpoints wait for the full listing");
    assertEquals(1, cost.gets(), "only the new op is fetched");
    assertEquals(a.state(), b.state());
    // A full listing comes back by itself, and finds nothing the window missed.
    wall.advance(config.fullListEvery());
    before = memory.requestCounts();
    b.log.sync();
    assertEquals(3, memory.requestCounts().since(before).lists(), "checkpoints, then two pages of ops");
    assertEquals(a.state(), b.state());
  }

  @Test
  void pollersShareOneSyncPerPeriodAndAnAppendCountsAsOne() {
    Node a = new Node();
    Node b = new Node();
    a.append(1);
    Duration period = Duration.ofSeconds(5);
    assertEquals(1, b.log.syncIfOlderThan(period).newOps());
    a.append(2);
    RequestCounts before = memory.requestCounts();
    for (int poller = 0; poller < 100; poller++) {
      assertEquals(0, b.log.syncIfOlderThan(period).newOps());
    }
    assertEquals(0, memory.requestCounts().since(before).total(), "synced less than a period ago");
    wall.advance(period.plusMillis(1));
    assertEquals(1, b.log.syncIfOlderThan(period).newOps());
    assertEquals(List.of(1, 2), b.state().applied);
    wall.advance(period.plusMillis(1));
    b.append(3); // an append syncs first
    before = memory.requestCounts();
    b.log.syncIfOlderThan(period);
    assertEquals(0, memory.requestCounts().since(before).total());
  }

  @Test
  void anOpThatLandsLongAfterItsTimestampIsWrittenAgain() {
    Node a = new Node();
    Node b = new Node();
    a.append(1);
    // b's PUT stalls for a minute: an op landing that late could fall outside other nodes' window.
    store.beforePut(key -> key.toString().contains("/op/"), () -> wall.advance(Duration.ofMinutes(1)));
    Timestamp written = b.append(2);
    assertEquals(1, b.late());
    assertTrue(wall.millis() - written.millis() < config.listWindow().toMillis() / 2, "rewritten with a fresh timestamp");
    a.log.sync();
    assertEquals(List.of(1, 2), a.state().applied);
    assertEquals(2, keys("op/").size(), "the late copy was withdrawn");
  }

  @Test
  void anotherNodeSeesTheSameOpsInTheSameOrder() {
    Node a = new Node();
    Node b = new Node();
    for (int i = 0; i < 5; i++) {
      a.append(i);
      wall.advance(Duration.ofMillis(3));
    }
    LogChange change = b.log.sync();
    assertEquals(5, change.newOps());
    assertEquals(List.of(0, 1, 2, 3, 4), b.state().applied);
    assertEquals(a.state(), b.state());
  }

  @Test
  void anOpThatSortsBeforeAppliedOpsIsMergedInTimestampOrder() {
    Node a = new Node();
    Node slow = new Node(-5_000); // its clock is five seconds behind
    Node reader = new Node();
    a.append(1);
    slow.log.sync();
    // The slow node stamps its op, and before its PUT lands, a writes two ops and the reader sees them.
    store.beforePut(key -> key.toString().contains("/op/"), () -> {
      wall.advance(Duration.ofMillis(10));
      a.append(2);
      a.append(3);
      reader.log.sync();
    });
    slow.append(99);
    assertEquals(List.of(1, 2, 3), reader.state().applied);

    LogChange change = reader.log.sync();
    assertTrue(change.rebuilt(), "the reader had to rewind");
    assertEquals(List.of(1, 99, 2, 3), reader.state().applied);
    a.log.sync();
    slow.log.sync();
    assertEquals(reader.state(), a.state());
    assertEquals(reader.state(), slow.state());
  }

  @Test
  void aSyncThatFindsNothingNewCostsOneListAndNoGets() {
    Node a = new Node();
    Node b = new Node();
    for (int i = 0; i < 20; i++) {
      a.append(i);
    }
    b.log.sync();
    RequestCounts before = memory.requestCounts();
    LogChange change = b.log.sync();
    RequestCounts cost = memory.requestCounts().since(before);
    assertEquals(new LogChange(0, false), change);
    assertEquals(new RequestCounts(0, 0, 0, 1, 0), cost);
  }

  @Test
  void checkpointFoldsOnlyOpsOlderThanTheGracePeriodAndANewReaderStartsFromIt() {
    Node a = new Node();
    for (int i = 0; i < 25; i++) {
      a.append(i);
    }
    assertTrue(keys("ckpt/").isEmpty(), "nothing is older than the grace period yet");
    wall.advance(config.checkpointGrace().plusSeconds(1));
    a.append(25); // newer than the grace period: stays out of the checkpoint
    List<String> checkpoints = keys("ckpt/");
    assertEquals(1, checkpoints.size());
    assertEquals(a.log.checkpoint().toHex(), checkpoints.get(0).substring(checkpoints.get(0).lastIndexOf('/') + 1));

    RequestCounts before = memory.requestCounts();
    Node fresh = new Node();
    fresh.log.sync();
    RequestCounts cost = memory.requestCounts().since(before);
    assertEquals(a.state(), fresh.state());
    assertEquals(a.log.checkpoint(), fresh.log.checkpoint());
    assertEquals(2, cost.gets(), "one checkpoint and the one op after it");
  }

  @Test
  void aReaderAdoptsAnotherNodesCheckpointAtItsNextFullListingAndAgreesMeanwhile() {
    Node a = new Node();
    Node b = new Node();
    for (int i = 0; i < 25; i++) {
      a.append(i);
    }
    wall.advance(config.checkpointGrace().plusSeconds(1));
    b.log.sync(); // a full listing
    a.append(25); // writes a checkpoint of the first 25
    assertEquals(1, keys("ckpt/").size());

    b.log.sync(); // quiet: one LIST of ops, the checkpoint not looked at yet
    assertEquals(a.state(), b.state());
    assertFalse(a.log.checkpoint().equals(b.log.checkpoint()), "adopted before its full listing");

    wall.advance(config.fullListEvery());
    b.log.sync();
    assertEquals(a.log.checkpoint(), b.log.checkpoint());
    assertEquals(a.state(), b.state());
  }

  @Test
  void oldCheckpointsAndTheOpsTheyCoverAreCollectedAfterTheGcGrace() {
    Node a = new Node();
    int op = 0;
    for (int round = 0; round < 6; round++) {
      for (int i = 0; i < 12; i++) {
        a.append(op++);
      }
      wall.advance(config.checkpointGrace().plus(config.gcGrace()).plusMinutes(1));
    }
    a.append(op++);
    List<String> checkpoints = keys("ckpt/");
    assertEquals(config.keepCheckpoints(), checkpoints.size(), "the newest few checkpoints stay: " + checkpoints);
    Timestamp oldestKept = Timestamp.parse(checkpoints.get(0).substring(checkpoints.get(0).lastIndexOf('/') + 1));
    for (String key : keys("op/")) {
      assertFalse(Timestamp.parse(key.substring(key.lastIndexOf('/') + 1)).isBefore(oldestKept),
          "op " + key + " older than every kept checkpoint survived");
    }
    Node fresh = new Node();
    fresh.log.sync();
    assertEquals(a.state(), fresh.state());
    assertEquals(op, fresh.state().applied.size());
  }

  @Test
  void aWriterWhoseOpLandsBehindANewCheckpointWritesItAgain() {
    Node a = new Node();
    Node lagging = new Node(-Duration.ofMinutes(30).toMillis());
    for (int i = 0; i < 12; i++) {
      a.append(i);
    }
    lagging.log.sync();
    wall.advance(config.checkpointGrace().plusMinutes(1));
    // Between the lagging node's sync and its PUT, a checkpoints everything older than 10 minutes.
    store.beforePut(key -> key.toString().contains("/op/"), () -> {
      a.append(100);
      assertEquals(1, keys("ckpt/").size());
    });
    Timestamp written = lagging.append(7);
    assertEquals(1, lagging.late());
    assertTrue(a.log.checkpoint().isBefore(written), "written again after the checkpoint");

    a.log.sync();
    Node fresh = new Node();
    fresh.log.sync();
    List<Integer> expected = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100, 7));
    assertEquals(expected, a.state().applied);
    assertEquals(a.state(), lagging.state());
    assertEquals(a.state(), fresh.state());
  }

  @Test
  void aCheckpointThatRacedWithALateOpIsWithdrawn() {
    Node a = new Node();
    for (int i = 0; i < 12; i++) {
      a.append(i);
    }
    Timestamp stalled = new Timestamp(START + 1, 77); // stamped long ago, its PUT stalled until now
    wall.advance(config.checkpointGrace().plusMinutes(1));
    // The stalled PUT lands after a listed the ops, just before a's checkpoint PUT.
    store.beforePut(key -> key.toString().contains("/ckpt/"), () -> {
      ObjectKey key = ROOT.resolve("op", stalled.toHex());
      memory.put(key, LogEnvelope.seal(aead, key, LogEnvelope.KIND_OP, 1, out -> new Trace.Codec().writeOp(7, out)));
    });
    a.append(100);
    assertEquals(1, a.late());
    assertTrue(keys("ckpt/").isEmpty(), "the checkpoint missing op 7 was withdrawn");

    LogChange change = a.log.sync();
    assertTrue(change.rebuilt());
    assertEquals(List.of(0, 7, 1), a.state().applied.subList(0, 3), "op 7 sorts right after op 0");
    assertTrue(a.log.checkpointIfDue(), "the next attempt includes the late op");
    Node fresh = new Node();
    fresh.log.sync();
    assertEquals(a.state(), fresh.state());
    assertEquals(14, fresh.state().applied.size());
  }

  /**
   * The checkpointer's look for late ops fails (the store went away just after the checkpoint's
   * PUT): the checkpoint cannot be trusted, so it is withdrawn, and the append that triggered it
   * still succeeds, its op durable and applied.
   */
  @Test
  void aCheckpointThatCouldNotBeCheckedForLateOpsIsWithdrawnAndTheAppendSucceeds() {
    Node a = new Node();
    for (int i = 0; i < 12; i++) {
      a.append(i);
    }
    Timestamp stalled = new Timestamp(START + 1, 77);
    wall.advance(config.checkpointGrace().plusMinutes(1));
    store.beforePut(key -> key.toString().contains("/ckpt/"), () -> {
      putOp(stalled, 7);
      store.failList(prefix -> prefix.endsWith("/op/"));
    });
    Timestamp written = a.append(100);
    assertTrue(keys("ckpt/").isEmpty(), "the unchecked checkpoint (missing op 7) was withdrawn");
    assertEquals(Integer.valueOf(100), a.state().applied.getLast(), "the op is applied");
    assertTrue(keys("op/").stream().anyMatch(k -> k.endsWith(written.toHex())));

    Node fresh = new Node();
    fresh.log.sync();
    a.log.sync();
    assertEquals(List.of(0, 7, 1), fresh.state().applied.subList(0, 3), "op 7 is not lost");
    assertEquals(a.state(), fresh.state());
  }

  /** As above, with the delete failing too: the checkpoint goes before the log's next sync. */
  @Test
  void aCheckpointThatCouldNotBeCheckedNorWithdrawnGoesAtTheNextSync() {
    Node a = new Node();
    for (int i = 0; i < 12; i++) {
      a.append(i);
    }
    Timestamp stalled = new Timestamp(START + 1, 77);
    wall.advance(config.checkpointGrace().plusMinutes(1));
    store.beforePut(key -> key.toString().contains("/ckpt/"), () -> {
      putOp(stalled, 7);
      store.failList(prefix -> prefix.endsWith("/op/"));
      store.failDelete(key -> key.toString().contains("/ckpt/"));
    });
    a.append(100);
    assertEquals(1, keys("ckpt/").size(), "the delete failed");

    a.log.sync();
    assertTrue(keys("ckpt/").isEmpty(), "withdrawn before the sync");
    assertEquals(List.of(0, 7, 1), a.state().applied.subList(0, 3));
    Node fresh = new Node();
    fresh.log.sync();
    assertEquals(a.state(), fresh.state());
  }

  /** A checkpoint PUT that landed but failed for its writer is withdrawn like an unchecked one. */
  @Test
  void aCheckpointWhosePutFailedAfterLandingIsWithdrawn() {
    Node a = new Node();
    for (int i = 0; i < 12; i++) {
      a.append(i);
    }
    Timestamp stalled = new Timestamp(START + 1, 77);
    wall.advance(config.checkpointGrace().plusMinutes(1));
    store.beforePut(key -> key.toString().contains("/ckpt/"), () -> putOp(stalled, 7));
    store.failAfterPut(key -> key.toString().contains("/ckpt/"));
    a.append(100);
    assertTrue(keys("ckpt/").isEmpty(), "the checkpoint that landed unchecked was withdrawn");
    Node fresh = new Node();
    fresh.log.sync();
    a.log.sync();
    assertEquals(List.of(0, 7, 1), fresh.state().applied.subList(0, 3), "op 7 is not lost");
    assertEquals(a.state(), fresh.state());
  }

  private void putOp(Timestamp ts, int op) {
    ObjectKey key = ROOT.resolve("op", ts.toHex());
    memory.put(key, LogEnvelope.seal(aead, key, LogEnvelope.KIND_OP, 1, out -> new Trace.Codec().writeOp(op, out)));
  }

  @Test
  void anUnreadableOpIsSkippedByEveryNodeAlike() {
    Node a = new Node();
    a.append(1);
    Timestamp second = a.append(2);
    // An op sealed for another object key (copied in the store) must not open.
    byte[] sealed = memory.getBytes(ROOT.resolve("op", second.toHex()));
    Timestamp forged = new Timestamp(second.millis() + 1, 5);
    memory.put(ROOT.resolve("op", forged.toHex()), sealed);
    Node b = new Node();
    Node c = new Node();
    b.log.sync();
    c.log.sync();
    assertEquals(List.of(1, 2), b.state().applied);
    assertEquals(b.state(), c.state());
    assertEquals(1, b.meters.counter("tern.log.objects.unreadable").count());
    b.log.sync();
    assertEquals(1, b.meters.counter("tern.log.objects.unreadable").count(), "not fetched again");
  }

  @Test
  void listenersHearOfChangesButNotOfQuietSyncs() {
    Node a = new Node();
    Node b = new Node();
    List<LogChange> heard = new ArrayList<>();
    b.log.addListener(heard::add);
    b.log.sync();
    a.append(1);
    a.append(2);
    b.log.sync();
    b.log.sync();
    b.append(3);
    assertEquals(List.of(new LogChange(2, false), new LogChange(1, false)), heard);
  }

  @Test
  void makeOpSeesTheSyncedStateAndMayDecline() {
    Node a = new Node();
    Node b = new Node();
    a.append(1);
    AtomicInteger seenSize = new AtomicInteger(-1);
    Optional<Timestamp> written = b.log.append(state -> {
      seenSize.set(state.applied.size());
      return null;
    });
    assertEquals(1, seenSize.get());
    assertTrue(written.isEmpty());
    assertEquals(1, keys("op/").size());
  }

  @Test
  void concurrentWritersOnRealThreadsConverge() throws Exception {
    config = LogConfig.DEFAULTS.withCheckpointEvery(25).withCache(8, 2);
    int writers = 4;
    int each = 40;
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      nodes.add(new Node(random.nextLong(-2_000, 2_000)));
    }
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Node node = nodes.get(w);
        int first = w * 1000;
        futures.add(executor.submit(() -> {
          for (int i = 0; i < each; i++) {
            node.append(first + i);
            if (i % 7 == 0) {
              node.log.sync();
            }
          }
        }));
      }
      for (var future : futures) {
        future.get();
      }
    }
    for (Node node : nodes) {
      node.log.sync();
    }
    Trace expected = nodes.get(0).state();
    assertEquals(writers * each, expected.applied.size());
    for (Node node : nodes) {
      assertEquals(expected, node.state());
    }
    assertNotEquals(0, expected.applied.size());
  }

  @Test
  void opsAreSealedAndBoundToTheirKey() {
    Node a = new Node();
    Timestamp ts = a.append(123456789);
    byte[] stored = memory.getBytes(ROOT.resolve("op", ts.toHex()));
    String text = new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertFalse(text.contains("\u0007\u005b\u00cd\u0015"), "the op's bytes are not in clear");
    assertTrue(stored.length >= Aead.OVERHEAD + 5);
  }
}
