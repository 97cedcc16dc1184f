package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * This module's own messages ({@code src/test/resources/messages/NN-name.eml}) against what the
 * reference Dovecot 2.3 answered for them ({@code NN-name.dovecot}: each FETCH item alone, as
 * {@code ITEM <length>\n<bytes>\n}): ENVELOPE, BODY, BODYSTRUCTURE, RFC822.SIZE, and for every
 * section {@code BODY[n.MIME]}, {@code BODY[n]}, {@code BODY[n.HEADER]}, {@code BODY[n.TEXT]},
 * which must be exactly the bytes at the summary's offsets. Messages are parsed as Tern stores
 * them, through {@link LineEndNormalizer}, so the offsets index the stored bytes.
 */
class OwnMessagesTest {

  static Stream<Arguments> messages() {
    return Fixtures.own().stream().map(p -> Arguments.of(p.getFileName().toString(), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void itemsMatchDovecot(String name, Path eml) {
    byte[] stored = normalize(Fixtures.read(eml));
    MessageSummary summary = Fixtures.parse(stored);
    Map<String, byte[]> expected = expectations(eml);
    assertEquals(text(expected.get("ENVELOPE")), text(ImapStructure.envelope(summary.envelope())), "ENVELOPE");
    assertEquals(text(expected.get("BODY")), text(ImapStructure.body(summary.body())), "BODY");
    assertEquals(text(expected.get("BODYSTRUCTURE")), text(ImapStructure.bodyStructure(summary.body())), "BODYSTRUCTURE");
    assertEquals(text(expected.get("RFC822.SIZE")), Long.toString(summary.size()), "RFC822.SIZE");
    assertEquals(stored.length, summary.physicalSize());
    assertEquals(summary.physicalSize(), summary.size(), "normalised: sizes are lengths");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void sectionsAreTheBytesAtTheOffsets(String name, Path eml) {
    byte[] stored = normalize(Fixtures.read(eml));
    MessageSummary summary = Fixtures.parse(stored);
    int checked = 0;
    for (Map.Entry<String, byte[]> e : expectations(eml).entrySet()) {
      if (!e.getKey().startsWith("BODY[")) {
        continue;
      }
      String section = e.getKey().substring(5, e.getKey().length() - 1);
      // Dovecot sends NUL as 0x80 in BODY[] (IMAP forbids NUL); the fetch layer must do the same
      assertEquals(text(e.getValue()), text(section(stored, summary, section)).replace('\0', '\u0080'), e.getKey());
      checked++;
    }
    assertTrue(checked >= 5, "sections checked: " + checked);
  }

  /** What FETCH BODY[section] returns, from the summary's offsets alone. */
  static byte[] section(byte[] stored, MessageSummary summary, String section) {
    if (section.isEmpty()) {
      return stored;
    }
    if (section.equals("HEADER")) {
      return slice(stored, summary.body().headerOffset(), summary.body().bodyOffset());
    }
    if (section.equals("TEXT")) {
      return slice(stored, summary.body().bodyOffset(), summary.body().endOffset());
    }
    String[] tokens = section.split("\\.");
    String last = tokens[tokens.length - 1];
    boolean numeric = last.chars().allMatch(Character::isDigit);
    int count = numeric ? tokens.length : tokens.length - 1;
    int[] path = Arrays.stream(tokens, 0, count).mapToInt(Integer::parseInt).toArray();
    Optional<Part> found = summary.section(path);
    if (found.isEmpty()) {
      return new byte[0];
    }
    Part p = found.get();
    if (numeric) {
      return slice(stored, p.bodyOffset(), p.endOffset());
    }
    return switch (last) {
      case "MIME" -> slice(stored, p.headerOffset(), p.bodyOffset());
      case "HEADER" -> p.message() == null ? new byte[0] : slice(stored, p.message().headerOffset(), p.message().bodyOffset());
      case "TEXT" -> p.message() == null ? new byte[0] : slice(stored, p.message().bodyOffset(), p.message().endOffset());
      default -> throw new IllegalArgumentException(section);
    };
  }

  private static byte[] slice(byte[] bytes, long from, long to) {
    return Arrays.copyOfRange(bytes, (int) from, (int) to);
  }

  static byte[] normalize(byte[] raw) {
    try (LineEndNormalizer in = new LineEndNormalizer(new ByteArrayInputStream(raw))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code ITEM <length>\n<bytes>\n} records, in order. */
  static Map<String, byte[]> expectations(Path eml) {
    byte[] all = Fixtures.read(Fixtures.sibling(eml, "dovecot"));
    Map<String, byte[]> items = new LinkedHashMap<>();
    int pos = 0;
    while (pos < all.length) {
      int lf = indexOf(all, (byte) '\n', pos);
      String head = new String(all, pos, lf - pos, StandardCharsets.ISO_8859_1);
      int space = head.lastIndexOf(' ');
      int length = Integer.parseInt(head.substring(space + 1));
      items.put(head.substring(0, space), Arrays.copyOfRange(all, lf + 1, lf + 1 + length));
      pos = lf + 1 + length + 1;
    }
    assertFalse(items.isEmpty());
    return items;
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new IllegalStateException("truncated expectations");
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
