package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;

/** What must hold for any summary of any input. */
final class Invariants {

  private Invariants() {
  }

  /**
   * Sizes are the CRLF lengths of the offset ranges, line counts count LFs, parts nest and come in
   * order, a message/rfc822 part's one child fills its body, the writers produce something, and
   * the codec gives the same summary back.
   */
  static void check(byte[] message, MessageSummary summary) {
    assertEquals(message.length, summary.physicalSize());
    assertEquals(crlfLength(message, 0, message.length), summary.size());
    Part root = summary.body();
    assertEquals(0, root.headerOffset());
    assertEquals(message.length, root.endOffset());
    assertTrue(root.envelope() != null, "the root has an envelope");
    part(message, root);
    byte[] structure = ImapStructure.bodyStructure(root);
    assertEquals('(', structure[0]);
    assertEquals(')', structure[structure.length - 1]);
    ImapStructure.body(root);
    ImapStructure.envelope(summary.envelope());
    assertEquals(summary, roundTrip(summary));
  }

  static MessageSummary roundTrip(MessageSummary summary) {
    try {
      return MessageSummaryCodec.decode(MessageSummaryCodec.encode(summary));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void part(byte[] message, Part part) {
    assertEquals(crlfLength(message, part.headerOffset(), part.bodyOffset()), part.headerSize(), "header size");
    assertEquals(crlfLength(message, part.bodyOffset(), part.endOffset()), part.bodySize(), "body size");
    long lines = 0;
    for (long i = part.bodyOffset(); i < part.endOffset(); i++) {
      if (message[(int) i] == '\n') {
        lines++;
      }
    }
    assertEquals(lines, part.bodyLines(), "body lines");
    if (part.message() != null) {
      assertEquals(1, part.children().size());
      assertEquals(part.bodyOffset(), part.message().headerOffset());
      // usually equal; when a boundary cut the encapsulated header, Dovecot gives the line break
      // before it to the message/rfc822 part's body but not to the encapsulated message
      assertTrue(part.endOffset() - part.message().endOffset() <= 2, "the encapsulated message fills the body");
      assertTrue(part.message().envelope() != null, "an encapsulated message has an envelope");
    }
    long previousEnd = part.bodyOffset();
    for (Part child : part.children()) {
      assertTrue(child.headerOffset() >= previousEnd, "children in order, inside the body");
      assertTrue(child.endOffset() <= part.endOffset(), "children inside the body");
      previousEnd = child.endOffset();
      part(message, child);
    }
  }

  static long crlfLength(byte[] raw, long from, long to) {
    long n = to - from;
    for (long i = from; i < to; i++) {
      if (raw[(int) i] == '\n' && (i == 0 || raw[(int) i - 1] != '\r')) {
        n++;
      }
    }
    return n;
  }
}
