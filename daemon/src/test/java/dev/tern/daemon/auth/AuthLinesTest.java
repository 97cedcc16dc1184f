package dev.tern.daemon.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The wire format's corners that transcripts do not show well. */
class AuthLinesTest {

  @Test
  void loginsAreTabEscapedSoTheyCannotBreakALine() {
    assertEquals("OK\t1\tuser=a\001tb\001nc\0011d", new AuthReply.Ok(1, "a\tb\nc\001d").line());
    assertEquals("a\tb\nc\001d\0", AuthCommand.unescape("a\001tb\001nc\0011d\0010"));
  }

  @Test
  void parametersAreUnescaped() {
    AuthCommand.Auth auth = (AuthCommand.Auth) AuthCommand.parse("AUTH\t4294967295\tPLAIN\tservice=sm\001ttp\trip=::1");
    assertEquals(4294967295L, auth.id());
    assertEquals("sm\ttp", auth.service());
    assertEquals(Optional.of("::1"), auth.remoteIp());
    assertEquals(Optional.empty(), auth.initialResponse());
  }

  @Test
  void idsAreUnsigned32BitNumbers() {
    assertThrows(ProtocolViolation.class, () -> AuthCommand.parse("CANCEL\t4294967296"));
    assertThrows(ProtocolViolation.class, () -> AuthCommand.parse("CANCEL\t-1"));
    assertThrows(ProtocolViolation.class, () -> AuthCommand.parse("CANCEL\t"));
  }

  @Test
  void aFailureNamesItsFieldsInDovecotsOrder() {
    assertEquals("FAIL\t3\tuser=bob\ttemp", AuthReply.Fail.temporary(3, "bob").line());
    assertEquals("FAIL\t3\tcode=invalid_base64\treason=Invalid base64 data in initial response",
        AuthReply.Fail.invalidBase64(3, "Invalid base64 data in initial response").line());
  }
}
