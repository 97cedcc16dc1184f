package dev.tern.daemon;

import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectNotFoundException;
import dev.tern.storage.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The nodes the store knows of, from their newest beats ({@link Liveness}): what {@code tern check} prints. */
final class ClusterView {

  /**
   * One node as its newest beat shows it. {@code age} compares the node's clock (which stamped the
   * beat) with the reader's, so it is negative when the node's clock runs ahead. {@code beat} is
   * empty when the object does not read as a beat.
   */
  record Member(BeatKey lastBeat, Optional<Beat> beat, Duration age) {

    NodeId node() {
      return lastBeat.node();
    }

    /** Beating within its own interval (three beats' grace); unknown, so false, for an unreadable beat. */
    boolean alive() {
      return beat.map(b -> age.compareTo(b.staleAfter()) <= 0).orElse(false);
    }
  }

  private ClusterView() {}

  /**
   * Every node with a beat in {@code store}, by node id: one LIST, one GET per node. A node that
   * deletes the beat being read (its next beat, or its graceful stop) is read again once, and left
   * out when it has no beat left.
   */
  static List<Member> read(ObjectStore store, Instant now) {
    Map<String, ObjectKey> newest = new TreeMap<>();
    try (var listing = store.listAll(BeatKey.PREFIX, Optional.empty())) {
      listing.map(ObjectInfo::key)
          .forEach(key -> BeatKey.parse(key).ifPresent(beat -> newest.put(beat.node().value(), key)));
    }
    List<Member> members = new ArrayList<>();
    for (ObjectKey key : newest.values()) {
      member(store, key, now).or(() -> newestOf(store, key).flatMap(again -> member(store, again, now)))
          .ifPresent(members::add);
    }
    return members;
  }

  private static Optional<Member> member(ObjectStore store, ObjectKey key, Instant now) {
    BeatKey beatKey = BeatKey.parse(key).orElseThrow();
    Optional<Beat> beat;
    try {
      beat = Optional.of(Beat.parse(store.getBytes(key)));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      beat = Optional.empty();
    }
    return Optional.of(new Member(beatKey, beat, beatKey.age(now)));
  }

  /** The node's newest beat key now, after {@code gone} was deleted. */
  private static Optional<ObjectKey> newestOf(ObjectStore store, ObjectKey gone) {
    String prefix = BeatKey.prefix(BeatKey.parse(gone).orElseThrow().node());
    try (var listing = store.listAll(prefix, Optional.of(gone))) {
      return listing.map(ObjectInfo::key).filter(key -> BeatKey.parse(key).isPresent()).reduce((a, b) -> b);
    }
  }
}
