package dev.tern.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * A 256-bit secret key. The bytes stay inside: {@link #bytes()} hands out a copy, and
 * {@link #destroy()} zeroes the only array this object holds, so a key that is no longer needed
 * does not linger in the heap until the collector moves it.
 */
public final class SymmetricKey implements Destroyable {

  public static final int LENGTH = 32;

  private final byte[] key;
  private volatile boolean destroyed;

  private SymmetricKey(byte[] key) {
    this.key = key;
  }

  public static SymmetricKey random(SecureRandom random) {
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);
    return new SymmetricKey(bytes);
  }

  public static SymmetricKey random() {
    return random(Randomness.strong());
  }

  /** A key holding a copy of {@code bytes}, which must be exactly {@value #LENGTH} long. */
  public static SymmetricKey of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a symmetric key is " + LENGTH + " bytes, not " + bytes.length);
    }
    return new SymmetricKey(bytes.clone());
  }

  /** A copy of the key; the caller should zero it when done. */
  public byte[] bytes() {
    return internal().clone();
  }

  /** The array itself, for code in this package that copies it straight into a cipher. */
  byte[] internal() {
    if (destroyed) {
      throw new IllegalStateException("key destroyed");
    }
    return key;
  }

  @Override
  public void destroy() {
    destroyed = true;
    Arrays.fill(key, (byte) 0);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return destroyed ? "SymmetricKey[destroyed]" : "SymmetricKey[redacted]";
  }
}
