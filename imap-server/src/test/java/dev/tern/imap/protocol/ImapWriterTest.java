package dev.tern.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapWriterTest {

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final ImapWriter writer = new ImapWriter(channel);

  private String written() {
    writer.flush(); // lines wait in the writer until then (one hand-over to the event loop)
    StringBuilder sb = new StringBuilder();
    ByteBuf buf;
    while ((buf = channel.readOutbound()) != null) {
      sb.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return sb.toString();
  }

  @Test
  void statusResponses() {
    writer.status("a1", ImapWriter.Status.OK, null, "LOGIN completed");
    writer.status(null, ImapWriter.Status.BAD, null, "");
    writer.status("a2", ImapWriter.Status.NO, ResponseCode.Basic.TRYCREATE, "no such mailbox");
    writer.continuation("");
    assertEquals("a1 OK LOGIN completed\r\n* BAD done\r\na2 NO [TRYCREATE] no such mailbox\r\n+ Ready\r\n", written());
  }

  @Test
  void responseCodes() {
    List<ResponseCode> codes = List.of(new ResponseCode.UidValidity(3857529045L), new ResponseCode.UidNext(4392),
        new ResponseCode.PermanentFlags(List.of(Flag.SEEN, Flag.DELETED, new Flag("$Junk")), true),
        new ResponseCode.AppendUid(38505, 3955), new ResponseCode.CopyUid(38505, SequenceSet.parse("304,319:320"),
            SequenceSet.parse("3956:3958")), ResponseCode.BadCharset.UTF8_US_ASCII, new ResponseCode.HighestModSeq(715194045007L),
        ResponseCode.Basic.READ_WRITE, ResponseCode.Basic.CLOSED, ResponseCode.Basic.NONEXISTENT,
        ResponseCode.Basic.ALREADYEXISTS, ResponseCode.Basic.TOOBIG, ResponseCode.Basic.UNAVAILABLE,
        ResponseCode.Basic.CANNOT, new ResponseCode.Capability(List.of("IMAP4rev1", "LITERAL+")),
        new ResponseCode.Unseen(12), new ResponseCode.Modified(SequenceSet.parse("7,9")));
    for (ResponseCode code : codes) {
      writer.untagged().raw("OK").code(code).text("x").end();
    }
    assertEquals(String.join("", List.of(
        "* OK [UIDVALIDITY 3857529045] x\r\n", "* OK [UIDNEXT 4392] x\r\n",
        "* OK [PERMANENTFLAGS (\\Seen \\Deleted $Junk \\*)] x\r\n", "* OK [APPENDUID 38505 3955] x\r\n",
        "* OK [COPYUID 38505 304,319:320 3956:3958] x\r\n", "* OK [BADCHARSET (UTF-8 US-ASCII)] x\r\n",
        "* OK [HIGHESTMODSEQ 715194045007] x\r\n", "* OK [READ-WRITE] x\r\n", "* OK [CLOSED] x\r\n",
        "* OK [NONEXISTENT] x\r\n", "* OK [ALREADYEXISTS] x\r\n", "* OK [TOOBIG] x\r\n", "* OK [UNAVAILABLE] x\r\n",
        "* OK [CANNOT] x\r\n", "* OK [CAPABILITY IMAP4rev1 LITERAL+] x\r\n", "* OK [UNSEEN 12] x\r\n",
        "* OK [MODIFIED 7,9] x\r\n")), written());
  }

  @Test
  void stringsAreQuotedOrLiteralAsNeeded() {
    writer.untagged().raw("X").string("plain").string("with \"quotes\" and \\").string("").nstring(null)
        .astring("atom").astring("two words").astring("NIL").astring("a]b").string("line\r\nbreak")
        .string("caf\u00e9").string("x".repeat(ImapWriter.MAX_QUOTED + 1)).end();
    assertEquals("* X \"plain\" \"with \\\"quotes\\\" and \\\\\" \"\" NIL atom \"two words\" \"NIL\" a]b"
        + " {11}\r\nline\r\nbreak {5}\r\ncaf\u00e9 {" + (ImapWriter.MAX_QUOTED + 1) + "}\r\n"
        + "x".repeat(ImapWriter.MAX_QUOTED + 1) + "\r\n", written());
    writer.utf8Accept(true);
    writer.untagged().raw("X").string("caf\u00e9").mailbox("Entw\u00fcrfe").end();
    assertEquals("* X \"caf\u00e9\" \"Entw\u00fcrfe\"\r\n", written());
  }

  @Test
  void clientStringsCannotInjectResponseLines() {
    writer.status("a", ImapWriter.Status.NO, null, "bad name\r\n* OK injected");
    writer.untagged().raw("LIST").open().close().string("/").mailbox("x\r\n* BYE").end();
    String out = written();
    assertEquals("a NO bad name  * OK injected\r\n", out.substring(0, out.indexOf('\n') + 1));
    assertFalse(out.contains("\r\n* BYE\r\n"));
    assertTrue(out.endsWith("* LIST () \"/\" \"x&AA0ACg-* BYE\"\r\n"), out);
    writer.untagged().raw("X").string("x\r\n* BYE").end();
    assertEquals("* X {8}\r\nx\r\n* BYE\r\n", written());
    assertThrows(IllegalArgumentException.class, () -> writer.untagged().raw("A\r\nB"));
    assertThrows(IllegalArgumentException.class, () -> writer.untagged().atom("two words"));
  }

  @Test
  void listsFlagsMailboxesAndSequenceSets() {
    writer.untagged().raw("LIST").open().raw("\\HasNoChildren").raw("\\Sent").close().string("/")
        .mailbox("Entw\u00fcrfe").end();
    writer.untagged().raw("FLAGS").flags(List.of(Flag.ANSWERED, Flag.SEEN, new Flag("$Forwarded"))).end();
    writer.untagged().raw("SEARCH").number(2).number(84).number(882).end();
    writer.untagged().number(12).raw("FETCH").open().raw("UID").number(5).raw("FLAGS").flags(List.of())
        .raw("ENVELOPE").open().nil().string("subject").close().close().end();
    writer.untagged().raw("VANISHED").raw("(EARLIER)").sequenceSet(SequenceSet.of(1, 2, 3, 5)).end();
    assertEquals("* LIST (\\HasNoChildren \\Sent) \"/\" Entw&APw-rfe\r\n"
        + "* FLAGS (\\Answered \\Seen $Forwarded)\r\n"
        + "* SEARCH 2 84 882\r\n"
        + "* 12 FETCH (UID 5 FLAGS () ENVELOPE (NIL \"subject\"))\r\n"
        + "* VANISHED (EARLIER) 1:3,5\r\n", written());
  }

  @Test
  void streamedLiteralsCarryExactlyTheAnnouncedBytes() {
    byte[] body = new byte[200_000];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) ('a' + i % 26);
    }
    writer.untagged().number(1).raw("FETCH").open().raw("BODY[]").literal(body.length, new ByteArrayInputStream(body))
        .close().end();
    String out = written();
    assertTrue(out.startsWith("* 1 FETCH (BODY[] {200000}\r\nabc"));
    assertTrue(out.endsWith("vwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr)\r\n".substring(0, 10)) || out.endsWith(")\r\n"));
    assertEquals("* 1 FETCH (BODY[] {200000}\r\n".length() + 200_000 + 3, out.length());

    writer.untagged().raw("X").literal(10, new ByteArrayInputStream("short".getBytes(StandardCharsets.US_ASCII))).end();
    assertEquals("* X {10}\r\nshort     \r\n", written());

    writer.untagged().raw("Y").literal(6, List.of(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII),
        Unpooled.copiedBuffer("defgh", StandardCharsets.US_ASCII))).end();
    assertEquals("* Y {6}\r\nabcdef\r\n", written());
  }

  @Test
  void datesRoundTrip() {
    var t = ImapDates.parseDateTime("14-Feb-2024 14:12:35 +0100");
    assertEquals("14-Feb-2024 14:12:35 +0100", ImapDates.formatDateTime(t));
    assertEquals("07-Feb-2024 09:00:00 -0530", ImapDates.formatDateTime(ImapDates.parseDateTime(" 7-Feb-2024 09:00:00 -0530")));
    assertEquals("7-Feb-2024", ImapDates.formatDate(ImapDates.parseDate("07-feb-2024")));
    assertThrows(IllegalArgumentException.class, () -> ImapDates.parseDate("30-Feb-2024"));
    assertThrows(IllegalArgumentException.class, () -> ImapDates.parseDateTime("14-Feb-2024 25:00:00 +0100"));
  }

  @Test
  void linesWaitForTheFlushAndALargeAnswerIsHandedOverBeforeIt() {
    writer.untagged().raw("A").end();
    writer.untagged().raw("B").end();
    assertNull(channel.readOutbound(), "nothing reaches the channel before the flush");
    writer.flush();
    ByteBuf together = channel.readOutbound();
    assertEquals("* A\r\n* B\r\n", together.toString(StandardCharsets.US_ASCII), "both lines in one write");
    together.release();
    assertNull(channel.readOutbound());
    String line = "x".repeat(1000);
    for (int i = 0; i * 1000 < ImapWriter.HAND_OVER_AT; i++) {
      writer.untagged().raw(line).end();
    }
    channel.flush();
    ByteBuf early = channel.readOutbound();
    assertTrue(early != null && early.readableBytes() >= ImapWriter.HAND_OVER_AT, "handed over once the threshold is reached");
    early.release();
    writer.flush();
    written();
  }
}
