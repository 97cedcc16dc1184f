package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tern.mailbox.UidIndexOp.Added;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class UidIndexCodecTest {

  private final CodecRoundTrip codec = new CodecRoundTrip();
  private final SplittableRandom random = new SplittableRandom(7);

  private MessageId id() {
    return MessageId.random(random);
  }

  @Test
  void everyOpKindRoundTrips() {
    MessageId extreme = new MessageId(Long.MIN_VALUE, -1);
    MessageId other = new MessageId(Long.MAX_VALUE, 0);
    Flags flags = Flags.of("\\Seen", "$Forwarded", "Étiquette");
    List<UidIndexOp> ops = List.of(
        new UidIndexOp.MailAdd(List.of(new Added(extreme, flags), new Added(other, Flags.NONE)), 4_000_000_000L, 17),
        new UidIndexOp.MailDel(List.of(extreme, other), 0),
        new UidIndexOp.FlagAdd(List.of(other), flags, Long.MAX_VALUE),
        new UidIndexOp.FlagDel(List.of(extreme), Flags.of("\\Deleted"), 3),
        new UidIndexOp.FlagSet(List.of(), Flags.NONE, 9),
        new UidIndexOp.RecentClaim(0xFFFF_FFFFL, 12),
        new UidIndexOp.RecentClaim(1, 0));
    for (UidIndexOp op : ops) {
      assertEquals(op, codec.opRoundTrip(op));
    }
  }

  @Test
  void aCheckpointRestoresAnIndexThatBehavesTheSame() {
    UidIndex index = new UidIndex(42);
    List<MessageId> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      MessageId message = id();
      ids.add(message);
      index.apply(index.mailAdd(List.of(new Added(message, i % 3 == 0 ? Flags.of("\\Seen") : Flags.NONE))));
    }
    index.apply(index.flagAdd(ids.subList(10, 20), Flags.of("\\Flagged")));
    index.apply(index.mailDel(ids.subList(0, 200))); // enough holes to compact into ranges
    index.apply(index.mailDel(List.of(ids.get(250), ids.get(252))));
    // An op that had not seen the last two: concurrent, so every modseq moves.
    index.apply(new UidIndexOp.FlagSet(List.of(ids.get(260)), Flags.of("$Junk"), index.opCount() - 2));
    index.apply(index.recentClaim(index.uidOf(ids.get(280))));

    UidIndex restored = codec.stateRoundTrip(index);
    assertEquals(index, restored);
    assertEquals(index.uidOf(ids.get(280)), restored.recentUpTo());
    assertEquals(index.uidValidity(), restored.uidValidity());
    assertEquals(index.highestModSeq(), restored.highestModSeq());
    assertEquals(index.modSeqOf(ids.get(260)), restored.modSeqOf(ids.get(260)));
    assertEquals(ranges(index.vanishedSince(0)), ranges(restored.vanishedSince(0)));

    // Same ops after the checkpoint, same outcome: lookups, UIDs, and a UIDVALIDITY conflict.
    MessageId late = id();
    for (UidIndex state : List.of(index, restored)) {
      state.apply(state.mailDel(ids.subList(200, 240)));
      state.apply(new UidIndexOp.MailAdd(List.of(new Added(late, Flags.NONE)), 290, 5));
      state.apply(state.mailAdd(List.of(new Added(ids.get(299), Flags.NONE)))); // redelivery: no-op
    }
    assertEquals(index, restored);
    assertEquals(index.uidOf(late), restored.uidOf(late));
    assertEquals(index.uidValidity(), restored.uidValidity());
    assertTrue(restored.uidValidity() > 42, "the stale hint must have raised UIDVALIDITY");
  }

  @Test
  void anEmptyIndexRoundTrips() {
    UidIndex empty = new UidIndex(1);
    assertEquals(empty, codec.stateRoundTrip(empty));
  }

  @Test
  void aCheckpointCostsAboutTwentySevenBytesPerMessageBeforeCompression() {
    UidIndex index = new UidIndex(1);
    List<Added> batch = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      batch.add(new Added(id(), i % 2 == 0 ? Flags.of("\\Seen") : Flags.NONE));
      if (batch.size() == 1000) {
        index.apply(index.mailAdd(batch));
        batch.clear();
      }
    }
    int bytes = codec.stateBytes(index).length;
    // uid (≤ 5) + two random 64-bit halves (9 each) + flag set (1) + stamp (≤ 3)
    assertTrue(bytes < 100_000 * 28, "checkpoint of 100 000 messages is " + bytes + " bytes");
  }

  @Test
  void anUnknownFormatVersionIsRefused() {
    byte[] bytes = codec.stateBytes(new UidIndex(1));
    int next = UidIndexCodec.VERSION + 1;
    assertThrows(IOException.class, () -> codec.codec.readState(next, new ByteArrayInputStream(bytes)));
    assertThrows(IOException.class, () -> codec.codec.readState(0, new ByteArrayInputStream(bytes)));
    byte[] op = codec.opBytes(new UidIndexOp.MailDel(List.of(id()), 0));
    assertThrows(IOException.class, () -> codec.codec.readOp(0, new ByteArrayInputStream(op)));
    assertThrows(IOException.class, () -> codec.codec.readOp(next, new ByteArrayInputStream(op)));
  }

  // Written by the version-1 codec (before RecentClaim) from this history: UIDVALIDITY 42; add
  // message (1,2) with \Seen, add (3,4), add (5,6), expunge (3,4). As CBOR (arrays of unknown
  // length): [42, 4, 5, 4, 0, [["\Seen"], []], [1, 1, 2, 0, 1,  3, 5, 6, 1, 3], [2, 2, 4]], that is
  // uidValidity, uidNext, s, opCount, concurrentOps, flag sets, messages, expunged ranges.
  private static final String VERSION_1_CHECKPOINT =
      "9f182a040504009f9f655c5365656eff9fffff9f01010200010305060103ff9f020204ffff";
  // The version-1 FlagAdd of \Flagged on (5,6) made from that state: [2, 4, ["\Flagged"], [5, 6]].
  private static final String VERSION_1_FLAG_ADD = "9f02049f685c466c6167676564ff9f0506ffff";

  @Test
  void aVersionOneCheckpointAndOpStillReadWithNoClaimYet() throws IOException {
    MessageId first = new MessageId(1, 2);
    MessageId expunged = new MessageId(3, 4);
    MessageId third = new MessageId(5, 6);
    UidIndex replayed = new UidIndex(42);
    replayed.apply(replayed.mailAdd(List.of(new Added(first, Flags.of("\\Seen")))));
    replayed.apply(replayed.mailAdd(List.of(new Added(expunged, Flags.NONE))));
    replayed.apply(replayed.mailAdd(List.of(new Added(third, Flags.NONE))));
    replayed.apply(replayed.mailDel(List.of(expunged)));

    UidIndex restored = codec.codec.readState(1, new ByteArrayInputStream(HexFormat.of().parseHex(VERSION_1_CHECKPOINT)));
    assertEquals(replayed, restored);
    assertEquals(0, restored.recentUpTo());
    assertEquals(3, restored.uidOf(third));
    assertEquals(ranges(replayed.vanishedSince(0)), ranges(restored.vanishedSince(0)));

    UidIndexOp op = codec.codec.readOp(1, new ByteArrayInputStream(HexFormat.of().parseHex(VERSION_1_FLAG_ADD)));
    assertEquals(replayed.flagAdd(List.of(third), Flags.of("\\Flagged")), op);

    // A store written by version 1 carries on: its ops, then a claim, checkpointed in the new version.
    for (UidIndex state : List.of(replayed, restored)) {
      state.apply(op);
      state.apply(state.recentClaim(3));
    }
    assertEquals(replayed, restored);
    assertEquals(3, restored.recentUpTo());
    assertEquals(restored, codec.stateRoundTrip(restored));
  }

  @Test
  void versionOneHasNoRecentClaimAndNoRecentField() {
    byte[] claim = codec.opBytes(new UidIndexOp.RecentClaim(3, 0));
    assertThrows(IOException.class, () -> codec.codec.readOp(1, new ByteArrayInputStream(claim)));
    UidIndex index = new UidIndex(1);
    index.apply(index.recentClaim(7));
    byte[] state = codec.stateBytes(index);
    assertThrows(IOException.class, () -> codec.codec.readState(1, new ByteArrayInputStream(state)));
  }

  @Test
  void everyTruncationIsRejectedCleanly() {
    UidIndex index = new UidIndex(3);
    index.apply(index.mailAdd(List.of(new Added(id(), Flags.of("\\Seen")), new Added(id(), Flags.NONE))));
    index.apply(index.mailDel(List.of(index.entries().iterator().next().message())));
    index.apply(index.recentClaim(2));
    int version = UidIndexCodec.VERSION;
    byte[] state = codec.stateBytes(index);
    for (int length = 0; length < state.length; length++) {
      byte[] cut = Arrays.copyOf(state, length);
      expectCleanRejection(() -> codec.codec.readState(version, new ByteArrayInputStream(cut)));
    }
    byte[] old = HexFormat.of().parseHex(VERSION_1_CHECKPOINT);
    for (int length = 0; length < old.length; length++) {
      byte[] cut = Arrays.copyOf(old, length);
      expectCleanRejection(() -> codec.codec.readState(1, new ByteArrayInputStream(cut)));
    }
    for (UidIndexOp op : List.of(new UidIndexOp.FlagAdd(List.of(id(), id()), Flags.of("\\Seen"), 4),
        new UidIndexOp.RecentClaim(70_000, 4))) {
      byte[] bytes = codec.opBytes(op);
      for (int length = 0; length < bytes.length; length++) {
        byte[] cut = Arrays.copyOf(bytes, length);
        expectCleanRejection(() -> codec.codec.readOp(version, new ByteArrayInputStream(cut)));
      }
    }
  }

  /** Garbage must fail with the two exceptions the log turns into "unreadable object", or decode. */
  @Property(tries = 2000)
  void garbageNeverEscapesAsAnUnexpectedException(@ForAll byte[] garbage) {
    for (int version = UidIndexCodec.OLDEST_VERSION; version <= UidIndexCodec.VERSION; version++) {
      try {
        codec.codec.readOp(version, new ByteArrayInputStream(garbage));
      } catch (IOException | IllegalArgumentException expected) {
        // rejected cleanly
      }
      try {
        codec.codec.readState(version, new ByteArrayInputStream(garbage));
      } catch (IOException | IllegalArgumentException expected) {
        // rejected cleanly
      }
    }
  }

  private interface Decode {
    Object run() throws IOException;
  }

  private static void expectCleanRejection(Decode decode) {
    try {
      decode.run();
      fail("a truncated encoding decoded");
    } catch (IOException | IllegalArgumentException expected) {
      // rejected cleanly
    }
  }

  private static List<List<Long>> ranges(List<long[]> ranges) {
    return ranges.stream().map(r -> List.of(r[0], r[1])).toList();
  }
}
