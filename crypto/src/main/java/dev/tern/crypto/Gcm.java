package dev.tern.crypto;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through the JDK's own provider, shared by {@link Aead} and {@link StreamingAead}.
 *
 * <p>The provider is pinned to SunJCE so that registering Bouncy Castle elsewhere in the process
 * never silently swaps in a table-based AES without the AES-NI/CLMUL intrinsics. A fresh
 * {@link Cipher} per call keeps every caller thread-safe (a Cipher is not), costs about a
 * microsecond, and makes nonce reuse through a stale instance impossible.
 */
final class Gcm {

  static final int KEY_LENGTH = 32;
  static final int NONCE_LENGTH = 12;
  static final int TAG_LENGTH = 16;

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final Provider PROVIDER = jdkProvider();

  private Gcm() {}

  /** Encrypts {@code in[inOff, inOff+len)} into {@code out} at {@code outOff}; writes len + 16 bytes. */
  static void seal(byte[] key, byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
    try {
      Cipher cipher = init(Cipher.ENCRYPT_MODE, key, nonce, ad);
      cipher.doFinal(in, inOff, len, out, outOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Decrypts and verifies {@code in[inOff, inOff+len)} (ciphertext then tag) into {@code out} at
   * {@code outOff}; writes len - 16 bytes, and nothing at all when the tag does not verify.
   */
  static void open(byte[] key, byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
      throws AEADBadTagException {
    try {
      Cipher cipher = init(Cipher.DECRYPT_MODE, key, nonce, ad);
      cipher.doFinal(in, inOff, len, out, outOff);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  private static Cipher init(int mode, byte[] key, byte[] nonce, byte[] ad) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(TRANSFORMATION, PROVIDER);
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    return cipher;
  }

  private static Provider jdkProvider() {
    Provider sun = Security.getProvider("SunJCE");
    if (sun != null) {
      return sun;
    }
    try {
      // A JDK without SunJCE (none we know of): take whichever provider offers GCM first.
      return Cipher.getInstance(TRANSFORMATION).getProvider();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
