package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.log.Timestamp;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.MemoryObjectStore.Request;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.TransientStorageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LivenessTest {

  private static final Duration INTERVAL = Duration.ofSeconds(30);
  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

  /** A wall clock the test moves by hand. */
  private static final class Clock implements InstantSource {
    private Instant now = START;

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final MemoryObjectStore store = new MemoryObjectStore();
  private final Clock clock = new Clock();
  private final SplittableRandom random = new SplittableRandom(6);

  private Liveness node(String id) {
    return new Liveness(store, beatOf(id, "1.2.3", List.of("imap", "lmtp")), clock, random);
  }

  private Beat beatOf(String id, String version, List<String> listeners) {
    return new Beat(new NodeId(id), Beat.newProcessId(random), clock.instant(), version, INTERVAL, listeners);
  }

  private List<ObjectKey> beats(String prefix) {
    return store.listAll(prefix, Optional.empty()).map(ObjectInfo::key).toList();
  }

  /** A beat of {@code id} as another process would have written it {@code ago}. */
  private ObjectKey foreignBeat(String id, Duration ago) {
    Instant at = clock.instant().minus(ago);
    ObjectKey key = new BeatKey(new NodeId(id), Timestamp.at(at.toEpochMilli(), random)).key();
    store.put(key, new Beat(new NodeId(id), "f0f0f0f0f0f0f0f0", at.minus(Duration.ofHours(1)), "1.0.0", INTERVAL,
        List.of()).toJson());
    return key;
  }

  @Test
  void eachBeatIsANewObjectAndThePreviousOneIsDeleted() {
    Liveness one = node("one");
    one.beat();
    List<ObjectKey> first = beats("cluster/nodes/");
    assertEquals(1, first.size(), first.toString());
    BeatKey key = BeatKey.parse(first.getFirst()).orElseThrow();
    assertEquals(new NodeId("one"), key.node());
    assertEquals(START.toEpochMilli(), key.at().millis());
    Beat read = Beat.parse(store.getBytes(first.getFirst()));
    assertEquals(new NodeId("one"), read.node());
    assertEquals(START, read.started());
    assertEquals(List.of("imap", "lmtp"), read.listeners());

    clock.advance(INTERVAL);
    one.beat();
    List<ObjectKey> second = beats("cluster/nodes/");
    assertEquals(1, second.size(), second.toString());
    assertNotEquals(first, second);
    assertEquals(START.plus(INTERVAL).toEpochMilli(), BeatKey.parse(second.getFirst()).orElseThrow().at().millis());
  }

  @Test
  void beatsWithinOneMillisecondStillGetNewKeys() {
    Liveness one = node("one");
    one.beat();
    ObjectKey first = beats("cluster/nodes/").getFirst();
    one.beat(); // the clock has not moved
    ObjectKey second = beats("cluster/nodes/").getFirst();
    assertTrue(first.compareTo(second) < 0, first + " then " + second);
  }

  @Test
  void aBeatHoldsNothingButTheNodesOwnFacts() {
    Beat beat = new Beat(new NodeId("one"), "0123456789abcdef", START, "1.2.3", INTERVAL, List.of("imap", "lmtp"));
    new Liveness(store, beat, clock, random).beat();
    String json = new String(store.getBytes(beats("cluster/nodes/").getFirst()), StandardCharsets.UTF_8);
    assertEquals("{\"node\":\"one\",\"process\":\"0123456789abcdef\",\"started\":\"2026-11-23T10:00:00Z\","
        + "\"version\":\"1.2.3\",\"interval_seconds\":30,\"listeners\":[\"imap\",\"lmtp\"]}", json);
    assertEquals(beat, Beat.parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aGracefulStopDeletesTheLastBeatAndEndsTheBeats() {
    Liveness one = node("one");
    Liveness two = node("two");
    one.beat();
    two.beat();
    one.leave();
    assertEquals(List.of(), beats("cluster/nodes/one/"));
    assertEquals(1, beats("cluster/nodes/two/").size(), "the other node's beat stays");
    clock.advance(INTERVAL);
    one.beat();
    assertEquals(List.of(), beats("cluster/nodes/one/"), "no beat after leaving");
  }

  @Test
  void aFailingStoreDoesNotStopLaterBeats() {
    Liveness one = node("one");
    store.failNext(Request.PUT, new TransientStorageException("store down", null));
    one.beat(); // must not throw: it runs on a scheduled executor
    assertEquals(List.of(), beats("cluster/nodes/"));

    clock.advance(INTERVAL);
    one.beat();
    assertEquals(1, beats("cluster/nodes/").size());

    // The old beat cannot be deleted: two beats for a while, and the next beat deletes both old ones.
    store.failNext(Request.DELETE, new TransientStorageException("store down", null));
    clock.advance(INTERVAL);
    one.beat();
    assertEquals(2, beats("cluster/nodes/").size());
    assertEquals(1, ClusterView.read(store, clock.instant()).getFirst().processes(), "two beats, one process");
    store.failNext(Request.LIST, new TransientStorageException("store down", null));
    clock.advance(INTERVAL);
    one.beat();
    clock.advance(INTERVAL);
    one.beat();
    List<ObjectKey> left = beats("cluster/nodes/");
    assertEquals(1, left.size(), left.toString());
    assertEquals(clock.instant().toEpochMilli(), BeatKey.parse(left.getFirst()).orElseThrow().at().millis());
    assertFalse(one.sharedNodeId(), "its own leftover beats are not another process's");
  }

  @Test
  void aPutThatFailsAfterTheStoreKeptItLeavesNoStrayBeat() {
    // The put reached the store, but the answer was lost.
    Liveness one = new Liveness(new dev.tern.storage.ForwardingObjectStore(store) {
      private boolean failed;

      @Override
      public void put(ObjectKey key, java.io.InputStream data, long length) {
        super.put(key, data, length);
        if (!failed) {
          failed = true;
          throw new TransientStorageException("timed out", null);
        }
      }
    }, beatOf("one", "1.2.3", List.of()), clock, random);
    one.beat();
    assertEquals(1, beats("cluster/nodes/").size());
    clock.advance(INTERVAL);
    one.beat();
    assertEquals(1, beats("cluster/nodes/").size());
    assertFalse(one.sharedNodeId());
  }

  @Test
  void anotherProcessBeatingUnderTheSameNodeIdIsNoticed() {
    Liveness first = node("same");
    Liveness second = node("same");
    first.beat();
    assertFalse(first.sharedNodeId());
    second.beat();
    assertTrue(second.sharedNodeId(), "the first process's beat is fresh");
    clock.advance(INTERVAL);
    first.beat();
    assertTrue(first.sharedNodeId(), "the second process's beat is fresh");
    assertEquals(2, beats("cluster/nodes/same/").size(), "each process keeps its own beat");
    assertEquals(List.of(2), ClusterView.read(store, clock.instant()).stream().map(ClusterView.Member::processes).toList());

    second.leave();
    clock.advance(INTERVAL);
    first.beat();
    assertFalse(first.sharedNodeId(), "the other process is gone");
  }

  @Test
  void aStaleBeatUnderTheSameNodeIdIsNotAnotherProcess() {
    foreignBeat("same", INTERVAL.multipliedBy(Beat.STALE_AFTER_BEATS).plusSeconds(1));
    Liveness restarted = node("same");
    restarted.beat();
    assertFalse(restarted.sharedNodeId());

    foreignBeat("same", Duration.ofSeconds(5)); // crashed a moment ago, or a second process
    clock.advance(INTERVAL);
    restarted.beat();
    assertTrue(restarted.sharedNodeId());
  }

  @Test
  void beatsOfNodesSilentForADayAreDeletedByAnyNode() {
    ObjectKey gone = foreignBeat("gone", Duration.ofDays(1).plusMinutes(1));
    ObjectKey stale = foreignBeat("stale", Duration.ofHours(23).plusSeconds(1));
    store.put(ObjectKey.of("cluster/nodes/not-a-beat"), new byte[0]);
    Liveness one = node("one");
    one.beat();
    List<ObjectKey> left = beats("cluster/nodes/");
    assertFalse(left.contains(gone), left.toString());
    assertTrue(left.contains(stale), left.toString());
    assertTrue(left.contains(ObjectKey.of("cluster/nodes/not-a-beat")), "what is not a beat is left alone");

    // The sweep lists every node's beats, so it runs once an hour, not at every beat.
    clock.advance(Duration.ofHours(1).minus(INTERVAL));
    long lists = store.requestCount(Request.LIST);
    one.beat();
    assertEquals(lists + 1, store.requestCount(Request.LIST), "only its own beats listed");
    clock.advance(INTERVAL);
    one.beat();
    assertFalse(beats("cluster/nodes/").contains(stale), "a day old now, and an hour since the last sweep");
  }

  @Test
  void theViewShowsEachNodesNewestBeatAliveOrStaleByItsOwnInterval() {
    node("one").beat();
    foreignBeat("quiet", Duration.ofSeconds(91)); // three 30 s beats missed
    foreignBeat("quiet", Duration.ofHours(2));
    ObjectKey ahead = new BeatKey(new NodeId("ahead"),
        Timestamp.at(clock.instant().plusSeconds(4).toEpochMilli(), random)).key();
    store.put(ahead, beatOf("ahead", "1.2.3", List.of("lmtp")).toJson());
    ObjectKey garbled = new BeatKey(new NodeId("garbled"), Timestamp.at(START.toEpochMilli(), random)).key();
    store.put(garbled, "{not json".getBytes(StandardCharsets.UTF_8));
    clock.advance(Duration.ofSeconds(10));

    List<ClusterView.Member> members = ClusterView.read(store, clock.instant());
    assertEquals(List.of("ahead", "garbled", "one", "quiet"),
        members.stream().map(member -> member.node().value()).toList());
    ClusterView.Member aheadMember = members.get(0);
    assertTrue(aheadMember.alive());
    assertEquals(Duration.ofSeconds(6), aheadMember.age());
    ClusterView.Member garbledMember = members.get(1);
    assertFalse(garbledMember.alive());
    assertTrue(garbledMember.beat().isEmpty());
    ClusterView.Member oneMember = members.get(2);
    assertTrue(oneMember.alive());
    assertEquals(Duration.ofSeconds(10), oneMember.age());
    assertEquals(Optional.of("1.2.3"), oneMember.beat().map(Beat::version));
    ClusterView.Member quietMember = members.get(3);
    assertFalse(quietMember.alive());
    assertEquals(Duration.ofSeconds(101), quietMember.age(), "the newest of its beats");
  }

  @Test
  void aBeatDeletedWhileTheViewReadsItIsReadAgain() {
    Liveness one = node("one");
    one.beat();
    ObjectKey old = beats("cluster/nodes/").getFirst();
    // Between the view's listing and its get, the node writes its next beat and deletes this one.
    var racing = new dev.tern.storage.ForwardingObjectStore(store) {
      @Override
      public java.io.InputStream get(ObjectKey key) {
        if (key.equals(old)) {
          clock.advance(INTERVAL);
          one.beat();
        }
        return super.get(key);
      }
    };
    List<ClusterView.Member> members = ClusterView.read(racing, clock.instant().plus(INTERVAL));
    assertEquals(1, members.size(), members.toString());
    assertEquals(START.plus(INTERVAL).toEpochMilli(), members.getFirst().lastBeat().at().millis());
  }

  @Test
  void foreignKeysUnderTheClusterPrefixAreNotBeats() {
    assertEquals(Optional.empty(), BeatKey.parse(ObjectKey.of("cluster/nodes/one")));
    assertEquals(Optional.empty(), BeatKey.parse(ObjectKey.of("cluster/nodes/one/not-a-timestamp")));
    assertEquals(Optional.empty(), BeatKey.parse(ObjectKey.of("cluster/nodes/one/0/extra")));
    assertEquals(Optional.empty(), BeatKey.parse(ObjectKey.of("cluster/other/one/00000000000000000000000000000000")));
    assertEquals(Optional.of(new BeatKey(new NodeId("one"), Timestamp.ZERO)),
        BeatKey.parse(ObjectKey.of("cluster/nodes/one/00000000000000000000000000000000")));
  }

  @Test
  void theDefaultNodeIdIsTheHostNameMadeValid() {
    assertEquals(new NodeId("mx1.example.org"), NodeId.fromHostName("mx1.example.org"));
    assertEquals(new NodeId("my-laptop-"), NodeId.fromHostName("my laptop!"));
    assertEquals(new NodeId("x"), NodeId.fromHostName("-.x"));
    assertEquals(new NodeId("tern"), NodeId.fromHostName(""));
    assertEquals(64, NodeId.fromHostName("h".repeat(100)).value().length());
    assertTrue(NodeId.isValid(NodeId.ofThisHost().value()));
  }
}
