package dev.tern.crypto;

import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * Seals and opens small objects (log ops, checkpoints, summaries, wrapped keys) with one key.
 *
 * <p>Format: {@code version (1) | nonce (12) | ciphertext | tag (16)}, {@value #OVERHEAD} bytes
 * more than the plaintext. Callers pass the object's store key (UTF-8) as associated data, so a
 * blob copied under another key, or into another user's prefix, fails to open.
 *
 * <p>Why AES-256-GCM with random 96-bit nonces: the JDK compiles AES and GHASH to AES-NI and
 * carry-less-multiply instructions, which gives several GB/s per core in pure Java, and it needs no
 * state: any node can seal under the shared master key without coordinating a counter. The cost
 * of random nonces is the birthday bound: after q messages under one key two nonces collide with
 * probability about q²/2⁹⁷, so 2³² messages per key keep it below 2⁻³³. A user's master key seals
 * one object per op, checkpoint and message, orders of magnitude fewer than that; streams that
 * could exceed it ({@link StreamingAead}) derive a fresh key per stream instead. XChaCha20-Poly1305
 * would lift the bound with its 192-bit nonces, but has no JDK intrinsic and runs several times
 * slower.
 *
 * <p>The version byte is not authenticated: it only selects this construction, and anything but
 * {@value #VERSION} is rejected before decryption starts. Instances are thread-safe; destroying
 * the key makes every later call throw {@link IllegalStateException}.
 */
public final class Aead {

  public static final int OVERHEAD = 1 + Gcm.NONCE_LENGTH + Gcm.TAG_LENGTH;

  static final byte VERSION = 1;
  private static final int HEADER = 1 + Gcm.NONCE_LENGTH;

  private final SymmetricKey key;
  private final SecureRandom random;

  public Aead(SymmetricKey key, SecureRandom random) {
    this.key = Objects.requireNonNull(key, "key");
    this.random = Objects.requireNonNull(random, "random");
  }

  public Aead(SymmetricKey key) {
    this(key, Randomness.strong());
  }

  /** Encrypts {@code plaintext} under a fresh random nonce, binding {@code associatedData} to it. */
  public byte[] seal(byte[] plaintext, byte[] associatedData) {
    byte[] nonce = new byte[Gcm.NONCE_LENGTH];
    random.nextBytes(nonce);
    return seal(nonce, plaintext, associatedData);
  }

  /** {@link #seal(byte[], byte[])} with a chosen nonce: for known-answer tests only. */
  byte[] seal(byte[] nonce, byte[] plaintext, byte[] associatedData) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(associatedData, "associatedData");
    byte[] out = new byte[OVERHEAD + plaintext.length];
    out[0] = VERSION;
    System.arraycopy(nonce, 0, out, 1, Gcm.NONCE_LENGTH);
    Gcm.seal(key.internal(), nonce, associatedData, plaintext, 0, plaintext.length, out, HEADER);
    return out;
  }

  /** The plaintext of {@code ciphertext}, if it was sealed with this key and {@code associatedData}. */
  public byte[] open(byte[] ciphertext, byte[] associatedData) throws CryptoException {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(associatedData, "associatedData");
    if (ciphertext.length < OVERHEAD) {
      throw new CryptoException.Malformed(
          "AEAD ciphertext of " + ciphertext.length + " bytes is shorter than its " + OVERHEAD + "-byte overhead");
    }
    if (ciphertext[0] != VERSION) {
      throw new CryptoException.Malformed("unknown AEAD version " + (ciphertext[0] & 0xff));
    }
    byte[] nonce = new byte[Gcm.NONCE_LENGTH];
    System.arraycopy(ciphertext, 1, nonce, 0, Gcm.NONCE_LENGTH);
    byte[] plaintext = new byte[ciphertext.length - OVERHEAD];
    try {
      Gcm.open(key.internal(), nonce, associatedData, ciphertext, HEADER, ciphertext.length - HEADER, plaintext, 0);
    } catch (AEADBadTagException e) {
      throw new CryptoException.AuthenticationFailed("AEAD tag mismatch: wrong key, wrong associated data or altered bytes");
    }
    return plaintext;
  }

  @Override
  public String toString() {
    return "Aead[AES-256-GCM]";
  }
}
