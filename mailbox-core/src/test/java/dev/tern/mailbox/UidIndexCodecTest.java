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
        new UidIndexOp.FlagSet(List.of(), Flags.NONE, 9));
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

    UidIndex restored = codec.stateRoundTrip(index);
    assertEquals(index, restored);
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
    assertThrows(IOException.class, () -> codec.codec.readState(2, new ByteArrayInputStream(bytes)));
    byte[] op = codec.opBytes(new UidIndexOp.MailDel(List.of(id()), 0));
    assertThrows(IOException.class, () -> codec.codec.readOp(0, new ByteArrayInputStream(op)));
  }

  @Test
  void everyTruncationIsRejectedCleanly() {
    UidIndex index = new UidIndex(3);
    index.apply(index.mailAdd(List.of(new Added(id(), Flags.of("\\Seen")), new Added(id(), Flags.NONE))));
    index.apply(index.mailDel(List.of(index.entries().iterator().next().message())));
    byte[] state = codec.stateBytes(index);
    for (int length = 0; length < state.length; length++) {
      byte[] cut = Arrays.copyOf(state, length);
      expectCleanRejection(() -> codec.codec.readState(1, new ByteArrayInputStream(cut)));
    }
    byte[] op = codec.opBytes(new UidIndexOp.FlagAdd(List.of(id(), id()), Flags.of("\\Seen"), 4));
    for (int length = 0; length < op.length; length++) {
      byte[] cut = Arrays.copyOf(op, length);
      expectCleanRejection(() -> codec.codec.readOp(1, new ByteArrayInputStream(cut)));
    }
  }

  /** Garbage must fail with the two exceptions the log turns into "unreadable object", or decode. */
  @Property(tries = 2000)
  void garbageNeverEscapesAsAnUnexpectedException(@ForAll byte[] garbage) {
    try {
      codec.codec.readOp(1, new ByteArrayInputStream(garbage));
    } catch (IOException | IllegalArgumentException expected) {
      // rejected cleanly
    }
    try {
      codec.codec.readState(1, new ByteArrayInputStream(garbage));
    } catch (IOException | IllegalArgumentException expected) {
      // rejected cleanly
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
