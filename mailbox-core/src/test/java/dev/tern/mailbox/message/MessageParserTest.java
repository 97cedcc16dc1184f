package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageParserTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String structure(MessageSummary s) {
    return new String(ImapStructure.bodyStructure(s.body()), StandardCharsets.ISO_8859_1);
  }

  @Test
  void theInputsFailureIsTheOnlyException() {
    IOException failure = new IOException("connection reset");
    InputStream failing = new SequenceInputStream(new ByteArrayInputStream(bytes("Subject: x\r\n\r\nbody")), new InputStream() {
      @Override
      public int read() throws IOException {
        throw failure;
      }
    });
    IOException thrown = assertThrows(IOException.class, () -> MessageParser.parse(failing, Fixtures.DATE));
    assertSame(failure, thrown);
  }

  @Test
  void theInputIsReadToTheEndAndNotClosed() throws IOException {
    boolean[] closed = {false};
    ByteArrayInputStream in = new ByteArrayInputStream(bytes("Subject: x\r\n\r\nbody\r\n")) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    MessageSummary s = MessageParser.parse(in, Fixtures.DATE);
    assertEquals(0, in.available());
    assertFalse(closed[0]);
    assertEquals(20, s.physicalSize());
  }

  @Test
  void anEmptyMessageIsAnEmptyTextPart() {
    MessageSummary s = Fixtures.parse(new byte[0]);
    assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL)", structure(s));
    assertEquals("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)", new String(ImapStructure.envelope(s.envelope()), StandardCharsets.US_ASCII));
  }

  @Test
  void internalDateIsKeptToTheSecondWithItsOffset() {
    OffsetDateTime date = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 678_000_000, ZoneOffset.ofHoursMinutes(-3, -30));
    MessageSummary s = new MessageSummary(date, 0, 0, Fixtures.parse(new byte[0]).body(), List.of(), false, false);
    assertEquals(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHoursMinutes(-3, -30)), s.internalDate());
    assertEquals(s, Invariants.roundTrip(s));
  }

  @Test
  void headerFieldsAreKeptInOrderWithFoldingAsLineFeeds() {
    MessageSummary s = Fixtures.parse(Fixtures.read(Fixtures.ownMessages().resolve("01-simple.eml")));
    assertEquals(new HeaderField("Subject", "A simple text message\n with a folded subject"),
        s.headers().stream().filter(h -> h.name().equals("Subject")).findFirst().orElseThrow());
    assertEquals("Return-Path", s.headers().get(0).name());
    assertEquals(13, s.headers().size());
    assertFalse(s.headersTruncated());
  }

  @Test
  void sectionsFollowImapNumbering() {
    MessageSummary s = Fixtures.parse(Fixtures.read(Fixtures.ownMessages().resolve("04-nested-message.eml")));
    Part forwarded = s.section(2).orElseThrow();
    assertEquals(Part.Kind.MESSAGE, forwarded.kind());
    assertEquals("text", s.section(2, 1).orElseThrow().content().type());
    assertEquals("html", s.section(2, 2).orElseThrow().content().subtype());
    assertTrue(s.section(2, 3).isEmpty());
    assertSame(s.section(3).orElseThrow().message(), s.section(3, 1).orElseThrow());
    assertTrue(s.section(1, 1).isEmpty());
    assertTrue(s.section(0).isEmpty());
    assertSame(s.body(), s.section().orElseThrow());

    MessageSummary single = Fixtures.parse(bytes("Subject: x\r\n\r\nbody\r\n"));
    assertSame(single.body(), single.section(1).orElseThrow());
    assertTrue(single.section(2).isEmpty());
  }

  @Test
  void nestingPastTheLimitStaysOneOpaquePart() {
    StringBuilder m = new StringBuilder();
    int depth = 150;
    for (int i = 0; i < depth; i++) {
      m.append("Content-Type: multipart/mixed; boundary=b").append(i).append("\r\n\r\n--b").append(i).append("\r\n");
    }
    m.append("Content-Type: text/plain\r\n\r\ndeep\r\n");
    for (int i = depth - 1; i >= 0; i--) {
      m.append("--b").append(i).append("--\r\n");
    }
    byte[] message = bytes(m.toString());
    MessageSummary s = Fixtures.parse(message);
    assertTrue(s.structureTruncated());
    Invariants.check(message, s);
    int levels = 0;
    for (Part p = s.body(); !p.children().isEmpty(); p = p.children().get(0)) {
      levels++;
    }
    assertEquals(ParseState.MAX_DEPTH, levels);
  }

  @Test
  void partsPastTheLimitStayInTheirParentsBody() {
    StringBuilder m = new StringBuilder("Content-Type: multipart/mixed; boundary=p\r\n\r\n");
    for (int i = 0; i < ParseState.MAX_PARTS + 5; i++) {
      m.append("--p\r\n\r\n").append(i).append("\r\n");
    }
    m.append("--p--\r\n");
    byte[] message = bytes(m.toString());
    MessageSummary s = Fixtures.parse(message);
    assertTrue(s.structureTruncated());
    assertEquals(ParseState.MAX_PARTS, s.body().children().size());
    Invariants.check(message, s);
  }

  @Test
  void overlongHeaderLinesAndManyFieldsKeepSizesRight() {
    String longLine = "X-Long: " + "x".repeat(EntityParser.MAX_LINE + 10) + "\r\n";
    byte[] message = bytes("Subject: s\r\n" + longLine + "\r\nbody\r\n");
    MessageSummary s = Fixtures.parse(message);
    assertTrue(s.structureTruncated());
    Invariants.check(message, s);

    StringBuilder many = new StringBuilder();
    for (int i = 0; i < EntityParser.MAX_HEADER_FIELDS + 10; i++) {
      many.append("X-F").append(i).append(": v\r\n");
    }
    byte[] manyFields = bytes(many + "\r\nbody\r\n");
    MessageSummary m = Fixtures.parse(manyFields);
    assertTrue(m.structureTruncated());
    assertTrue(m.headersTruncated(), "the search headers budget ran out too");
    Invariants.check(manyFields, m);
  }

  @Test
  void searchHeadersStayWithinTheirBudgetAndKeepPriorityFields() {
    StringBuilder m = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      m.append("Received: from host").append(i).append(" by relay; Tue, 14 May 2024 10:00:00 +0200\r\n");
    }
    m.append("Subject: still here\r\nTo: ").append("r@example.com, ".repeat(2000)).append("last@example.com\r\n\r\nbody\r\n");
    MessageSummary s = Fixtures.parse(bytes(m.toString()));
    assertTrue(s.headersTruncated());
    int kept = s.headers().stream().mapToInt(h -> h.name().length() + h.value().length()).sum();
    assertTrue(kept <= HeaderBudget.TOTAL, "kept " + kept);
    assertTrue(s.headers().contains(new HeaderField("Subject", "still here")));
    HeaderField to = s.headers().stream().filter(h -> h.name().equals("To")).findFirst().orElseThrow();
    assertEquals(HeaderBudget.MAX_VALUE, to.value().length());
    // the envelope is not cut: ENVELOPE lists every recipient, as Dovecot does
    assertEquals(2001, s.envelope().to().get(0).split(",").length);
  }
}
