package dev.tern.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SymmetricKeyTest {

  @Test
  void ofCopiesItsInputAndBytesReturnsCopies() {
    byte[] input = new byte[32];
    Arrays.fill(input, (byte) 7);
    SymmetricKey key = SymmetricKey.of(input);
    input[0] = 0;
    byte[] out = key.bytes();
    assertEquals(7, out[0]);
    out[1] = 0;
    assertEquals(7, key.bytes()[1]);
  }

  @Test
  void rejectsWrongLengths() {
    assertThrows(IllegalArgumentException.class, () -> SymmetricKey.of(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> SymmetricKey.of(new byte[33]));
  }

  @Test
  void destroyZeroesAndForbidsUse() {
    SymmetricKey key = SymmetricKey.random();
    byte[] internal = key.internal();
    assertFalse(key.isDestroyed());
    key.destroy();
    assertTrue(key.isDestroyed());
    assertArrayEquals(new byte[32], internal);
    assertThrows(IllegalStateException.class, key::bytes);
  }

  @Test
  void toStringNeverShowsTheKey() {
    assertEquals("SymmetricKey[redacted]", SymmetricKey.of(new byte[32]).toString());
  }
}
