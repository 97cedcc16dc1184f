package dev.tern.lmtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The framing: command lines, the DATA pause, dot-unstuffing wherever the bytes are cut. */
class LmtpFrameDecoderTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static EmbeddedChannel channel(LmtpFrameDecoder decoder) {
    return new EmbeddedChannel(decoder);
  }

  private static String line(Object frame) {
    return new String(assertInstanceOf(LmtpFrame.Line.class, frame).bytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void linesEndWithCrlfOrLfAndArriveInPieces() {
    EmbeddedChannel channel = channel(new LmtpFrameDecoder(512));
    channel.writeInbound(Unpooled.wrappedBuffer(ascii("NOOP\r\nRS")));
    channel.writeInbound(Unpooled.wrappedBuffer(ascii("ET\nQUIT\r")));
    assertEquals("NOOP", line(channel.readInbound()));
    assertEquals("RSET", line(channel.readInbound()));
    assertNull(channel.readInbound());
    channel.writeInbound(Unpooled.wrappedBuffer(ascii("\n")));
    assertEquals("QUIT", line(channel.readInbound()));
  }

  @Test
  void aLineOverTheLimitIsSkippedWholeAndReportedOnce() {
    EmbeddedChannel channel = channel(new LmtpFrameDecoder(512));
    channel.writeInbound(Unpooled.wrappedBuffer(ascii("NOOP " + "a".repeat(400))));
    channel.writeInbound(Unpooled.wrappedBuffer(ascii("b".repeat(400))));
    channel.writeInbound(Unpooled.wrappedBuffer(ascii("c".repeat(400) + "\r\nNOOP\r\n")));
    assertInstanceOf(LmtpFrame.LineTooLong.class, channel.readInbound());
    assertEquals("NOOP", line(channel.readInbound()));
    assertNull(channel.readInbound());
    channel.writeInbound(Unpooled.wrappedBuffer(ascii("x".repeat(600) + "\nNOOP\n")));
    assertInstanceOf(LmtpFrame.LineTooLong.class, channel.readInbound());
    assertEquals("NOOP", line(channel.readInbound()));
  }

  @Test
  void dataPausesTheInputUntilTheSessionDecides() {
    LmtpFrameDecoder decoder = new LmtpFrameDecoder(512);
    EmbeddedChannel channel = channel(decoder);
    channel.writeInbound(Unpooled.wrappedBuffer(ascii("data\r\nSubject: x\r\n.\r\nNOOP\r\n")));
    LmtpFrame.Line data = assertInstanceOf(LmtpFrame.Line.class, channel.readInbound());
    assertTrue(data.pausesInput());
    assertNull(channel.readInbound(), "nothing decoded while paused");
    assertFalse(channel.config().isAutoRead());
    decoder.readCommands(); // refused: the rest are commands
    assertTrue(channel.config().isAutoRead());
    assertEquals("Subject: x", line(channel.readInbound()));
    assertEquals(".", line(channel.readInbound()));
    assertEquals("NOOP", line(channel.readInbound()));

    channel.writeInbound(Unpooled.wrappedBuffer(ascii("DATA\r\nSubject: y\r\n.\r\nNOOP\r\n")));
    assertTrue(assertInstanceOf(LmtpFrame.Line.class, channel.readInbound()).pausesInput());
    decoder.acceptData(1000);
    assertEquals("Subject: y\r\n", chunk(channel.readInbound()));
    assertEquals(new LmtpFrame.DataEnd(12, false), channel.readInbound());
    assertEquals("NOOP", line(channel.readInbound()));
    assertFalse(((LmtpFrame.Line) channelLine(channel, "DATAX\r\n")).pausesInput(), "only DATA itself pauses");
  }

  private static Object channelLine(EmbeddedChannel channel, String wire) {
    channel.writeInbound(Unpooled.wrappedBuffer(ascii(wire)));
    return channel.readInbound();
  }

  private static String chunk(Object frame) {
    LmtpFrame.DataChunk chunk = assertInstanceOf(LmtpFrame.DataChunk.class, frame);
    try {
      return chunk.content().toString(StandardCharsets.ISO_8859_1);
    } finally {
      chunk.release();
    }
  }

  /** A message full of dots and line ends at awkward places, stuffed, cut at every position. */
  @Test
  void dotUnstuffingHoldsWhereverTheStreamIsCut() {
    byte[] message = ascii(".a\r\n..\r\n.\r\n\r\n.\r.\r\nb.\r\n...c\r\n.\r\n");
    byte[] wire = LmtpClient.dotStuffed(message);
    for (int cut = 0; cut <= wire.length; cut++) {
      for (int maxChunk : new int[] {1, 3, 64 * 1024}) {
        Received received = receive(List.of(slice(wire, 0, cut), slice(wire, cut, wire.length)), maxChunk, 10_000);
        assertArrayEquals(message, received.data, "cut at " + cut + ", chunks of " + maxChunk);
        assertEquals(new LmtpFrame.DataEnd(message.length, false), received.end);
        assertEquals("NOOP", received.after);
      }
    }
  }

  @Test
  void randomMessagesCutAtRandomComeOutAsSent() {
    Random random = new Random(2033);
    byte[] alphabet = ascii(".\r\n.a\n");
    for (int round = 0; round < 2000; round++) {
      byte[] message = new byte[random.nextInt(200)];
      for (int i = 0; i < message.length; i++) {
        message[i] = alphabet[random.nextInt(alphabet.length)];
      }
      if (message.length > 0 && message[message.length - 1] != '\n') {
        message = DeliveryTest.concat(message, ascii("\r\n"));
      }
      byte[] wire = LmtpClient.dotStuffed(message);
      List<byte[]> pieces = new ArrayList<>();
      int at = 0;
      while (at < wire.length) {
        int n = 1 + random.nextInt(Math.min(20, wire.length - at));
        pieces.add(slice(wire, at, at + n));
        at += n;
      }
      Received received = receive(pieces, 1 + random.nextInt(40), 10_000);
      assertArrayEquals(message, received.data, "round " + round);
      assertEquals(message.length, received.end.length());
    }
  }

  @Test
  void aBareLfEndsTheMessageToo() {
    byte[] wire = ascii("one\n..two\n.\n");
    Received received = receive(List.of(wire), 64 * 1024, 1000);
    assertArrayEquals(ascii("one\n.two\n"), received.data);
  }

  @Test
  void pastTheLimitTheRestIsSkippedToTheDotLine() {
    byte[] message = ascii("x".repeat(30) + "\r\n" + "y".repeat(30) + "\r\n");
    Received received = receive(List.of(LmtpClient.dotStuffed(message)), 8, 40);
    assertTrue(received.end.tooBig());
    assertTrue(received.data.length <= 40, "no more than the limit handed on: " + received.data.length);
    assertEquals("NOOP", received.after);
    Received exact = receive(List.of(LmtpClient.dotStuffed(message)), 8, message.length);
    assertFalse(exact.end.tooBig());
    assertArrayEquals(message, exact.data);
  }

  private record Received(byte[] data, LmtpFrame.DataEnd end, String after) {}

  /** Feeds DATA, then {@code pieces} (a stuffed message), then NOOP; collects what comes out. */
  private static Received receive(List<byte[]> pieces, int maxChunk, long maxLength) {
    LmtpFrameDecoder decoder = new LmtpFrameDecoder(512, maxChunk);
    EmbeddedChannel channel = channel(decoder);
    channel.writeInbound(Unpooled.wrappedBuffer(ascii("DATA\r\n")));
    line(channel.readInbound());
    decoder.acceptData(maxLength);
    for (byte[] piece : pieces) {
      channel.writeInbound(Unpooled.wrappedBuffer(piece));
    }
    channel.writeInbound(Unpooled.wrappedBuffer(ascii("NOOP\r\n")));
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    Object frame;
    while ((frame = channel.readInbound()) instanceof LmtpFrame.DataChunk chunk) {
      assertTrue(chunk.content().readableBytes() <= maxChunk);
      data.writeBytes(ascii(chunk(chunk)));
    }
    LmtpFrame.DataEnd end = assertInstanceOf(LmtpFrame.DataEnd.class, frame);
    String after = line(channel.readInbound());
    assertFalse(channel.finish());
    return new Received(data.toByteArray(), end, after);
  }

  private static byte[] slice(byte[] bytes, int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(bytes, from, out, 0, out.length);
    return out;
  }
}
