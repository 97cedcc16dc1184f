package dev.tern.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModifiedUtf7Test {

  @Test
  void rfc3501Examples() {
    assertEquals("~peter/mail/&U,BTFw-/&ZeVnLIqe-", ModifiedUtf7.encode("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e"));
    assertEquals(Optional.of("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e"), ModifiedUtf7.decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-"));
    assertEquals("Entw&APw-rfe", ModifiedUtf7.encode("Entw\u00fcrfe"));
    assertEquals("A&-B", ModifiedUtf7.encode("A&B"));
    assertEquals(Optional.of("A&B"), ModifiedUtf7.decode("A&-B"));
    assertEquals("&2D3eAA-", ModifiedUtf7.encode("\uD83D\uDE00"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"&", "a&Jjo", "&AGE-", "&Jjo!-", "&U,BTFw-&ZeVnLIqe-", "caf\u00e9", "&2D0-", "&3gA-",
      "&Jj-", "tab\there"})
  void rejectsWhatIsNotCanonical(String encoded) {
    assertEquals(Optional.empty(), ModifiedUtf7.decode(encoded));
  }

  @Property(tries = 2000)
  void decodeInvertsEncode(@ForAll("names") String name) {
    assertEquals(Optional.of(name), ModifiedUtf7.decode(ModifiedUtf7.encode(name)));
  }

  @Property(tries = 2000)
  void encodeInvertsDecodeWhereDecodeSucceeds(@ForAll("wire") String wire) {
    ModifiedUtf7.decode(wire).ifPresent(name -> assertEquals(wire, ModifiedUtf7.encode(name)));
  }

  @Provide
  Arbitrary<String> names() {
    Arbitrary<Integer> codePoints = Arbitraries.oneOf(
        Arbitraries.integers().between(0x20, 0x7E),
        Arbitraries.integers().between(0x80, 0xD7FF),
        Arbitraries.integers().between(0xE000, 0x10FFFF));
    return codePoints.list().ofMaxSize(20).map(cps -> {
      StringBuilder sb = new StringBuilder();
      cps.forEach(sb::appendCodePoint);
      return sb.toString();
    });
  }

  @Provide
  Arbitrary<String> wire() {
    return Arbitraries.strings().withChars("&-AGEJjo,+/abU0Z9 ").ofMaxLength(16);
  }
}
