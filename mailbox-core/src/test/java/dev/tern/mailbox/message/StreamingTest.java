package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 30 MB message streams through the parser. Memory is bounded by construction (see {@link
 * MessageParser}): bodies are counted as they pass, never kept. Two checks of that: the parser
 * never asks its input for more than 64 KiB at once (mime4j's buffer; the tee's window follows the
 * largest request), and a JVM with a 24 MB heap parses the 30 MB message.
 */
class StreamingTest {

  private static final long LINES = 30L * 1024 * 1024 / GeneratedMessage.LINE; // about 30 MB

  @Test
  void aThirtyMegabyteMessageParsesWithSmallReads() throws IOException {
    GeneratedMessage message = new GeneratedMessage(LINES);
    MaxRead source = new MaxRead(message);
    MessageSummary summary = MessageParser.parse(source, Fixtures.DATE);

    assertTrue(message.length > 30_000_000L);
    assertEquals(message.length, summary.physicalSize());
    assertEquals(message.length, summary.size());
    assertFalse(summary.structureTruncated());
    Part root = summary.body();
    assertEquals(Part.Kind.MULTIPART, root.kind());
    assertEquals(2, root.children().size());
    Part text = root.children().get(0);
    assertEquals(message.textPartStart(), text.headerOffset());
    assertEquals("The attachment follows.".length(), text.bodySize());
    Part attachment = root.children().get(1);
    assertEquals(message.attachmentStart(), attachment.headerOffset());
    assertEquals(message.attachmentBodyStart(), attachment.bodyOffset());
    assertEquals(message.attachmentEnd(), attachment.endOffset());
    assertEquals(LINES - 1, attachment.bodyLines());
    assertEquals("\"application\" \"octet-stream\" (\"name\" \"big.bin\") NIL NIL \"base64\" "
        + (message.attachmentEnd() - message.attachmentBodyStart())
        + " NIL (\"attachment\" (\"filename\" \"big.bin\")) NIL NIL",
        new String(ImapStructure.bodyStructure(attachment), StandardCharsets.ISO_8859_1)
            .replaceAll("^\\(|\\)$", ""));
    assertTrue(source.largest <= 64 * 1024, "largest read asked of the input: " + source.largest);
    assertTrue(MessageSummaryCodec.encode(summary).length < 600, "the summary stays small");
  }

  @Test
  void aThirtyMegabyteMessageParsesInATwentyFourMegabyteHeap() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(List.of(java, "-Xmx24m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), StreamingMain.class.getName(), Long.toString(LINES)))
        .redirectErrorStream(true)
        .redirectOutput(Path.of("target", "streaming-main.log").toFile())
        .start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the child JVM finishes");
    assertEquals(0, process.exitValue(), "see target/streaming-main.log");
  }

  /** Records the largest read requested. */
  private static final class MaxRead extends FilterInputStream {
    int largest;

    MaxRead(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      largest = Math.max(largest, len);
      return super.read(b, off, len);
    }
  }
}
