package dev.tern.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * What one password unlocks: the name of its key slot and the key that opens it. Pure: bytes in,
 * bytes out; callers do the storage.
 *
 * <pre>
 * secret  = Argon2id(password, salt, cost from the {@link SlotSalt}, K = server secret, X = "tern/key-slot/v1"), 32 bytes
 * slot id = lowercase hex of HKDF-SHA256(secret, info = "tern/key-slot/id"), 16 bytes: the object users/&lt;id&gt;/keys/pass/&lt;slot id&gt;
 * KEK     = HKDF-SHA256(secret, info = "tern/key-slot/kek"), 32 bytes
 * slot    = {@link Aead}(KEK).seal({@link KeyBundle} bytes, associated data = the slot's object key)
 * </pre>
 *
 * <p>Deriving the slot's name from the password means a login finds its slot with one GET, without
 * listing, and a wrong password finds nothing (or, if forced, fails to open). One expensive
 * Argon2id run per login yields both values; HKDF separates them, so the public slot name reveals
 * nothing about the key. The optional server secret (Argon2's K input, kept in configuration or a
 * directory, never in the store) means a copy of the bucket plus the password is not enough to
 * read the mail. Binding the slot's object key means a slot copied to another name or user fails.
 *
 * <p>Changing a password: unlock with the old one, {@link #derive} with the new one, write its
 * {@link #seal sealed} bundle under the new slot id, then delete the old slot. Both slots hold the
 * same bundle, so nothing else changes, and a node that reads the store sees the new password at
 * once.
 */
public final class PasswordSlot implements Destroyable {

  /** Bytes of the slot id (32 hex digits): 128 bits, so distinct passwords never share a slot name. */
  static final int ID_LENGTH = 16;
  private static final int SECRET_LENGTH = 32;
  private static final byte[] ARGON2_DATA = "tern/key-slot/v1".getBytes(US_ASCII);
  private static final byte[] ID_INFO = "tern/key-slot/id".getBytes(US_ASCII);
  private static final byte[] KEK_INFO = "tern/key-slot/kek".getBytes(US_ASCII);
  private static final byte[] NO_SALT = new byte[0];

  private final String id;
  private final SymmetricKey kek;

  private PasswordSlot(String id, SymmetricKey kek) {
    this.id = id;
    this.kek = kek;
  }

  /**
   * Runs Argon2id (deliberately slow: tens of milliseconds at the default cost) and derives the slot
   * of {@code password}.
   *
   * @param serverSecret the server-side secret, or an empty array for none; the caller owns and zeroes it
   * @throws IllegalArgumentException if the password is empty or not valid Unicode
   */
  public static PasswordSlot derive(CharSequence password, byte[] serverSecret, SlotSalt salt) {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(serverSecret, "serverSecret");
    Objects.requireNonNull(salt, "salt");
    if (password.isEmpty()) {
      throw new IllegalArgumentException("a key slot needs a non-empty password");
    }
    byte[] passwordBytes = Passwords.utf8(password);
    byte[] secret = null;
    byte[] idBytes = null;
    byte[] kekBytes = null;
    try {
      secret = Argon2.hash(Argon2.Type.ARGON2ID, salt.params(), passwordBytes, salt.internalSalt(), serverSecret,
          ARGON2_DATA, SECRET_LENGTH);
      idBytes = Hkdf.sha256(secret, NO_SALT, ID_INFO, ID_LENGTH);
      kekBytes = Hkdf.sha256(secret, NO_SALT, KEK_INFO, SymmetricKey.LENGTH);
      return new PasswordSlot(HexFormat.of().formatHex(idBytes), SymmetricKey.of(kekBytes));
    } finally {
      Arrays.fill(passwordBytes, (byte) 0);
      wipe(secret);
      wipe(idBytes);
      wipe(kekBytes);
    }
  }

  /** The slot's name: 32 lowercase hex digits, the last part of {@code users/<id>/keys/pass/<slot id>}. */
  public String id() {
    return id;
  }

  /** The slot's content: {@code bundle} sealed under this slot's key, bound to {@code objectKey} (the slot's store key, UTF-8). */
  public byte[] seal(KeyBundle bundle, byte[] objectKey) {
    Objects.requireNonNull(bundle, "bundle");
    byte[] plaintext = bundle.toBytes();
    try {
      return new Aead(kek).seal(plaintext, objectKey);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * The bundle in a slot's content.
   *
   * @throws CryptoException.AuthenticationFailed if this is not the password (or server secret) that
   *     sealed it, or the content was read from another object key or altered
   */
  public KeyBundle open(byte[] sealed, byte[] objectKey) throws CryptoException {
    byte[] plaintext = new Aead(kek).open(sealed, objectKey);
    try {
      return KeyBundle.fromBytes(plaintext);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** Zeroes the slot key; the id, which is not secret, stays readable. */
  @Override
  public void destroy() {
    kek.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return kek.isDestroyed();
  }

  @Override
  public String toString() {
    return "PasswordSlot[" + id + ", key=" + (isDestroyed() ? "destroyed" : "redacted") + "]";
  }

  private static void wipe(byte[] bytes) {
    if (bytes != null) {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
