package dev.tern.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyBundleTest {

  @Test
  void serializesAndParsesBack() throws CryptoException {
    KeyBundle bundle = KeyBundle.generate();
    byte[] bytes = bundle.toBytes();
    assertEquals(KeyBundle.LENGTH, bytes.length);
    assertEquals(1, bytes[0]);
    KeyBundle back = KeyBundle.fromBytes(bytes);
    assertEquals(bundle, back);
    assertEquals(bundle.publicKey(), back.publicKey());
    assertArrayEquals(bundle.masterKey().bytes(), back.masterKey().bytes());
    assertNotEquals(bundle, KeyBundle.generate());
  }

  @Test
  void knownLayout() throws CryptoException {
    byte[] bytes = new byte[KeyBundle.LENGTH];
    bytes[0] = 1;
    Arrays.fill(bytes, 1, 33, (byte) 0x11);
    // RFC 7748 §6.1 Alice.
    System.arraycopy(HexFormat.of().parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"), 0,
        bytes, 33, 32);
    KeyBundle bundle = KeyBundle.fromBytes(bytes);
    assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
        HexFormat.of().formatHex(bundle.publicKey().bytes()));
    assertArrayEquals(bytes, bundle.toBytes());
  }

  @Test
  void rejectsWrongLengthAndVersion() {
    byte[] bytes = KeyBundle.generate().toBytes();
    assertThrows(CryptoException.Malformed.class, () -> KeyBundle.fromBytes(Arrays.copyOf(bytes, 64)));
    assertThrows(CryptoException.Malformed.class, () -> KeyBundle.fromBytes(Arrays.copyOf(bytes, 66)));
    bytes[0] = 2;
    var e = assertThrows(CryptoException.Malformed.class, () -> KeyBundle.fromBytes(bytes));
    assertTrue(e.getMessage().contains("version 2"));
  }

  @Test
  void destroyZeroesBothSecrets() {
    KeyBundle bundle = KeyBundle.generate();
    SymmetricKey master = bundle.masterKey();
    X25519KeyPair pair = bundle.keyPair();
    bundle.destroy();
    assertTrue(bundle.isDestroyed());
    assertTrue(master.isDestroyed());
    assertTrue(pair.isDestroyed());
    assertThrows(IllegalStateException.class, bundle::toBytes);
    assertTrue(bundle.toString().contains("destroyed"));
  }

  @Test
  void toStringShowsOnlyThePublicKey() {
    KeyBundle bundle = KeyBundle.generate();
    HexFormat hex = HexFormat.of();
    String text = bundle.toString();
    assertTrue(text.contains(hex.formatHex(bundle.publicKey().bytes())));
    assertFalse(text.contains(hex.formatHex(bundle.masterKey().bytes())));
    assertFalse(text.contains(hex.formatHex(bundle.keyPair().privateKeyBytes())));
  }
}
