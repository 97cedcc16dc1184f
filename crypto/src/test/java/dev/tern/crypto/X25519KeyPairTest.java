package dev.tern.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 7748 known answers and key handling. */
class X25519KeyPairTest {

  private static final HexFormat HEX = HexFormat.of();

  private static String x25519(String k, String u) {
    return HEX.formatHex(X25519KeyPair.scalarMult(HEX.parseHex(k), HEX.parseHex(u)));
  }

  /** RFC 7748 §5.2, the two single scalar multiplications (the second with the u high bit set, to be masked). */
  @Test
  void rfc7748Section52Vectors() {
    assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        x25519("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
    assertEquals("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
        x25519("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"));
  }

  /** RFC 7748 §5.2, iterated: k = u = 9, then (k, u) = (X25519(k, u), k), after 1 and 1000 rounds. */
  @Test
  void rfc7748Section52Iterated() {
    byte[] k = new byte[32];
    k[0] = 9;
    byte[] u = k.clone();
    for (int i = 1; i <= 1000; i++) {
      byte[] next = X25519KeyPair.scalarMult(k, u);
      u = k;
      k = next;
      if (i == 1) {
        assertEquals("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", HEX.formatHex(k));
      }
    }
    assertEquals("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", HEX.formatHex(k));
  }

  /** RFC 7748 §6.1: Alice's and Bob's keys and their shared secret, through the key pair API. */
  @Test
  void rfc7748Section61DiffieHellman() throws CryptoException {
    X25519KeyPair alice = X25519KeyPair.fromPrivateKey(
        HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    X25519KeyPair bob = X25519KeyPair.fromPrivateKey(
        HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
        HEX.formatHex(alice.publicKey().bytes()));
    assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
        HEX.formatHex(bob.publicKey().bytes()));
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assertEquals(shared, HEX.formatHex(alice.agree(bob.publicKey())));
    assertEquals(shared, HEX.formatHex(bob.agree(alice.publicKey())));
  }

  @Test
  void generatedPairsAgree() throws CryptoException {
    X25519KeyPair a = X25519KeyPair.generate();
    X25519KeyPair b = X25519KeyPair.generate();
    assertArrayEquals(a.agree(b.publicKey()), b.agree(a.publicKey()));
    assertNotEquals(a.publicKey(), b.publicKey());
    assertEquals(a, X25519KeyPair.fromPrivateKey(a.privateKeyBytes()));
  }

  @Test
  void lowOrderPeerKeysAreRefused() {
    X25519KeyPair pair = X25519KeyPair.generate();
    byte[] one = new byte[32];
    one[0] = 1;
    assertThrows(CryptoException.Malformed.class, () -> pair.agree(new X25519PublicKey(new byte[32])));
    assertThrows(CryptoException.Malformed.class, () -> pair.agree(new X25519PublicKey(one)));
  }

  @Test
  void destroyZeroesThePrivateKeyAndHidesIt() {
    X25519KeyPair pair = X25519KeyPair.generate();
    String hex = HEX.formatHex(pair.privateKeyBytes());
    assertFalse(pair.toString().contains(hex));
    assertTrue(pair.toString().contains("redacted"));
    X25519PublicKey publicKey = pair.publicKey();
    pair.destroy();
    assertTrue(pair.isDestroyed());
    assertThrows(IllegalStateException.class, pair::privateKeyBytes);
    assertThrows(IllegalStateException.class, () -> pair.agree(X25519KeyPair.generate().publicKey()));
    assertEquals(publicKey, pair.publicKey());
    assertTrue(pair.toString().contains("destroyed"));
  }

  @Test
  void publicKeysAreImmutableValues() {
    byte[] bytes = X25519KeyPair.generate().publicKey().bytes();
    X25519PublicKey key = new X25519PublicKey(bytes);
    bytes[0] ^= 1;
    assertNotEquals(new X25519PublicKey(bytes), key);
    key.bytes()[1] ^= 1;
    bytes[0] ^= 1;
    assertEquals(new X25519PublicKey(bytes), key);
    assertEquals(new X25519PublicKey(bytes).hashCode(), key.hashCode());
    assertThrows(IllegalArgumentException.class, () -> new X25519PublicKey(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> X25519KeyPair.fromPrivateKey(new byte[33]));
  }
}
