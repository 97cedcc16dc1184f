package dev.tern.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Whatever arrives, in whatever pieces, the decoder yields frames (parsed without throwing) and holds little. */
class DecoderPropertyTest {

  private static final ImapLimits LIMITS = new ImapLimits(100, 50, 300, 1000, 40, true);

  @Property(tries = 1000)
  void anyInputInAnyPiecesNeverThrows(@ForAll("streams") byte[] input, @ForAll @IntRange(min = 1, max = 50) int piece) {
    ImapFrameDecoder decoder = new ImapFrameDecoder(LIMITS);
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    for (int i = 0; i < input.length; i += piece) {
      channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(input, i, Math.min(input.length, i + piece))));
      Object frame;
      while ((frame = channel.readInbound()) != null) {
        switch ((ImapFrame) frame) {
          case ImapFrame.CommandBytes c -> {
            assertNotNull(CommandParser.MUTF7.parse(c.bytes()));
            if (new String(c.bytes(), java.nio.charset.StandardCharsets.US_ASCII).toUpperCase().contains("STARTTLS")) {
              decoder.resumeAfterStartTls(false);
            }
          }
          case ImapFrame.AppendStart a -> {
            assertNotNull(CommandParser.MUTF7.parse(a.prefix()));
            if (a.synchronising()) {
              decoder.acceptAppendLiteral();
            }
          }
          case ImapFrame.AppendChunk chunk -> {
            assertTrue(chunk.content().readableBytes() <= LIMITS.maxChunkSize());
            chunk.release();
          }
          default -> { }
        }
      }
      assertTrue(decoder.internalBufferSize() <= LIMITS.maxCommandSize() + piece);
    }
    channel.finishAndReleaseAll();
  }

  @Provide
  Arbitrary<byte[]> streams() {
    Arbitrary<String> pieces = Arbitraries.of("a ", "APPEND ", "INBOX ", "LOGIN ", "{3}\r\n", "{3+}\r\n", "{60+}\r\n",
        "~{2}\r\n", "{2000}\r\n", "{2000+}\r\n", "x", "xyz", "\r\n", "\n", "\r", "(\\Seen) ", "DONE\r\n",
        "STARTTLS\r\n", "NOOP", " ", "}", "{", "\"", "\u00e9", "y".repeat(120), "{99999999999999999999}\r\n");
    return pieces.list().ofMaxSize(40).map(list -> String.join("", list).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
