package dev.tern.daemon;

import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectNotFoundException;
import dev.tern.storage.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The nodes the store knows of, from their newest beats ({@link Liveness}): what {@code tern check} prints. */
final class ClusterView {

  /**
   * One node as its newest beat shows it. {@code age} compares the node's clock (which stamped the
   * beat) with the reader's, so it is negative when the node's clock runs ahead. {@code beat} is
   * empty when the object does not read as a beat. {@code processes} counts the distinct processes
   * with a fresh beat under this node id: more than one means two nodes share the id.
   */
  record Member(BeatKey lastBeat, Optional<Beat> beat, Duration age, int processes) {

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
   * Every node with a beat in {@code store}, by node id: one LIST, and one GET per node (more for a
   * node with several fresh beats: for a moment at each beat, or when two processes share its id).
   * A node that deletes the beat being read (its next beat, or its graceful stop) is read again
   * once, and left out when it has no beat left.
   */
  static List<Member> read(ObjectStore store, Instant now) {
    Map<String, List<ObjectKey>> beats = new TreeMap<>();
    try (var listing = store.listAll(BeatKey.PREFIX, Optional.empty())) {
      listing.map(ObjectInfo::key).forEach(key -> BeatKey.parse(key)
          .ifPresent(beat -> beats.computeIfAbsent(beat.node().value(), node -> new ArrayList<>()).add(key)));
    }
    List<Member> members = new ArrayList<>();
    for (List<ObjectKey> keys : beats.values()) {
      ObjectKey newest = keys.getLast();
      member(store, newest, now).or(() -> newestOf(store, newest).flatMap(again -> member(store, again, now)))
          .map(member -> member.beat().isPresent() ? countProcesses(store, member, keys, now) : member)
          .ifPresent(members::add);
    }
    return members;
  }

  private static Optional<Member> member(ObjectStore store, ObjectKey key, Instant now) {
    BeatKey beatKey = BeatKey.parse(key).orElseThrow();
    Optional<Beat> beat;
    try {
      beat = read(store, key);
      if (beat.isEmpty()) {
        return Optional.empty(); // deleted since it was listed
      }
    } catch (IllegalArgumentException e) {
      beat = Optional.empty(); // there, but not a beat this version reads
    }
    return Optional.of(new Member(beatKey, beat, beatKey.age(now), 1));
  }

  /** The member, counting the processes that wrote its fresh beats. */
  private static Member countProcesses(ObjectStore store, Member member, List<ObjectKey> keys, Instant now) {
    Duration fresh = member.beat().orElseThrow().staleAfter();
    Set<String> processes = new HashSet<>();
    processes.add(member.beat().orElseThrow().process());
    for (ObjectKey key : keys) {
      BeatKey beatKey = BeatKey.parse(key).orElseThrow();
      if (!key.equals(member.lastBeat().key()) && beatKey.age(now).compareTo(fresh) <= 0) {
        try {
          read(store, key).ifPresent(beat -> processes.add(beat.process()));
        } catch (IllegalArgumentException e) {
          // not a beat this version reads: it counts for nothing
        }
      }
    }
    return new Member(member.lastBeat(), member.beat(), member.age(), processes.size());
  }

  /** The beat at {@code key}, or empty when it is gone; throws IllegalArgumentException when it is no beat. */
  private static Optional<Beat> read(ObjectStore store, ObjectKey key) {
    try {
      return Optional.of(Beat.parse(store.getBytes(key)));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The node's newest beat key now, after {@code gone} was deleted. */
  private static Optional<ObjectKey> newestOf(ObjectStore store, ObjectKey gone) {
    String prefix = BeatKey.prefix(BeatKey.parse(gone).orElseThrow().node());
    try (var listing = store.listAll(prefix, Optional.of(gone))) {
      return listing.map(ObjectInfo::key).filter(key -> BeatKey.parse(key).isPresent()).reduce((a, b) -> b);
    }
  }
}
