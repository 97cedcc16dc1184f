package dev.tern.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AeadTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] AD = "users/alice/log/mailboxes/op/0001".getBytes(UTF_8);

  /** McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16 (AES-256, 96-bit IV, AAD). */
  @Test
  void knownAnswerAes256Gcm() throws CryptoException {
    byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
    byte[] plaintext = HEX.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    byte[] ad = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    byte[] nonce = HEX.parseHex("cafebabefacedbaddecaf888");
    String expected = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        + "76fc6ece0f4e1768cddf8853bb2d551b";
    Aead aead = new Aead(SymmetricKey.of(key));

    byte[] sealed = aead.seal(nonce, plaintext, ad);

    assertEquals("01" + "cafebabefacedbaddecaf888" + expected, HEX.formatHex(sealed));
    assertArrayEquals(plaintext, aead.open(sealed, ad));
  }

  /** Same paper, test case 14: AES-256, zero key and nonce, one zero block, no AAD. */
  @Test
  void knownAnswerZeroKey() {
    Aead aead = new Aead(SymmetricKey.of(new byte[32]));
    byte[] sealed = aead.seal(new byte[12], new byte[16], new byte[0]);
    assertEquals("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919",
        HEX.formatHex(sealed, 13, sealed.length));
  }

  @Test
  void roundTripsAtSeveralSizes() throws CryptoException {
    SecureRandom random = new SecureRandom();
    Aead aead = new Aead(SymmetricKey.random(random), random);
    for (int size : new int[] {0, 1, 15, 16, 17, 4096, 1 << 20}) {
      byte[] plaintext = new byte[size];
      random.nextBytes(plaintext);
      byte[] sealed = aead.seal(plaintext, AD);
      assertEquals(size + Aead.OVERHEAD, sealed.length);
      assertArrayEquals(plaintext, aead.open(sealed, AD));
    }
  }

  @Test
  void sealingTwiceGivesDifferentCiphertexts() {
    Aead aead = new Aead(SymmetricKey.random());
    byte[] plaintext = "same".getBytes(UTF_8);
    assertFalse(Arrays.equals(aead.seal(plaintext, AD), aead.seal(plaintext, AD)));
  }

  @Test
  void everySingleByteFlipFailsToOpen() {
    Aead aead = new Aead(SymmetricKey.random());
    byte[] sealed = aead.seal("a short message body".getBytes(UTF_8), AD);
    for (int i = 0; i < sealed.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] altered = sealed.clone();
        altered[i] ^= (byte) (1 << bit);
        assertThrows(CryptoException.class, () -> aead.open(altered, AD), "flip at byte " + i + " bit " + bit);
      }
    }
  }

  @Test
  void wrongKeyFails() {
    byte[] sealed = new Aead(SymmetricKey.random()).seal("x".getBytes(UTF_8), AD);
    assertThrows(CryptoException.AuthenticationFailed.class, () -> new Aead(SymmetricKey.random()).open(sealed, AD));
  }

  @Test
  void blobCopiedUnderAnotherObjectKeyFails() {
    Aead aead = new Aead(SymmetricKey.random());
    byte[] sealed = aead.seal("x".getBytes(UTF_8), AD);
    byte[] otherKey = "users/alice/log/mailboxes/op/0002".getBytes(UTF_8);
    assertThrows(CryptoException.AuthenticationFailed.class, () -> aead.open(sealed, otherKey));
  }

  @Test
  void truncatedAndUnknownVersionAreMalformed() {
    Aead aead = new Aead(SymmetricKey.random());
    byte[] sealed = aead.seal(new byte[0], AD);
    var tooShort = assertThrows(CryptoException.Malformed.class,
        () -> aead.open(Arrays.copyOf(sealed, Aead.OVERHEAD - 1), AD));
    assertTrue(tooShort.getMessage().contains("shorter"));
    sealed[0] = 7;
    var version = assertThrows(CryptoException.Malformed.class, () -> aead.open(sealed, AD));
    assertTrue(version.getMessage().contains("version 7"));
  }

  @Test
  void destroyedKeyCannotBeUsed() {
    SymmetricKey key = SymmetricKey.random();
    Aead aead = new Aead(key);
    key.destroy();
    assertThrows(IllegalStateException.class, () -> aead.seal(new byte[1], AD));
  }
}
