package dev.tern.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 9106 §5 test vectors, through the same code path as password hashes and key slots. */
class Argon2Test {

  private static final HexFormat HEX = HexFormat.of();

  private static String rfcVector(Argon2.Type type) {
    byte[] password = filled(32, 0x01);
    byte[] salt = filled(16, 0x02);
    byte[] secret = filled(8, 0x03);
    byte[] associatedData = filled(12, 0x04);
    return HEX.formatHex(Argon2.hash(type, new Argon2Params(32, 3, 4, 0x13), password, salt, secret, associatedData, 32));
  }

  @Test
  void rfc9106Argon2id() {
    assertEquals("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", rfcVector(Argon2.Type.ARGON2ID));
  }

  @Test
  void rfc9106Argon2i() {
    assertEquals("c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8", rfcVector(Argon2.Type.ARGON2I));
  }

  @Test
  void rfc9106Argon2d() {
    assertEquals("512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb", rfcVector(Argon2.Type.ARGON2D));
  }

  @Test
  void paramsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(15, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(64, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(64, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(Argon2Params.MAX_MEMORY_KIB + 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Argon2Params(64, 1, 1, 0x12));
    assertEquals(new Argon2Params(19_456, 2, 1, 0x13), Argon2Params.DEFAULT);
  }

  @Test
  void shortSaltIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> Argon2.hash(Argon2.Type.ARGON2ID, Argon2Params.of(8, 1, 1), new byte[1], new byte[7], new byte[0], new byte[0], 32));
  }

  private static byte[] filled(int length, int value) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) value);
    return out;
  }
}
