package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tern.mailbox.MailboxListOp.Create;
import dev.tern.mailbox.MailboxListOp.Delete;
import dev.tern.mailbox.MailboxListOp.Rename;
import dev.tern.mailbox.MailboxListOp.SetSpecialUse;
import dev.tern.mailbox.MailboxListOp.Subscribe;
import dev.tern.mailbox.MailboxListOp.Unsubscribe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MailboxListCodecTest {

  private final MailboxListCodec codec = new MailboxListCodec();

  @Test
  void everyOpKindRoundTrips() throws IOException {
    MailboxId id = new MailboxId(Long.MIN_VALUE, 42);
    MailboxName name = MailboxName.of("Archive/2026/Réunions");
    List<MailboxListOp> ops = List.of(
        new Create(name, id, 0xFFFF_FFFFL, Set.of("\\Archive", "\\Flagged")),
        new Delete(name, id, 7),
        new Rename(name, MailboxName.of("inbox/x"), id, 9),
        new Subscribe(MailboxName.INBOX),
        new Unsubscribe(name),
        new SetSpecialUse(name, id, Set.of()));
    for (MailboxListOp op : ops) {
      assertEquals(op, readOp(opBytes(op)));
    }
  }

  /** Any history, checkpointed after any prefix and continued, ends where the full replay does. */
  @Property(tries = 300)
  void checkpointPlusTailEqualsFullReplay(@ForAll long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    List<MailboxListOp> ops = randomHistory(random, 1 + random.nextInt(80));
    MailboxList full = new MailboxList();
    ops.forEach(full::apply);

    int cut = random.nextInt(ops.size() + 1);
    MailboxList head = new MailboxList();
    ops.subList(0, cut).forEach(head::apply);
    MailboxList resumed = readState(stateBytes(head));
    assertEquals(head, resumed);
    for (MailboxListOp op : ops.subList(cut, ops.size())) {
      resumed.apply(readOp(opBytes(op)));
    }
    assertEquals(full, resumed);
  }

  @Test
  void everyTruncationIsRejectedCleanly() throws IOException {
    MailboxList list = new MailboxList();
    randomHistory(new SplittableRandom(3), 30).forEach(list::apply);
    byte[] state = stateBytes(list);
    for (int length = 0; length < state.length; length++) {
      byte[] cut = Arrays.copyOf(state, length);
      try {
        readState(cut);
        fail("a truncated checkpoint decoded");
      } catch (IOException | IllegalArgumentException expected) {
        // rejected cleanly
      }
    }
  }

  @Test
  void anUnknownFormatVersionIsRefused() throws IOException {
    byte[] op = opBytes(new Subscribe(MailboxName.INBOX));
    assertThrows(IOException.class, () -> codec.readOp(2, new ByteArrayInputStream(op)));
  }

  @Property(tries = 2000)
  void garbageNeverEscapesAsAnUnexpectedException(@ForAll byte[] garbage) {
    try {
      codec.readOp(1, new ByteArrayInputStream(garbage));
    } catch (IOException | IllegalArgumentException expected) {
      // rejected cleanly
    }
    try {
      codec.readState(1, new ByteArrayInputStream(garbage));
    } catch (IOException | IllegalArgumentException expected) {
      // rejected cleanly
    }
  }

  private static List<MailboxListOp> randomHistory(SplittableRandom random, int count) {
    List<MailboxName> names = List.of(MailboxName.INBOX, MailboxName.of("Sent"), MailboxName.of("Work"),
        MailboxName.of("Work/Projets"), MailboxName.of("Trash"));
    List<MailboxId> ids = new ArrayList<>();
    List<MailboxListOp> ops = new ArrayList<>();
    MailboxList state = new MailboxList(); // mostly name the mailbox a name holds, so ops take effect
    for (int i = 0; i < count; i++) {
      MailboxName name = names.get(random.nextInt(names.size()));
      MailboxName other = names.get(random.nextInt(names.size()));
      if (ids.isEmpty() || random.nextInt(4) == 0) {
        MailboxId id = MailboxId.random(random);
        ids.add(id);
        ops.add(new Create(name, id, 1 + random.nextInt(5), random.nextBoolean() ? Set.of("\\Sent") : Set.of()));
        state.apply(ops.get(ops.size() - 1));
        continue;
      }
      MailboxId id = random.nextInt(5) > 0 && state.lookup(name).isPresent()
          ? state.lookup(name).get().id()
          : ids.get(random.nextInt(ids.size()));
      ops.add(switch (random.nextInt(5)) {
        case 0 -> new Delete(name, id, 1 + random.nextInt(9));
        case 1 -> new Rename(name, other, id, 1 + random.nextInt(9));
        case 2 -> new Subscribe(name);
        case 3 -> new Unsubscribe(name);
        default -> new SetSpecialUse(name, id, Set.of("\\Trash"));
      });
      state.apply(ops.get(ops.size() - 1));
    }
    return ops;
  }

  private byte[] opBytes(MailboxListOp op) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.writeOp(op, out);
    return out.toByteArray();
  }

  private MailboxListOp readOp(byte[] bytes) throws IOException {
    return codec.readOp(codec.formatVersion(), new ByteArrayInputStream(bytes));
  }

  private byte[] stateBytes(MailboxList list) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.writeState(list, out);
    return out.toByteArray();
  }

  private MailboxList readState(byte[] bytes) throws IOException {
    return codec.readState(codec.formatVersion(), new ByteArrayInputStream(bytes));
  }
}
