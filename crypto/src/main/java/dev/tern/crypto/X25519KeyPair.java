package dev.tern.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair: a user's long-term pair (in the {@link KeyBundle}), or an ephemeral one made
 * for each {@link SealedBox}.
 *
 * <p>Bouncy Castle's RFC 7748 code rather than the JDK's {@code KeyAgreement("X25519")}: it works
 * on raw byte arrays, so the private scalar lives in one array that {@link #destroy()} zeroes,
 * where the JDK would copy it into key objects and a {@code BigInteger} that nothing can wipe. One
 * agreement costs tens of microseconds, once per message, which is nothing next to the AES work.
 */
public final class X25519KeyPair implements Destroyable {

  public static final int PRIVATE_KEY_LENGTH = X25519.SCALAR_SIZE;

  private final byte[] privateKey;
  private final X25519PublicKey publicKey;
  private volatile boolean destroyed;

  private X25519KeyPair(byte[] privateKey) {
    this.privateKey = privateKey;
    byte[] pub = new byte[X25519PublicKey.LENGTH];
    X25519.generatePublicKey(privateKey, 0, pub, 0);
    this.publicKey = new X25519PublicKey(pub);
  }

  public static X25519KeyPair generate(SecureRandom random) {
    byte[] privateKey = new byte[PRIVATE_KEY_LENGTH];
    X25519.generatePrivateKey(random, privateKey);
    return new X25519KeyPair(privateKey);
  }

  public static X25519KeyPair generate() {
    return generate(Randomness.strong());
  }

  /**
   * The pair of the 32-byte private key {@code privateKey} (copied; the caller zeroes its own). Any
   * 32 bytes are a valid private key: X25519 clamps the scalar when it uses it.
   */
  public static X25519KeyPair fromPrivateKey(byte[] privateKey) {
    Objects.requireNonNull(privateKey, "privateKey");
    if (privateKey.length != PRIVATE_KEY_LENGTH) {
      throw new IllegalArgumentException("an X25519 private key is " + PRIVATE_KEY_LENGTH + " bytes, not "
          + privateKey.length);
    }
    return new X25519KeyPair(privateKey.clone());
  }

  public X25519PublicKey publicKey() {
    return publicKey;
  }

  /** A copy of the private key; the caller should zero it when done. */
  public byte[] privateKeyBytes() {
    return internal().clone();
  }

  /**
   * The Diffie–Hellman shared secret with {@code peer}, X25519(private key, peer), which the caller
   * zeroes.
   *
   * @throws CryptoException.Malformed if {@code peer} is a low-order point, which would make the
   *     secret all zeros whatever our key (RFC 7748 §6.1's check)
   */
  byte[] agree(X25519PublicKey peer) throws CryptoException {
    byte[] shared = new byte[X25519.POINT_SIZE];
    if (!X25519.calculateAgreement(internal(), 0, peer.internal(), 0, shared, 0)) {
      throw new CryptoException.Malformed("X25519 public key is a low-order point: the shared secret would be zero");
    }
    return shared;
  }

  /** X25519(k, u) as RFC 7748 §5 defines it, for the known-answer tests. */
  static byte[] scalarMult(byte[] k, byte[] u) {
    byte[] r = new byte[X25519.POINT_SIZE];
    X25519.scalarMult(k, 0, u, 0, r, 0);
    return r;
  }

  private byte[] internal() {
    if (destroyed) {
      throw new IllegalStateException("key pair destroyed");
    }
    return privateKey;
  }

  /** Zeroes the private key; the public key stays usable. */
  @Override
  public void destroy() {
    destroyed = true;
    Arrays.fill(privateKey, (byte) 0);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  /** Same public key and same private key, compared in constant time. */
  @Override
  public boolean equals(Object o) {
    return o instanceof X25519KeyPair other && publicKey.equals(other.publicKey)
        && MessageDigest.isEqual(privateKey, other.privateKey);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "X25519KeyPair[public=" + publicKey + ", private=" + (destroyed ? "destroyed" : "redacted") + "]";
  }
}
