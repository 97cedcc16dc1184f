package dev.tern.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The per-user salt and Argon2id cost that {@link PasswordSlot} derivation needs, stored in clear
 * at {@code users/<id>/keys/salt}. Not secret; it only makes every user's derivation different, so
 * one precomputed guess cannot be tried against all users at once.
 *
 * <p>One salt serves all of a user's password slots: the slot's object name is derived from the
 * password under this salt, so it must be known before the slot is found. The cost parameters
 * travel with it, so raising {@link Argon2Params#DEFAULT} later leaves existing slots openable.
 *
 * <p>Serialized form, {@value #LENGTH} bytes: {@code version (1) | memory KiB (4) | iterations (4) |
 * lanes (4) | Argon2 version (1) | salt (32)}, integers big-endian.
 *
 * @param params the Argon2id cost
 * @param salt 32 random bytes (copied in and out)
 */
public record SlotSalt(Argon2Params params, byte[] salt) {

  public static final int SALT_LENGTH = 32;
  public static final int LENGTH = 1 + 4 + 4 + 4 + 1 + SALT_LENGTH;
  static final byte VERSION = 1;

  public SlotSalt {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(salt, "salt");
    if (salt.length != SALT_LENGTH) {
      throw new IllegalArgumentException("a slot salt is " + SALT_LENGTH + " bytes, not " + salt.length);
    }
    salt = salt.clone();
  }

  /** A fresh random salt with {@code params}. */
  public static SlotSalt random(Argon2Params params, SecureRandom random) {
    byte[] salt = new byte[SALT_LENGTH];
    random.nextBytes(salt);
    return new SlotSalt(params, salt);
  }

  /** A fresh random salt with the default cost. */
  public static SlotSalt random() {
    return random(Argon2Params.DEFAULT, Randomness.strong());
  }

  /**
   * The salt serialized in {@code bytes}.
   *
   * @throws CryptoException.Malformed if it is not a serialized salt, or its cost parameters are out of range
   */
  public static SlotSalt fromBytes(byte[] bytes) throws CryptoException {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new CryptoException.Malformed("slot salt of " + bytes.length + " bytes, not " + LENGTH);
    }
    if (bytes[0] != VERSION) {
      throw new CryptoException.Malformed("unknown slot salt version " + (bytes[0] & 0xff));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, LENGTH - 1);
    Argon2Params params;
    try {
      params = new Argon2Params(in.getInt(), in.getInt(), in.getInt(), in.get() & 0xff);
    } catch (IllegalArgumentException e) {
      throw new CryptoException.Malformed("slot salt with bad Argon2 parameters: " + e.getMessage());
    }
    byte[] salt = new byte[SALT_LENGTH];
    in.get(salt);
    return new SlotSalt(params, salt);
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(LENGTH)
        .put(VERSION)
        .putInt(params.memoryKiB())
        .putInt(params.iterations())
        .putInt(params.parallelism())
        .put((byte) params.version())
        .put(salt)
        .array();
  }

  /** A copy of the salt. */
  @Override
  public byte[] salt() {
    return salt.clone();
  }

  byte[] internalSalt() {
    return salt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SlotSalt other && params.equals(other.params) && Arrays.equals(salt, other.salt);
  }

  @Override
  public int hashCode() {
    return 31 * params.hashCode() + Arrays.hashCode(salt);
  }

  @Override
  public String toString() {
    return "SlotSalt[" + params + ", salt=" + HexFormat.of().formatHex(salt) + "]";
  }
}
