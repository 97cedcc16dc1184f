package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shared fixture, malformed ones included, and every own message: parses, renders and round
 * trips through the codec without an exception, with sizes and offsets that add up. Shared ones
 * are skipped, saying so, when {@code ../shared} is absent.
 */
class MalformedAndInvariantsTest {

  static Stream<Arguments> all() {
    Stream<Arguments> own = Fixtures.own().stream()
        .map(p -> Arguments.of(p.getParent().getFileName() + "/" + p.getFileName(), p));
    return Stream.concat(Fixtures.sharedArguments("malformed", "rfc", "thirdparty", "dxflrs"), own);
  }

  static Stream<Arguments> malformed() {
    return Fixtures.sharedArguments("malformed");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedParsesAndRenders(String name, Path eml) {
    Fixtures.assumeShared();
    MessageSummary summary = Fixtures.parse(eml);
    assertTrue(ImapStructure.bodyStructure(summary.body()).length > 0);
    assertTrue(ImapStructure.body(summary.body()).length > 0);
    assertTrue(ImapStructure.envelope(summary.envelope()).length > 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void invariantsHoldRawAndNormalised(String name, Path eml) {
    if (eml == null || !eml.startsWith(Fixtures.ownMessages())) {
      Fixtures.assumeShared();
    }
    byte[] raw = Fixtures.read(eml);
    for (byte[] bytes : new byte[][] {raw, OwnMessagesTest.normalize(raw)}) {
      Invariants.check(bytes, Fixtures.parse(bytes));
    }
  }
}
