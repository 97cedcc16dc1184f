package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BODY and BODYSTRUCTURE of every shared fixture equal Dovecot's, byte for byte. The
 * {@code NNN.dovecot.body} / {@code .bodystructure} files hold the FETCH item as
 * {@code (BODY <value>)}. Skipped, saying so, when {@code ../shared} is not beside the clone.
 */
class DovecotFixtureTest {

  static Stream<Arguments> fixtures() {
    return Fixtures.sharedArguments("rfc", "thirdparty", "dxflrs");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void bodyMatchesDovecot(String name, Path eml) {
    Fixtures.assumeShared();
    MessageSummary summary = Fixtures.parseNormalized(eml);
    String expected = Fixtures.latin1(Fixtures.read(Fixtures.sibling(eml, "dovecot.body")));
    assertEquals(expected, "(BODY " + Fixtures.latin1(ImapStructure.body(summary.body())) + ")", name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void bodyStructureMatchesDovecot(String name, Path eml) {
    Fixtures.assumeShared();
    MessageSummary summary = Fixtures.parseNormalized(eml);
    String expected = Fixtures.latin1(Fixtures.read(Fixtures.sibling(eml, "dovecot.bodystructure")));
    assertEquals(expected,
        "(BODYSTRUCTURE " + Fixtures.latin1(ImapStructure.bodyStructure(summary.body())) + ")", name);
  }
}
