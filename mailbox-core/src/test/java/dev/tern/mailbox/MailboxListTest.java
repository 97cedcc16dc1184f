package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.mailbox.MailboxListOp.Create;
import dev.tern.mailbox.MailboxListOp.Delete;
import dev.tern.mailbox.MailboxListOp.Rename;
import dev.tern.mailbox.MailboxListOp.SetSpecialUse;
import dev.tern.mailbox.MailboxListOp.Subscribe;
import dev.tern.mailbox.MailboxListOp.Unsubscribe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MailboxListTest {

  private static final MailboxName WORK = MailboxName.of("Work");
  private final SplittableRandom random = new SplittableRandom(3);

  @Test
  void recreatingANameStartsAboveWhatItShowedBefore() {
    MailboxList list = new MailboxList();
    MailboxId first = MailboxId.random(random);
    list.apply(new Create(WORK, first, 5, Set.of()));
    // The mailbox's own log raised its UIDVALIDITY to 9 through conflicts, then it was deleted.
    list.apply(new Delete(WORK, first, 9));
    assertTrue(list.lookup(WORK).isEmpty());

    MailboxId second = MailboxId.random(random);
    list.apply(new Create(WORK, second, 1, Set.of())); // a careless writer asks for 1
    MailboxList.Binding binding = list.lookup(WORK).orElseThrow();
    assertEquals(second, binding.id());
    assertTrue(binding.uidValidity(1) > 9, "shown " + binding.uidValidity(1));
  }

  @Test
  void renamingOntoAUsedNameLiftsTheMovedMailbox() {
    MailboxList list = new MailboxList();
    MailboxId old = MailboxId.random(random);
    list.apply(new Create(WORK, old, 100, Set.of()));
    list.apply(new Delete(WORK, old, 100));
    MailboxName drafts = MailboxName.of("Drafts");
    MailboxId moved = MailboxId.random(random);
    list.apply(new Create(drafts, moved, 3, Set.of("\\Drafts")));

    list.apply(new Rename(drafts, WORK, moved, 3));

    MailboxList.Binding atWork = list.lookup(WORK).orElseThrow();
    assertEquals(moved, atWork.id());
    assertTrue(atWork.uidValidity(3) > 100);
    assertEquals(Set.of("\\Drafts"), atWork.specialUse());
    assertTrue(list.lookup(drafts).isEmpty());
    assertTrue(list.uidValidityFloor(drafts) > 3, "Drafts must not show 3 again");
  }

  @Test
  void laterCreateWinsAndTheLoserCannotDeleteTheWinner() {
    MailboxList list = new MailboxList();
    MailboxId a = MailboxId.random(random);
    MailboxId b = MailboxId.random(random);
    list.apply(new Create(WORK, a, 7, Set.of()));
    list.apply(new Create(WORK, b, 7, Set.of())); // concurrent, later timestamp
    assertEquals(b, list.lookup(WORK).orElseThrow().id());
    assertTrue(list.lookup(WORK).orElseThrow().uidValidity(7) > 7, "the winner must not show the loser's 7");

    list.apply(new Delete(WORK, a, 7)); // the loser's writer deletes what it thought was there
    assertEquals(b, list.lookup(WORK).orElseThrow().id());
  }

  @Test
  void renameOntoAnExistingNameDoesNothing() {
    MailboxList list = new MailboxList();
    MailboxId a = MailboxId.random(random);
    MailboxId b = MailboxId.random(random);
    MailboxName other = MailboxName.of("Other");
    list.apply(new Create(WORK, a, 1, Set.of()));
    list.apply(new Create(other, b, 1, Set.of()));
    MailboxList before = list.copy();
    list.apply(new Rename(WORK, other, a, 1));
    assertEquals(before, list);
  }

  @Test
  void subscriptionsAndSpecialUseFollowTheLastOp() {
    MailboxList list = new MailboxList();
    MailboxId a = MailboxId.random(random);
    list.apply(new Create(WORK, a, 1, Set.of()));
    list.apply(new Subscribe(WORK));
    list.apply(new Subscribe(MailboxName.of("Not/There"))); // RFC 3501 allows it
    list.apply(new Unsubscribe(WORK));
    list.apply(new SetSpecialUse(WORK, a, Set.of("\\Archive")));
    assertFalse(list.isSubscribed(WORK));
    assertTrue(list.isSubscribed(MailboxName.of("Not/There")));
    assertEquals(Set.of("\\Archive"), list.lookup(WORK).orElseThrow().specialUse());
  }

  @Test
  void copiesAreIndependent() {
    MailboxList list = new MailboxList();
    MailboxList copy = list.copy();
    list.apply(new Create(WORK, MailboxId.random(random), 1, Set.of()));
    assertTrue(copy.lookup(WORK).isEmpty());
    assertNotEquals(list, copy);
  }

  @Test
  void namesNormaliseInboxAndRejectEmptyLevels() {
    assertEquals(MailboxName.INBOX, MailboxName.of("inbox"));
    assertEquals("INBOX/Sub", MailboxName.of("iNbOx/Sub").value());
    assertEquals("inboxes", MailboxName.of("inboxes").value());
    assertThrows(IllegalArgumentException.class, () -> MailboxName.of("a//b"));
    assertThrows(IllegalArgumentException.class, () -> MailboxName.of("/a"));
    assertThrows(IllegalArgumentException.class, () -> MailboxName.of("a/"));
    assertThrows(IllegalArgumentException.class, () -> MailboxName.of("a\r\nb"));
    assertEquals(List.of(MailboxName.of("a"), MailboxName.of("a/b")), MailboxName.of("a/b/c").ancestors());
    assertEquals(MailboxName.of("x/b/c"), MailboxName.of("a/b/c").movedUnder(MailboxName.of("a"), MailboxName.of("x")));
  }

  /**
   * Whatever sequence of creates (of free names, as a writer makes them), deletes and renames
   * (including stale ones from writers that missed ops), a name never shows a UIDVALIDITY it showed
   * before with a different mailbox. (Two concurrent creates of one name: see
   * laterCreateWinsAndTheLoserCannotDeleteTheWinner.)
   */
  @Property(tries = 500)
  void aNameNeverShowsAUidValidityTwice(@ForAll long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<MailboxName> names = List.of(WORK, MailboxName.of("A"), MailboxName.of("B"));
    MailboxList list = new MailboxList();
    Map<MailboxId, Long> indexUidValidity = new HashMap<>(); // each mailbox's own, only grows
    List<MailboxId> everCreated = new ArrayList<>();
    Map<MailboxName, List<long[]>> shown = new HashMap<>(); // name -> [id.high, id.low, uidvalidity]
    for (int step = 0; step < 60; step++) {
      MailboxName name = names.get(rnd.nextInt(names.size()));
      int kind = rnd.nextInt(5);
      if ((kind == 0 || everCreated.isEmpty()) && list.lookup(name).isEmpty()) {
        MailboxId id = MailboxId.random(rnd);
        long start = 1 + rnd.nextInt(5);
        indexUidValidity.put(id, start);
        everCreated.add(id);
        list.apply(new Create(name, id, start, Set.of()));
      } else if (!everCreated.isEmpty()) {
        // Possibly stale: the id may no longer be at that name, as for a writer that missed ops.
        MailboxId id = everCreated.get(rnd.nextInt(everCreated.size()));
        long now = indexUidValidity.merge(id, (long) rnd.nextInt(3), Long::sum);
        switch (kind) {
          case 1 -> list.apply(new Delete(name, id, now));
          case 2, 3 -> list.apply(new Rename(name, names.get(rnd.nextInt(names.size())), id, now));
          default -> { } // the mailbox's own log moved on (conflicts raised its UIDVALIDITY)
        }
      }
      for (MailboxName each : names) {
        list.lookup(each).ifPresent(binding -> {
          long value = binding.uidValidity(indexUidValidity.get(binding.id()));
          List<long[]> history = shown.computeIfAbsent(each, n -> new ArrayList<>());
          for (long[] earlier : history) {
            boolean sameMailbox = earlier[0] == binding.id().high() && earlier[1] == binding.id().low();
            if (!sameMailbox) {
              assertTrue(value > earlier[2], each + " showed " + earlier[2] + " before, now " + value);
            }
          }
          history.add(new long[] {binding.id().high(), binding.id().low(), value});
        });
      }
    }
  }
}
