package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.mailbox.UidIndexOp.Added;
import dev.tern.mailbox.UidIndexOp.MailAdd;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The same message added by two writers that had not seen each other's op — two nodes filing one
 * incoming message at once. From one state they agree on its UID, and UIDVALIDITY stays; when
 * anything else they had not seen lies before, it still rises.
 */
class UidIndexRedeliveryTest {

  private final SplittableRandom random = new SplittableRandom(6);
  private final MessageId m = MessageId.random(random);
  private final MessageId x = MessageId.random(random);

  private static MailAdd add(UidIndex from, MessageId message) {
    return from.mailAdd(List.of(new Added(message, Flags.NONE)));
  }

  @Test
  void twoWritersFilingOneMessageFromOneStateLeaveUidValidityAlone() {
    UidIndex start = new UidIndex(100);
    start.apply(add(start, x));
    MailAdd first = add(start.copy(), m);
    MailAdd second = add(start.copy(), m);

    UidIndex replayed = start.copy().apply(first).apply(second);
    assertEquals(100, replayed.uidValidity());
    assertEquals(2, replayed.uidOf(m));
    assertEquals(3, replayed.uidNext());
    assertEquals(2, replayed.size());

    // Each writer, having learnt the other's op, adds the next message without a conflict.
    replayed.apply(add(replayed, MessageId.random(random)));
    assertEquals(100, replayed.uidValidity());
  }

  @Test
  void aRedeliveryThatHadNotSeenAnotherMessageStillRaisesUidValidity() {
    // W3 had seen only W1's add of x and told its client x = UID 1, m = UID 2. The full order
    // puts W2's add of m first: m = 1, x = 2. UIDVALIDITY must end above what W3's client saw.
    UidIndex empty = new UidIndex(100);
    MailAdd byW2 = add(empty.copy(), m);
    MailAdd byW1 = add(empty.copy(), x);
    UidIndex w3 = empty.copy().apply(byW1);
    MailAdd byW3 = add(w3, m);
    w3.apply(byW3);
    assertEquals(100, w3.uidValidity());
    assertEquals(1, w3.uidOf(x));

    UidIndex all = empty.copy().apply(byW2).apply(byW1).apply(byW3);
    assertEquals(1, all.uidOf(m));
    assertEquals(2, all.uidOf(x));
    assertTrue(all.uidValidity() > w3.uidValidity(), "UID 1 named x, now m, under " + all.uidValidity());
  }
}
