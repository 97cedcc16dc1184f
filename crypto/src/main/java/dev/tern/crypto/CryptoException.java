package dev.tern.crypto;

/**
 * Why a ciphertext, sealed box, wrapped key or encoded key could not be used.
 *
 * <p>Callers branch on the subtype: {@link AuthenticationFailed} means the bytes are well formed but
 * were not made with this key and associated data (or were altered), {@link Malformed} means they
 * could never have been produced by this module. Messages describe the structure only and never
 * contain key material or plaintext.
 */
public abstract sealed class CryptoException extends Exception
    permits CryptoException.AuthenticationFailed, CryptoException.Malformed {

  private CryptoException(String message) {
    super(message);
  }

  /** The tag did not verify: tampered bytes, the wrong key, or the wrong associated data. */
  public static final class AuthenticationFailed extends CryptoException {
    public AuthenticationFailed(String message) {
      super(message);
    }
  }

  /** Not something this module writes: too short, an unknown version byte, a bad length or field. */
  public static final class Malformed extends CryptoException {
    public Malformed(String message) {
      super(message);
    }
  }
}
