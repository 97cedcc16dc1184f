package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.log.HybridClock;
import dev.tern.log.Timestamp;
import dev.tern.mailbox.UidIndexOp.Added;
import dev.tern.mailbox.UidIndexOp.RecentClaim;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The IMAP UID proof and the CONDSTORE rule, checked on random concurrent histories: 2 to 5
 * writers each make ops from the state they have seen, learn each other's ops in random orders
 * and at random times (always with the causal past of what they learn, as the proof assumes), and
 * every state any of them ever reached is compared with every later one. Writers also claim
 * {@code \Recent}, which must leave all of that alone.
 */
class UidIndexPropertiesTest {

  private static final List<String> FLAG_NAMES = List.of("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "$Junk");

  // 3 000 histories: a one-in-a-thousand interleaving is missed with probability e^-3 (5 %),
  // and each history holds dozens of interleavings.
  @Property(tries = 3000)
  void replicasConvergeAndNeverReuseAUid(
      @ForAll @IntRange(min = 2, max = 5) int writerCount,
      @ForAll @IntRange(min = 5, max = 150) int steps,
      @ForAll long seed) {
    Simulation simulation = new Simulation(writerCount, seed);
    for (int step = 0; step < steps; step++) {
      simulation.step();
    }
    simulation.syncEveryone();

    // 1. Convergence: the same op set gives the same state, whatever order it was learnt in.
    UidIndex first = simulation.writers.get(0).state;
    for (Writer writer : simulation.writers) {
      assertEquals(first, writer.state);
      assertEquals(first.uidValidity(), writer.state.uidValidity());
      assertEquals(first.highestModSeq(), writer.state.highestModSeq());
    }
    // Replaying from scratch gives what the incremental, rewinding replicas hold.
    assertEquals(first, replay(simulation.writers.get(0).known));

    // 6. \Recent claims converge to the highest one, and change nothing else: the same history
    // without its claims replays to the same index, mod-sequences and HIGHESTMODSEQ included.
    TreeMap<Timestamp, UidIndexOp> withoutClaims = new TreeMap<>(simulation.writers.get(0).known);
    withoutClaims.values().removeIf(op -> op instanceof RecentClaim);
    long highestClaim = simulation.writers.get(0).known.values().stream()
        .mapToLong(op -> op instanceof RecentClaim claim ? claim.upTo() : 0).max().orElse(0);
    assertEquals(highestClaim, first.recentUpTo());
    UidIndex unclaimed = replay(withoutClaims);
    assertEquals(0, unclaimed.recentUpTo());
    if (highestClaim > 0) {
      unclaimed.apply(new RecentClaim(highestClaim, 0));
    }
    assertEquals(first, unclaimed);
    assertEquals(entries(first), entries(unclaimed));

    // 5. A checkpoint written through the real codec after any prefix, plus the tail replayed
    // (every op through the codec too), equals the full replay.
    List<UidIndexOp> ops = List.copyOf(simulation.writers.get(0).known.values());
    int cut = new SplittableRandom(seed).nextInt(ops.size() + 1);
    UidIndex head = new UidIndex(1);
    ops.subList(0, cut).forEach(head::apply);
    UidIndex resumed = CODEC.stateRoundTrip(head);
    assertEquals(head, resumed);
    ops.subList(cut, ops.size()).forEach(op -> resumed.apply(CODEC.opRoundTrip(op)));
    assertEquals(first, resumed);
    for (long modSeq = 0; modSeq <= first.highestModSeq(); modSeq += 1 + modSeq / 4) {
      assertEquals(ranges(first.vanishedSince(modSeq)), ranges(resumed.vanishedSince(modSeq)));
    }

    // 2-4. Every pair of states O ⊂ O' any replica went through.
    List<Observation> all = new ArrayList<>();
    simulation.writers.forEach(w -> all.addAll(w.history));
    for (Observation earlier : all) {
      for (Observation later : all) {
        if (later.known.size() > earlier.known.size() && later.known.containsAll(earlier.known)) {
          checkPair(earlier, later);
        }
      }
    }
  }

  /** Claims in any order, each applied once or more, leave the highest; nothing else moves. */
  @Property(tries = 300)
  void recentUpToIsTheHighestClaimWhateverTheOrder(
      @ForAll @Size(max = 20) List<@LongRange(min = 1, max = 0xFFFF_FFFFL) Long> claims,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    UidIndex index = new UidIndex(7);
    List<MessageId> messages = List.of(MessageId.random(random), MessageId.random(random));
    index.apply(index.mailAdd(List.of(new Added(messages.get(0), Flags.NONE), new Added(messages.get(1), Flags.NONE))));
    index.apply(index.flagAdd(messages.subList(1, 2), Flags.of("\\Seen")));
    UidIndex before = index.copy();

    List<RecentClaim> ops = new ArrayList<>();
    for (long upTo : claims) {
      // Writers made them from states that had seen anything from nothing to everything.
      RecentClaim claim = new RecentClaim(upTo, random.nextLong(index.opCount() + 1));
      ops.add(claim);
      if (random.nextBoolean()) {
        ops.add(claim); // the same op again: idempotent
      }
    }
    Collections.shuffle(ops, new Random(seed));
    ops.forEach(index::apply);

    long highest = claims.stream().mapToLong(Long::longValue).max().orElse(0);
    assertEquals(highest, index.recentUpTo());
    assertEquals(before.opCount(), index.opCount());
    assertEquals(before.highestModSeq(), index.highestModSeq());
    assertEquals(before.uidValidity(), index.uidValidity());
    assertEquals(before.internalSequence(), index.internalSequence());
    assertEquals(entries(before), entries(index));
    // A later op is causal exactly as if the claims were not there.
    index.apply(index.flagAdd(messages.subList(0, 1), Flags.of("\\Flagged")));
    before.apply(before.flagAdd(messages.subList(0, 1), Flags.of("\\Flagged")));
    assertEquals(entries(before), entries(index));
    assertEquals(before.highestModSeq(), index.highestModSeq());
  }

  private static List<UidIndex.Entry> entries(UidIndex index) {
    List<UidIndex.Entry> entries = new ArrayList<>();
    index.entries().forEach(entries::add);
    return entries;
  }

  private static final CodecRoundTrip CODEC = new CodecRoundTrip();

  private static List<List<Long>> ranges(List<long[]> ranges) {
    return ranges.stream().map(r -> List.of(r[0], r[1])).toList();
  }

  private static void checkPair(Observation o, Observation later) {
    // Theorem 1: UIDVALIDITY never decreases as ops are learnt.
    assertTrue(later.uidValidity >= o.uidValidity, "UIDVALIDITY went down");
    // HIGHESTMODSEQ never decreases.
    assertTrue(later.highestModSeq >= o.highestModSeq, "HIGHESTMODSEQ went down");
    // Nor does the \Recent claim: it is a maximum over a growing set of claims.
    assertTrue(later.index.recentUpTo() >= o.index.recentUpTo(), "\\Recent claim went down");
    // Theorem 2: one UID naming two different messages implies a higher UIDVALIDITY.
    for (Map.Entry<Long, MessageId> entry : o.byUid.entrySet()) {
      MessageId now = later.byUid.get(entry.getKey());
      if (now != null && !now.equals(entry.getValue())) {
        assertTrue(later.uidValidity > o.uidValidity,
            "UID " + entry.getKey() + " was " + entry.getValue() + ", is now " + now + " under the same UIDVALIDITY");
      }
    }
    if (later.uidValidity != o.uidValidity) {
      return; // clients resynchronise from scratch: mod-sequences promise nothing across
    }
    // CONDSTORE safety: whatever changed is above the HIGHESTMODSEQ the client had.
    for (Map.Entry<MessageId, Seen> entry : later.messages.entrySet()) {
      Seen before = o.messages.get(entry.getKey());
      Seen after = entry.getValue();
      if (before == null || !before.flags.equals(after.flags)) {
        assertTrue(after.modSeq > o.highestModSeq, "changed message " + entry.getKey() + " hidden under HIGHESTMODSEQ");
      }
      if (before != null) {
        assertTrue(after.modSeq >= before.modSeq, "modseq of " + entry.getKey() + " went down");
      }
    }
    for (Map.Entry<MessageId, Seen> entry : o.messages.entrySet()) {
      if (!later.messages.containsKey(entry.getKey())) {
        long uid = entry.getValue().uid;
        boolean reported = later.index.vanishedSince(o.highestModSeq).stream()
            .anyMatch(range -> range[0] <= uid && uid <= range[1]);
        assertTrue(reported, "expunge of UID " + uid + " not reported by VANISHED");
      }
    }
  }

  private static UidIndex replay(TreeMap<Timestamp, UidIndexOp> ops) {
    UidIndex index = new UidIndex(1);
    ops.values().forEach(index::apply);
    return index;
  }

  private record Seen(long uid, Flags flags, long modSeq) {}

  /** What one replica looked like at one moment. */
  private record Observation(
      Set<Timestamp> known,
      long uidValidity,
      long highestModSeq,
      Map<Long, MessageId> byUid,
      Map<MessageId, Seen> messages,
      UidIndex index) {

    static Observation of(Writer writer) {
      Map<Long, MessageId> byUid = new HashMap<>();
      Map<MessageId, Seen> messages = new HashMap<>();
      for (UidIndex.Entry entry : writer.state.entries()) {
        byUid.put(entry.uid(), entry.message());
        messages.put(entry.message(), new Seen(entry.uid(), entry.flags(), entry.modSeq()));
      }
      return new Observation(Set.copyOf(writer.known.keySet()), writer.state.uidValidity(),
          writer.state.highestModSeq(), byUid, messages, writer.state.copy());
    }
  }

  private static final class Writer {
    final HybridClock clock;
    final TreeMap<Timestamp, UidIndexOp> known = new TreeMap<>();
    /** Snapshots of {@code known} after each change, each one causally closed. */
    final List<Set<Timestamp>> knowledge = new ArrayList<>();
    final List<Observation> history = new ArrayList<>();
    UidIndex state = new UidIndex(1);

    Writer(HybridClock clock) {
      this.clock = clock;
    }

    /** Learns ops; rewinds (replays from scratch) when one sorts before what was applied. */
    void learn(Map<Timestamp, UidIndexOp> ops) {
      boolean rewind = false;
      Timestamp last = known.isEmpty() ? null : known.lastKey();
      for (Map.Entry<Timestamp, UidIndexOp> op : ops.entrySet()) {
        if (known.putIfAbsent(op.getKey(), op.getValue()) == null) {
          clock.observe(op.getKey());
          rewind |= last != null && op.getKey().isBefore(last);
        }
      }
      if (rewind) {
        state = replay(known);
      } else {
        // Everything new sorts after what was applied: apply in order, as the log does.
        ops.entrySet().stream()
            .filter(e -> last == null || last.isBefore(e.getKey()))
            .sorted(Map.Entry.comparingByKey())
            .forEach(e -> state.apply(e.getValue()));
      }
      knowledge.add(Set.copyOf(known.keySet()));
      history.add(Observation.of(this));
    }
  }

  private static final class Simulation {
    final SplittableRandom random;
    final List<Writer> writers = new ArrayList<>();
    final AtomicLong wallClock = new AtomicLong(1_000);
    final List<MessageId> pool = new ArrayList<>();

    Simulation(int writerCount, long seed) {
      random = new SplittableRandom(seed);
      for (int i = 0; i < writerCount; i++) {
        writers.add(new Writer(new HybridClock(() -> Instant.ofEpochMilli(wallClock.get()), random.split())));
      }
    }

    void step() {
      wallClock.addAndGet(random.nextInt(3)); // often the same millisecond on several writers
      Writer writer = writers.get(random.nextInt(writers.size()));
      if (random.nextInt(3) == 0) {
        Writer from = writers.get(random.nextInt(writers.size()));
        if (from != writer && !from.knowledge.isEmpty()) {
          // A causally closed part of what the other writer knows: its knowledge at some moment.
          Set<Timestamp> part = from.knowledge.get(random.nextInt(from.knowledge.size()));
          Map<Timestamp, UidIndexOp> ops = new HashMap<>();
          part.forEach(ts -> ops.put(ts, from.known.get(ts)));
          writer.learn(ops);
        }
        return;
      }
      UidIndexOp op = makeOp(writer.state);
      if (op != null) {
        writer.learn(Map.of(writer.clock.next(), op));
      }
    }

    void syncEveryone() {
      Map<Timestamp, UidIndexOp> everything = new HashMap<>();
      writers.forEach(w -> everything.putAll(w.known));
      writers.forEach(w -> w.learn(everything));
    }

    private UidIndexOp makeOp(UidIndex state) {
      List<MessageId> present = new ArrayList<>();
      state.entries().forEach(e -> present.add(e.message()));
      int kind = random.nextInt(11);
      if (kind < 4 || present.isEmpty()) {
        List<Added> added = new ArrayList<>();
        Set<MessageId> chosen = new HashSet<>();
        int count = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
        for (int i = 0; i < count; i++) {
          // Sometimes a message another writer may have added concurrently (redelivery).
          MessageId message = !pool.isEmpty() && random.nextInt(4) == 0
              ? pool.get(random.nextInt(pool.size()))
              : MessageId.random(random);
          if (!state.contains(message) && chosen.add(message)) {
            pool.add(message);
            added.add(new Added(message, randomFlags()));
          }
        }
        return added.isEmpty() ? null : state.mailAdd(added);
      }
      List<MessageId> targets = new ArrayList<>();
      int count = 1 + random.nextInt(Math.min(3, present.size()));
      for (int i = 0; i < count; i++) {
        targets.add(present.get(random.nextInt(present.size())));
      }
      return switch (kind) {
        case 4, 5 -> state.mailDel(targets);
        case 6, 7 -> state.flagAdd(targets, randomFlags());
        case 8 -> state.flagDel(targets, randomFlags());
        case 9 -> state.flagSet(targets, randomFlags());
        // A session told of \Recent up to a UID it knows (not always the last: a view may lag),
        // written even when another writer's claim is higher, as concurrent claims are.
        default -> state.recentClaim(state.uidOf(targets.get(0)));
      };
    }

    private Flags randomFlags() {
      List<String> names = new ArrayList<>();
      for (String name : FLAG_NAMES) {
        if (random.nextInt(3) == 0) {
          names.add(name);
        }
      }
      return Flags.of(names);
    }
  }
}
