package dev.tern.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashTest {

  private static final Argon2Params CHEAP = Argon2Params.of(64, 1, 1);

  /** Made by Debian's argon2 CLI; the commands are in src/test/resources/argon2-cli/README.md. */
  @ParameterizedTest
  @ValueSource(strings = {"argon2id.phc", "argon2i.phc", "argon2d-p2.phc", "argon2id-l16.phc", "argon2id-v10.phc"})
  void verifiesHashesFromTheReferenceCli(String fixture) throws IOException {
    String phc = resource("/argon2-cli/" + fixture);
    assertTrue(PasswordHash.verify("hunter2", phc));
    assertFalse(PasswordHash.verify("hunter3", phc));
    assertFalse(PasswordHash.verify("", phc));
  }

  @Test
  void cliFixtureRoundTripsThroughParse() throws IOException {
    String phc = resource("/argon2-cli/argon2id.phc");
    PasswordHash hash = PasswordHash.parse(phc);
    assertEquals(phc, hash.toString());
    assertEquals("argon2id", hash.algorithm());
    assertEquals(Argon2Params.of(4096, 2, 1), hash.params());
  }

  @Test
  void createThenVerify() {
    SecureRandom random = new SecureRandom();
    PasswordHash hash = PasswordHash.create("correct horse battery staple", CHEAP, random);
    String phc = hash.toString();
    assertTrue(phc.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), phc);
    assertTrue(PasswordHash.verify("correct horse battery staple", phc));
    assertFalse(PasswordHash.verify("correct horse battery stapler", phc));
    assertEquals(hash, PasswordHash.parse(phc));
    assertNotEquals(phc, PasswordHash.create("correct horse battery staple", CHEAP, random).toString());
  }

  @Test
  void nonAsciiPasswordsAreHashedAsUtf8() {
    String phc = PasswordHash.create("pässwörd ✓", CHEAP, new SecureRandom()).toString();
    assertTrue(PasswordHash.verify("pässwörd ✓", phc));
    assertFalse(PasswordHash.verify("passwort ✓", phc));
    assertThrows(IllegalArgumentException.class, () -> PasswordHash.create("\uD800", CHEAP, new SecureRandom()));
  }

  @Test
  void defaultParametersAreOwaspsArgon2id() {
    PasswordHash hash = PasswordHash.create("hunter2");
    assertTrue(hash.toString().startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
    assertTrue(hash.matches("hunter2"));
    assertFalse(hash.needsRehash(Argon2Params.DEFAULT));
    assertTrue(hash.needsRehash(CHEAP));
  }

  @Test
  void olderAlgorithmsNeedRehash() throws IOException {
    assertTrue(PasswordHash.parse(resource("/argon2-cli/argon2i.phc")).needsRehash(Argon2Params.of(4096, 2, 1)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "hunter2",
      "$2b$12$abcdefghijklmnopqrstuu5sT2QHnBfOqZkQ2wCk6yyZW3wP8bEDa",  // bcrypt
      "$argon2x$v=19$m=4096,t=2,p=1$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHR2YWx1ZQ",
      "$argon2id$v=19$t=2,m=4096,p=1$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=4096,t=2$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=18$m=4096,t=2,p=1$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=4,t=2,p=1$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=4096,t=0,p=1$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=04096,t=2,p=1$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=99999999999,t=2,p=1$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHR2YWx1ZQ==$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHR2YWx1ZR$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNh$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM$",
      "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm-QiQXIct9Ivyn6klM",
      " $argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHR2YWx1ZQ$K1S1dqBhKogn9fw0C92PIPpWqm+QiQXIct9Ivyn6klM",
      "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHR2YWx1ZQ$AAA",
  })
  void malformedStringsAreRejectedWithAReason(String phc) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PasswordHash.verify("hunter2", phc));
    assertTrue(e.getMessage().contains("PHC"), e.getMessage());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PasswordHashTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
    }
  }
}
