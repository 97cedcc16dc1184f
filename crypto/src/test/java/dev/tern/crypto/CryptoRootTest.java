package dev.tern.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CryptoRootTest {

  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  @Test
  void passRootInStore() {
    CryptoRoot root = CryptoRoot.parse("tern:cryptoroot:pass");
    assertEquals(CryptoRoot.Pass.inStore(), root);
    assertEquals("tern:cryptoroot:pass", root.format());
    assertEquals(Optional.empty(), root.embeddedPublicKey());
    assertTrue(root.canRead());
  }

  @Test
  void passRootWithPinnedSalt() {
    SlotSalt salt = SlotSalt.random(Argon2Params.DEFAULT, new SecureRandom());
    CryptoRoot root = CryptoRoot.Pass.pinned(salt);
    String text = root.format();
    assertEquals("tern:cryptoroot:pass:" + B64URL.encodeToString(salt.toBytes()), text);
    assertEquals(root, CryptoRoot.parse(text));
    assertEquals(text, root.toString());
  }

  @Test
  void cleartextRootRoundTripsAndHidesItsKeys() {
    KeyBundle keys = KeyBundle.generate();
    CryptoRoot root = new CryptoRoot.Cleartext(keys);
    String text = root.format();
    assertTrue(text.startsWith("tern:cryptoroot:cleartext:"));
    assertEquals(87, text.length() - "tern:cryptoroot:cleartext:".length());
    CryptoRoot back = CryptoRoot.parse(text);
    assertEquals(root, back);
    assertEquals(Optional.of(keys.publicKey()), back.embeddedPublicKey());

    String shown = root.toString();
    String payload = text.substring("tern:cryptoroot:cleartext:".length());
    assertFalse(shown.contains(payload), shown);
    assertFalse(shown.contains(HexFormat.of().formatHex(keys.masterKey().bytes())));
    assertTrue(shown.contains("redacted"));
  }

  @Test
  void incomingRootHoldsOnlyThePublicKey() {
    X25519PublicKey key = X25519KeyPair.generate().publicKey();
    CryptoRoot root = new CryptoRoot.Incoming(key);
    String text = root.format();
    assertEquals("tern:cryptoroot:incoming:" + B64URL.encodeToString(key.bytes()), text);
    CryptoRoot back = CryptoRoot.parse(text);
    assertEquals(new CryptoRoot.Incoming(key), back);
    assertEquals(Optional.of(key), back.embeddedPublicKey());
    assertFalse(back.canRead());
  }

  @Test
  void everyKindIsHandled() {
    // The exhaustive switch a caller writes: adding a kind breaks this at compile time.
    for (CryptoRoot root : new CryptoRoot[] {CryptoRoot.Pass.inStore(), new CryptoRoot.Cleartext(KeyBundle.generate()),
        new CryptoRoot.Incoming(X25519KeyPair.generate().publicKey())}) {
      String kind = switch (root) {
        case CryptoRoot.Pass p -> "pass";
        case CryptoRoot.Cleartext c -> "cleartext";
        case CryptoRoot.Incoming i -> "incoming";
      };
      assertTrue(root.format().startsWith("tern:cryptoroot:" + kind));
    }
  }

  @Test
  void malformedStringsGiveOneLineErrorsWithoutThePayload() {
    String secret = B64URL.encodeToString(Arrays.copyOf(KeyBundle.generate().toBytes(), 64));
    String[] bad = {
      "", "tern:cryptoroot", "tern:cryptoroot:", "aero:cryptoroot:pass", "tern:cryptoroot:keyring",
      "tern:cryptoroot:cleartext", "tern:cryptoroot:cleartext:", "tern:cryptoroot:cleartext:" + secret,
      "tern:cryptoroot:cleartext:" + secret + "AA=", "tern:cryptoroot:cleartext:" + secret + "!",
      "tern:cryptoroot:incoming:abc", "tern:cryptoroot:incoming:" + B64URL.encodeToString(new byte[31]),
      "tern:cryptoroot:incoming:" + Base64.getEncoder().encodeToString(new byte[32]).replace('A', '+'),
      "tern:cryptoroot:pass:", "tern:cryptoroot:pass:" + B64URL.encodeToString(new byte[46]),
      " tern:cryptoroot:pass", "tern:cryptoroot:pass ",
      "tern:cryptoroot:incoming:" + B64URL.encodeToString(new byte[32]).replaceFirst("A$", "B"),
    };
    for (String text : bad) {
      var e = assertThrows(IllegalArgumentException.class, () -> CryptoRoot.parse(text), text);
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      assertFalse(e.getMessage().contains(secret), e.getMessage());
    }
    var unknown = assertThrows(IllegalArgumentException.class, () -> CryptoRoot.parse("tern:cryptoroot:keyring:xyz"));
    assertEquals("unknown crypto root kind 'keyring': expected pass, cleartext or incoming", unknown.getMessage());
  }

  @Test
  void wrongBundleLengthIsReportedStructurally() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> CryptoRoot.parse("tern:cryptoroot:cleartext:" + B64URL.encodeToString(new byte[64])));
    assertEquals("bad cleartext crypto root: key bundle of 64 bytes, not 65", e.getMessage());
    assertInstanceOf(CryptoRoot.Pass.class, CryptoRoot.parse("tern:cryptoroot:pass"));
  }
}
