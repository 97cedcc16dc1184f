package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MessageSummaryCodecTest {

  @Test
  void everyOwnMessageRoundTripsAndStaysSmall() throws IOException {
    for (Path eml : Fixtures.own()) {
      byte[] raw = Fixtures.read(eml);
      MessageSummary summary = Fixtures.parse(raw);
      byte[] encoded = MessageSummaryCodec.encode(summary);
      assertEquals(summary, MessageSummaryCodec.decode(encoded), eml.toString());
      // the header fields are most of it; structure and envelope add little
      int headerBytes = summary.headers().stream().mapToInt(h -> h.name().length() + h.value().length() + 2).sum();
      int parts = countParts(summary.body());
      System.out.printf("%s: %d bytes raw, summary %d bytes (%d of header fields, %d parts)%n",
          eml.getFileName(), raw.length, encoded.length, headerBytes, parts);
      assertTrue(encoded.length <= headerBytes + 100 + 150 * parts,
          eml.getFileName() + ": " + encoded.length + " bytes for " + headerBytes + " header bytes");
    }
  }

  @Test
  void theRootEnvelopeRefersToHeaderFieldsInsteadOfCopyingThem() {
    MessageSummary summary = Fixtures.parse(Fixtures.read(Fixtures.ownMessages().resolve("01-simple.eml")));
    byte[] encoded = MessageSummaryCodec.encode(summary);
    String text = new String(encoded, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertEquals(text.indexOf("A simple text message"), text.lastIndexOf("A simple text message"));
    assertEquals(text.indexOf("<20240514095958.1234@example.org>"), text.lastIndexOf("<20240514095958.1234@example.org>"));
  }

  @Test
  void anythingElseIsRefused() {
    byte[] good = MessageSummaryCodec.encode(Fixtures.parse(Fixtures.read(Fixtures.ownMessages().resolve("04-nested-message.eml"))));
    byte[] otherVersion = good.clone();
    otherVersion[1] = 2; // [VERSION, ...]: the first element
    assertThrows(IOException.class, () -> MessageSummaryCodec.decode(otherVersion));
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = Arrays.copyOf(good, cut);
      assertThrows(IOException.class, () -> MessageSummaryCodec.decode(truncated), "cut at " + cut);
    }
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertThrows(IOException.class, () -> MessageSummaryCodec.decode(trailing));
  }

  private static int countParts(Part p) {
    int n = 1;
    for (Part c : p.children()) {
      n += countParts(c);
    }
    return n;
  }
}
