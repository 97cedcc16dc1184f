package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** What the reference Dovecot served back for messages APPENDed with odd line ends. */
class LineEndNormalizerTest {

  private static String normalize(String in) throws IOException {
    try (LineEndNormalizer n = new LineEndNormalizer(new ByteArrayInputStream(in.getBytes(StandardCharsets.ISO_8859_1)))) {
      return new String(n.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void likeDovecotAfterAppend() throws IOException {
    assertEquals("a\r\nb\r\n", normalize("a\nb\r\n"));
    assertEquals("Subject: a\r\n\r\nx\ry\r\r\nz\r\n\r\n", normalize("Subject: a\r\r\n\r\nx\ry\r\r\r\nz\n\r\n"));
    assertEquals("Subject: a\r\n\r\nb", normalize("Subject: a\r\r\n\r\nb\r"));
    assertEquals("b\r", normalize("b\r\r"));
    assertEquals("b\r\rc\r\r", normalize("b\r\rc\r\r\r"));
    assertEquals("", normalize(""));
  }

  @Test
  void singleByteReadsAgree() throws IOException {
    String in = "x\r\r\ny\nz\r";
    StringBuilder out = new StringBuilder();
    try (LineEndNormalizer n = new LineEndNormalizer(new ByteArrayInputStream(in.getBytes(StandardCharsets.ISO_8859_1)))) {
      int b;
      while ((b = n.read()) >= 0) {
        out.append((char) b);
      }
    }
    assertEquals(normalize(in), out.toString());
  }

  @Property(tries = 2000)
  void theScanSaysExactlyWhetherNormalisingChangesTheBytes(
      @ForAll @StringLength(max = 12) @Chars({'a', '\r', '\n', '\u0000'}) String raw, @ForAll @IntRange(min = 1, max = 5) int chunk)
      throws IOException {
    byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
    LineEndNormalizer.Scan scan = new LineEndNormalizer.Scan();
    for (int from = 0; from < bytes.length; from += chunk) {
      scan.feed(bytes, from, Math.min(chunk, bytes.length - from));
    }
    assertEquals(!normalize(raw).equals(raw), scan.changes(), () -> "for " + raw.replace("\r", "CR").replace("\n", "LF"));
  }
}
