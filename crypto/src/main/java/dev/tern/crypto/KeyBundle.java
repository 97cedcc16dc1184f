package dev.tern.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * A user's keys: the 256-bit master key (AEAD for ops, checkpoints, blobs and summaries) and the
 * X25519 key pair (incoming mail is sealed to its public half). This is what a password slot or a
 * cleartext crypto root holds, and what a login unlocks.
 *
 * <p>Serialized form, {@value #LENGTH} bytes: {@code version (1) | master key (32) | X25519 private
 * key (32)}. The public key is recomputed from the private key rather than stored, so the two can
 * never disagree. The serialized bytes are as secret as the keys: callers zero them after use.
 */
public final class KeyBundle implements Destroyable {

  public static final int LENGTH = 1 + SymmetricKey.LENGTH + X25519KeyPair.PRIVATE_KEY_LENGTH;
  static final byte VERSION = 1;

  private final SymmetricKey masterKey;
  private final X25519KeyPair keyPair;

  /** A bundle of these two keys, which it now owns: {@link #destroy()} destroys them. */
  public KeyBundle(SymmetricKey masterKey, X25519KeyPair keyPair) {
    this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
    this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
  }

  /** A new user's keys. */
  public static KeyBundle generate(SecureRandom random) {
    return new KeyBundle(SymmetricKey.random(random), X25519KeyPair.generate(random));
  }

  public static KeyBundle generate() {
    return generate(Randomness.strong());
  }

  /**
   * The bundle serialized in {@code bytes} (which the caller still owns and should zero).
   *
   * @throws CryptoException.Malformed if the length or version is wrong
   */
  public static KeyBundle fromBytes(byte[] bytes) throws CryptoException {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new CryptoException.Malformed("key bundle of " + bytes.length + " bytes, not " + LENGTH);
    }
    if (bytes[0] != VERSION) {
      throw new CryptoException.Malformed("unknown key bundle version " + (bytes[0] & 0xff));
    }
    byte[] master = Arrays.copyOfRange(bytes, 1, 1 + SymmetricKey.LENGTH);
    byte[] privateKey = Arrays.copyOfRange(bytes, 1 + SymmetricKey.LENGTH, LENGTH);
    try {
      return new KeyBundle(SymmetricKey.of(master), X25519KeyPair.fromPrivateKey(privateKey));
    } finally {
      Arrays.fill(master, (byte) 0);
      Arrays.fill(privateKey, (byte) 0);
    }
  }

  /** The serialized bundle; the caller zeroes it when done. */
  public byte[] toBytes() {
    byte[] out = new byte[LENGTH];
    out[0] = VERSION;
    System.arraycopy(masterKey.internal(), 0, out, 1, SymmetricKey.LENGTH);
    byte[] privateKey = keyPair.privateKeyBytes();
    System.arraycopy(privateKey, 0, out, 1 + SymmetricKey.LENGTH, privateKey.length);
    Arrays.fill(privateKey, (byte) 0);
    return out;
  }

  /** The master key itself (not a copy): destroyed with the bundle. */
  public SymmetricKey masterKey() {
    return masterKey;
  }

  /** The key pair itself (not a copy): destroyed with the bundle. */
  public X25519KeyPair keyPair() {
    return keyPair;
  }

  public X25519PublicKey publicKey() {
    return keyPair.publicKey();
  }

  /** Zeroes the master key and the private key. */
  @Override
  public void destroy() {
    masterKey.destroy();
    keyPair.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return masterKey.isDestroyed() && keyPair.isDestroyed();
  }

  /** The same keys, compared in constant time. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof KeyBundle other)) {
      return false;
    }
    byte[] mine = toBytes();
    byte[] theirs = other.toBytes();
    try {
      return MessageDigest.isEqual(mine, theirs);
    } finally {
      Arrays.fill(mine, (byte) 0);
      Arrays.fill(theirs, (byte) 0);
    }
  }

  @Override
  public int hashCode() {
    return keyPair.publicKey().hashCode();
  }

  @Override
  public String toString() {
    return "KeyBundle[public=" + keyPair.publicKey() + ", secrets=" + (isDestroyed() ? "destroyed" : "redacted") + "]";
  }
}
