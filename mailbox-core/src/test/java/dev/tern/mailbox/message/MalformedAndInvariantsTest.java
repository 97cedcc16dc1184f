package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    Stream<Path> shared = Stream.of("malformed", "rfc", "thirdparty", "dxflrs").flatMap(d -> Fixtures.shared(d).stream());
    return Stream.concat(shared, Fixtures.own().stream())
        .map(p -> Arguments.of(p.getParent().getFileName() + "/" + p.getFileName(), p));
  }

  static Stream<Arguments> malformed() {
    return Fixtures.shared("malformed").stream().map(p -> Arguments.of(p.getFileName().toString(), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedParsesAndRenders(String name, Path eml) {
    assumeTrue(Fixtures.sharedPresent(), "shared MIME fixtures " + Fixtures.sharedMimeDirectory() + " absent: skipping");
    MessageSummary summary = Fixtures.parse(eml);
    assertTrue(ImapStructure.bodyStructure(summary.body()).length > 0);
    assertTrue(ImapStructure.body(summary.body()).length > 0);
    assertTrue(ImapStructure.envelope(summary.envelope()).length > 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void invariantsHoldRawAndNormalised(String name, Path eml) {
    if (!eml.startsWith(Fixtures.ownMessages())) {
      assumeTrue(Fixtures.sharedPresent(), "shared MIME fixtures " + Fixtures.sharedMimeDirectory() + " absent: skipping");
    }
    byte[] raw = Fixtures.read(eml);
    for (byte[] bytes : new byte[][] {raw, OwnMessagesTest.normalize(raw)}) {
      Invariants.check(bytes, Fixtures.parse(bytes));
    }
  }
}
