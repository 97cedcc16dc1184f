package dev.tern.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.imap.protocol.ImapFrame.Limit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapFrameDecoderTest {

  private static final ImapLimits SMALL = new ImapLimits(128, 64, 512, 10_000, 100, true);

  /** Feeds input and renders what comes out as one line per frame, chunks merged into one "DATA:" line. */
  private static final class Harness {
    final ImapFrameDecoder decoder;
    final EmbeddedChannel channel;
    final List<String> frames = new ArrayList<>();
    final List<Integer> chunkSizes = new ArrayList<>();
    final ByteArrayOutputStream data = new ByteArrayOutputStream();

    Harness(ImapLimits limits) {
      decoder = new ImapFrameDecoder(limits);
      channel = new EmbeddedChannel(decoder);
    }

    Harness feed(String s) {
      return feed(s.getBytes(StandardCharsets.UTF_8));
    }

    Harness feed(byte[] bytes) {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes));
      drain();
      return this;
    }

    void drain() {
      Object o;
      while ((o = channel.readInbound()) != null) {
        ImapFrame frame = (ImapFrame) o;
        switch (frame) {
          case ImapFrame.CommandBytes c -> frames.add("CMD:" + text(c.bytes()));
          case ImapFrame.ContinuationNeeded c -> frames.add("+" + c.size());
          case ImapFrame.AppendStart a -> {
            frames.add("APPEND:" + text(a.prefix()) + (a.synchronising() ? " sync" : ""));
            data.reset();
          }
          case ImapFrame.AppendChunk chunk -> {
            ByteBuf content = chunk.content();
            chunkSizes.add(content.readableBytes());
            byte[] bytes = new byte[content.readableBytes()];
            content.readBytes(bytes);
            data.writeBytes(bytes);
            chunk.release();
          }
          case ImapFrame.AppendEnd e -> frames.add("DATA:" + data.size() + " END:" + text(e.trailer()));
          case ImapFrame.TooBig t -> frames.add("TOOBIG:" + t.tag() + " " + t.limit() + " " + t.size());
          case ImapFrame.IdleDone d -> frames.add("IDLEDONE:" + d.done());
          case ImapFrame.SaslResponse r -> frames.add("SASL:" + r.line());
        }
      }
    }

    List<String> take() {
      List<String> copy = List.copyOf(frames);
      frames.clear();
      return copy;
    }
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "|");
  }

  @Test
  void pipelinedCommandsInOnePacketAreSeparateFrames() {
    Harness h = new Harness(SMALL).feed("a NOOP\r\nb CAPABILITY\r\nc LOGOUT\r\n");
    assertEquals(List.of("CMD:a NOOP|", "CMD:b CAPABILITY|", "CMD:c LOGOUT|"), h.take());
  }

  @Test
  void bareLfEndsALineToo() {
    Harness h = new Harness(SMALL).feed("a NOOP\nb NOOP\r\n");
    assertEquals(List.of("CMD:a NOOP|", "CMD:b NOOP|"), h.take());
  }

  @Test
  void synchronisingLiteralAsksForContinuationThenCompletesTheCommand() {
    Harness h = new Harness(SMALL).feed("a LOGIN {5}\r\n");
    assertEquals(List.of("+5"), h.take());
    h.feed("alice {2}\r\n");
    assertEquals(List.of("+2"), h.take());
    h.feed("pw\r\n");
    assertEquals(List.of("CMD:a LOGIN {5}|alice {2}|pw|"), h.take());
    assertInstanceOf(Command.Login.class, CommandParser.MUTF7.parse("a LOGIN {5}\r\nalice {2}\r\npw\r\n"
        .getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void literalPlusNeedsNoContinuation() {
    Harness h = new Harness(SMALL).feed("a LOGIN {5+}\r\nalice {2+}\r\npw\r\nb NOOP\r\n");
    assertEquals(List.of("CMD:a LOGIN {5+}|alice {2+}|pw|", "CMD:b NOOP|"), h.take());
  }

  @Test
  void literalBytesMayLookLikeLineEnds() {
    Harness h = new Harness(SMALL).feed("a LOGIN {4+}\r\n\r\n\r\n {1+}\r\n}\r\n");
    assertEquals(List.of("CMD:a LOGIN {4+}||| {1+}|}|"), h.take());
  }

  @Test
  void everySplitOfTheInputGivesTheSameFrames() {
    String script = "a LOGIN {5}\r\nalice {2+}\r\npw\r\nb SELECT INBOX\r\n"
        + "c APPEND Sent (\\Seen) {12+}\r\nHello\r\nWorld\r\nd UID FETCH 1:* (FLAGS)\r\n"
        + "e APPEND {4+}\r\nSent ~{3+}\r\nabc\r\nf NOOP\r\n";
    byte[] bytes = script.getBytes(StandardCharsets.US_ASCII);
    Harness whole = new Harness(SMALL).feed(bytes);
    List<String> expected = whole.take();
    assertEquals(List.of("+5", "CMD:a LOGIN {5}|alice {2+}|pw|", "CMD:b SELECT INBOX|",
        "APPEND:c APPEND Sent (\\Seen) {12+}", "DATA:12 END:", "CMD:d UID FETCH 1:* (FLAGS)|",
        "APPEND:e APPEND {4+}|Sent ~{3+}", "DATA:3 END:", "CMD:f NOOP|"), expected);
    for (int cut = 1; cut < bytes.length; cut++) {
      Harness split = new Harness(SMALL);
      split.feed(Arrays.copyOfRange(bytes, 0, cut)).feed(Arrays.copyOfRange(bytes, cut, bytes.length));
      assertEquals(expected, split.take(), "cut at " + cut);
    }
    Harness trickle = new Harness(SMALL);
    for (byte b : bytes) {
      trickle.feed(new byte[] {b});
    }
    assertEquals(expected, trickle.take());
  }

  @Test
  void overLongLineIsDiscardedAndAnsweredWithItsTag() {
    Harness h = new Harness(SMALL).feed("t1 SEARCH TEXT " + "x".repeat(300) + "\r\nt2 NOOP\r\n");
    List<String> frames = h.take();
    assertEquals(2, frames.size());
    assertTrue(frames.get(0).startsWith("TOOBIG:t1 LINE"), frames.toString());
    assertEquals("CMD:t2 NOOP|", frames.get(1));
  }

  @Test
  void overLongLineArrivingInPiecesIsNeverHeldWhole() {
    Harness h = new Harness(SMALL).feed("t1 SEARCH TEXT ");
    for (int i = 0; i < 100; i++) {
      h.feed("y".repeat(100));
      assertTrue(h.decoder.internalBufferSize() <= SMALL.maxLineLength() + 100);
    }
    assertEquals(List.of(), h.take());
    h.feed("\r\nt2 NOOP\r\n");
    List<String> frames = h.take();
    assertTrue(frames.get(0).startsWith("TOOBIG:t1 LINE"), frames.toString());
    assertEquals("CMD:t2 NOOP|", frames.get(1));
  }

  @Test
  void overLongLineEndingInANonSynchronisingLiteralSwallowsTheLiteral() {
    Harness h = new Harness(SMALL).feed("t1 LOGIN " + "z".repeat(200) + " {8+}\r\n\r\nt9 X\r\n\r\nt2 NOOP\r\n");
    List<String> frames = h.take();
    assertTrue(frames.get(0).startsWith("TOOBIG:t1 LINE"), frames.toString());
    assertEquals(List.of("CMD:t2 NOOP|"), frames.subList(1, frames.size()));
  }

  @Test
  void overLimitSynchronisingLiteralIsRefusedWithoutReadingIt() {
    Harness h = new Harness(SMALL).feed("t1 LOGIN alice {65}\r\n");
    assertEquals(List.of("TOOBIG:t1 LITERAL 65"), h.take());
    h.feed("t2 NOOP\r\n");
    assertEquals(List.of("CMD:t2 NOOP|"), h.take());
  }

  @Test
  void overLimitNonSynchronisingLiteralIsSwallowedThenReported() {
    Harness h = new Harness(SMALL).feed("t1 LOGIN alice {100+}\r\n" + "p".repeat(60));
    assertEquals(List.of(), h.take());
    h.feed("p".repeat(40) + " {3+}\r\nabc\r\nt2 NOOP\r\n");
    assertEquals(List.of("TOOBIG:t1 LITERAL 100", "CMD:t2 NOOP|"), h.take());
  }

  @Test
  void literalMinusRejectsNonSynchronisingLiteralsOver4096() {
    ImapLimits minus = new ImapLimits(128, 10_000, 20_000, 10_000, 100, false);
    Harness h = new Harness(minus).feed("t1 LOGIN alice {4097+}\r\n" + "p".repeat(4097) + "\r\nt2 NOOP\r\n");
    assertEquals(List.of("TOOBIG:t1 NON_SYNC_LITERAL 4097", "CMD:t2 NOOP|"), h.take());
    h.feed("t3 LOGIN alice {4096+}\r\n" + "p".repeat(4096) + "\r\n");
    assertEquals(1, h.take().size());
  }

  @Test
  void commandTooLargeInTotalIsRejected() {
    Harness h = new Harness(SMALL);
    StringBuilder command = new StringBuilder("t1 ID (");
    for (int i = 0; i < 9; i++) {
      command.append("\"k\" {60+}\r\n").append("v".repeat(60)).append(' ');
    }
    h.feed(command.append(")\r\nt2 NOOP\r\n").toString());
    List<String> frames = h.take();
    assertEquals(2, frames.size(), frames.toString());
    assertTrue(frames.get(0).startsWith("TOOBIG:t1 COMMAND"), frames.toString());
    assertEquals("CMD:t2 NOOP|", frames.get(1));
  }

  @Test
  void synchronisingAppendWaitsForTheSessionThenStreamsChunks() {
    Harness h = new Harness(SMALL).feed("a APPEND \"Sent\" (\\Seen) {250}\r\n");
    assertEquals(List.of("APPEND:a APPEND \"Sent\" (\\Seen) {250} sync"), h.take());
    h.decoder.acceptAppendLiteral();
    byte[] message = new byte[250];
    Arrays.fill(message, (byte) 'm');
    h.feed(Arrays.copyOf(message, 130));
    h.feed(Arrays.copyOfRange(message, 130, 250));
    h.feed("\r\nb NOOP\r\n");
    assertEquals(List.of("DATA:250 END:", "CMD:b NOOP|"), h.take());
    assertTrue(h.chunkSizes.stream().allMatch(n -> n <= SMALL.maxChunkSize()), h.chunkSizes.toString());
    assertArrayEquals(message, h.data.toByteArray());
  }

  private static void assertArrayEquals(byte[] expected, byte[] actual) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
  }

  @Test
  void appendRejectedBeforeTheLiteralReadsCommandsAgain() {
    Harness h = new Harness(SMALL).feed("a APPEND Nope {250}\r\n");
    assertEquals(List.of("APPEND:a APPEND Nope {250} sync"), h.take());
    h.decoder.rejectAppendLiteral();
    h.feed("b NOOP\r\n");
    assertEquals(List.of("CMD:b NOOP|"), h.take());
  }

  @Test
  void largeAppendIsDeliveredInBoundedChunksAndNeverAggregated() {
    ImapLimits limits = new ImapLimits(1024, 1024, 4096, 10L << 20, 16 * 1024, true);
    Harness h = new Harness(limits).feed("a APPEND INBOX {" + (4 << 20) + "+}\r\n");
    byte[] piece = new byte[8192];
    for (int i = 0; i < (4 << 20) / piece.length; i++) {
      Arrays.fill(piece, (byte) ('a' + i % 26));
      h.feed(piece);
      assertTrue(h.decoder.internalBufferSize() <= limits.maxChunkSize(), "decoder buffered too much");
    }
    h.feed("\r\n");
    assertEquals(List.of("APPEND:a APPEND INBOX {4194304+}", "DATA:4194304 END:"), h.take());
    assertTrue(h.chunkSizes.stream().allMatch(n -> n <= limits.maxChunkSize()));
    assertTrue(h.chunkSizes.size() >= (4 << 20) / limits.maxChunkSize());
  }

  @Test
  void appendOverTheLimitIsRefusedOrSwallowed() {
    Harness h = new Harness(SMALL).feed("a APPEND INBOX {10001}\r\nb NOOP\r\n");
    assertEquals(List.of("TOOBIG:a APPEND 10001", "CMD:b NOOP|"), h.take());
    h.feed("c APPEND INBOX (\\Seen) {20000+}\r\n");
    for (int i = 0; i < 20; i++) {
      h.feed("q".repeat(1000));
    }
    h.feed("\r\nd NOOP\r\n");
    assertEquals(List.of("TOOBIG:c APPEND 20000", "CMD:d NOOP|"), h.take());
    assertEquals(List.of(), h.chunkSizes);
  }

  @Test
  void appendWithAMailboxLiteralStreamsOnlyTheMessage() {
    Harness h = new Harness(SMALL).feed("a APPEND {4}\r\n");
    assertEquals(List.of("+4"), h.take());
    h.feed("Sent (\\Seen) \" 7-Feb-2024 10:00:00 +0100\" {3+}\r\nabc\r\n");
    assertEquals(List.of("APPEND:a APPEND {4}|Sent (\\Seen) \" 7-Feb-2024 10:00:00 +0100\" {3+}", "DATA:3 END:"),
        h.take());
  }

  @Test
  void multiappendTrailerIsReportedAndItsLiteralSwallowed() {
    Harness h = new Harness(SMALL).feed("a APPEND INBOX {3+}\r\nabc {2+}\r\nxy\r\nb NOOP\r\n");
    assertEquals(List.of("APPEND:a APPEND INBOX {3+}", "DATA:3 END: {2+}", "CMD:b NOOP|"), h.take());
  }

  @Test
  void doneWhileIdlingIsItsOwnFrame() {
    Harness h = new Harness(SMALL).feed("a IDLE\r\n");
    assertEquals(List.of("CMD:a IDLE|"), h.take());
    h.decoder.startIdle();
    h.feed("done\r\n");
    assertEquals(List.of("IDLEDONE:true"), h.take());
    h.feed("b IDLE\r\n");
    h.take();
    h.decoder.startIdle();
    h.feed("c NOOP {5}\r\nd NOOP\r\n");
    assertEquals(List.of("IDLEDONE:false", "CMD:d NOOP|"), h.take());
  }

  @Test
  void saslResponseLine() {
    Harness h = new Harness(SMALL).feed("a AUTHENTICATE PLAIN\r\n");
    h.take();
    h.decoder.expectSaslResponse();
    h.feed("AGFsaWNlAGh1bnRlcjI=\r\nb NOOP\r\n");
    assertEquals(List.of("SASL:AGFsaWNlAGh1bnRlcjI=", "CMD:b NOOP|"), h.take());
  }

  @Test
  void bytesPipelinedAfterStartTlsAreDroppedWhenTlsStarts() {
    Harness h = new Harness(SMALL).feed("a STARTTLS\r\nb LOGIN evil injected\r\n");
    assertEquals(List.of("CMD:a STARTTLS|"), h.take());
    h.decoder.resumeAfterStartTls(true);
    h.drain();
    assertEquals(List.of(), h.take());
    h.feed("c NOOP\r\n");
    assertEquals(List.of("CMD:c NOOP|"), h.take());
  }

  @Test
  void bytesPipelinedAfterARefusedStartTlsAreKept() {
    Harness h = new Harness(SMALL).feed("a starttls\r\nb NOOP\r\n");
    assertEquals(List.of("CMD:a starttls|"), h.take());
    h.decoder.resumeAfterStartTls(false);
    h.drain();
    assertEquals(List.of("CMD:b NOOP|"), h.take());
  }

  @Test
  void untaggedGarbageTooLongHasNoTag() {
    Harness h = new Harness(SMALL).feed("(" + "x".repeat(300) + "\r\n");
    assertEquals(List.of("TOOBIG:null LINE 129"), h.take().stream().map(s -> s.replaceAll(" \\d+$", " 129")).toList());
    assertEquals(Limit.LINE, Limit.valueOf("LINE"));
  }
}
