package dev.tern.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argon2 password hash in the PHC string format of the reference implementation:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, salt and hash in standard base64 without
 * padding. New hashes are Argon2id with {@link Argon2Params#DEFAULT}; existing Argon2i and Argon2d
 * hashes (from other servers, or {@code argon2 -e}) still verify, and {@link #needsRehash} tells
 * when to replace one after a successful login.
 *
 * <p>Verification recomputes the hash with the stored parameters and compares in constant time.
 * A PHC string is not secret (it is what {@code users.toml} holds), so {@link #toString()} is the
 * string itself.
 */
public final class PasswordHash {

  static final int SALT_LENGTH = 16;
  static final int HASH_LENGTH = 32;
  private static final int MAX_FIELD_LENGTH = 1024;

  // The reference encoder's grammar: fixed order, decimal numbers, version optional (absent = 0x10).
  private static final Pattern PHC = Pattern.compile(
      "\\$(argon2(?:id|i|d))(?:\\$v=(\\d{1,10}))?\\$m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,10})"
          + "\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

  private final Argon2.Type type;
  private final Argon2Params params;
  private final byte[] salt;
  private final byte[] hash;

  private PasswordHash(Argon2.Type type, Argon2Params params, byte[] salt, byte[] hash) {
    this.type = type;
    this.params = params;
    this.salt = salt;
    this.hash = hash;
  }

  /** A new Argon2id hash of {@code password} under a random 16-byte salt. */
  public static PasswordHash create(CharSequence password, Argon2Params params, SecureRandom random) {
    Objects.requireNonNull(params, "params");
    byte[] salt = new byte[SALT_LENGTH];
    random.nextBytes(salt);
    return new PasswordHash(Argon2.Type.ARGON2ID, params, salt, compute(Argon2.Type.ARGON2ID, params, salt, password, HASH_LENGTH));
  }

  /** A new Argon2id hash with the default parameters and randomness. */
  public static PasswordHash create(CharSequence password) {
    return create(password, Argon2Params.DEFAULT, Randomness.strong());
  }

  /**
   * Parses a PHC string of argon2id, argon2i or argon2d.
   *
   * @throws IllegalArgumentException saying what is wrong with it (never echoing the hash)
   */
  public static PasswordHash parse(String phc) {
    Objects.requireNonNull(phc, "phc");
    if (phc.length() > MAX_FIELD_LENGTH * 3) {
      throw new IllegalArgumentException("not an Argon2 PHC string: longer than " + MAX_FIELD_LENGTH * 3 + " characters");
    }
    Matcher m = PHC.matcher(phc);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not an Argon2 PHC string: expected $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>"
              + " with salt and hash in unpadded base64");
    }
    Argon2.Type type = Argon2.Type.fromPhcName(m.group(1));
    int version = m.group(2) == null ? Argon2Params.VERSION_10 : number(m.group(2), "v");
    Argon2Params params;
    try {
      params = new Argon2Params(number(m.group(3), "m"), number(m.group(4), "t"), number(m.group(5), "p"), version);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad Argon2 PHC parameters: " + e.getMessage(), e);
    }
    byte[] salt = base64(m.group(6), "salt");
    byte[] hash = base64(m.group(7), "hash");
    if (salt.length < Argon2.MIN_SALT_LENGTH) {
      throw new IllegalArgumentException("bad Argon2 PHC salt: " + salt.length + " bytes, at least "
          + Argon2.MIN_SALT_LENGTH + " needed");
    }
    if (hash.length < Argon2.MIN_OUTPUT_LENGTH) {
      throw new IllegalArgumentException("bad Argon2 PHC hash: " + hash.length + " bytes, at least "
          + Argon2.MIN_OUTPUT_LENGTH + " needed");
    }
    return new PasswordHash(type, params, salt, hash);
  }

  /**
   * Whether {@code password} matches the PHC string {@code phc}.
   *
   * @throws IllegalArgumentException if {@code phc} is not a well-formed Argon2 PHC string
   */
  public static boolean verify(CharSequence password, String phc) {
    return parse(phc).matches(password);
  }

  /** Whether {@code password} hashes to this hash; the comparison takes the same time either way. */
  public boolean matches(CharSequence password) {
    byte[] candidate = compute(type, params, salt, password, hash.length);
    try {
      return MessageDigest.isEqual(candidate, hash);
    } finally {
      Arrays.fill(candidate, (byte) 0);
    }
  }

  /** Whether this hash should be replaced by a fresh Argon2id one with {@code wanted} parameters. */
  public boolean needsRehash(Argon2Params wanted) {
    return type != Argon2.Type.ARGON2ID || !params.equals(wanted) || hash.length < HASH_LENGTH
        || salt.length < SALT_LENGTH;
  }

  public Argon2Params params() {
    return params;
  }

  /** "argon2id", "argon2i" or "argon2d". */
  public String algorithm() {
    return type.phcName;
  }

  /** The PHC string. */
  @Override
  public String toString() {
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "$" + type.phcName + "$v=" + params.version() + "$m=" + params.memoryKiB() + ",t=" + params.iterations()
        + ",p=" + params.parallelism() + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PasswordHash other && type == other.type && params.equals(other.params)
        && Arrays.equals(salt, other.salt) && MessageDigest.isEqual(hash, other.hash);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, params, Arrays.hashCode(salt));
  }

  private static byte[] compute(Argon2.Type type, Argon2Params params, byte[] salt, CharSequence password, int length) {
    byte[] bytes = Passwords.utf8(password);
    try {
      return Argon2.hash(type, params, bytes, salt, new byte[0], new byte[0], length);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static int number(String digits, String name) {
    if (digits.length() > 1 && digits.charAt(0) == '0') {
      throw new IllegalArgumentException("bad Argon2 PHC parameter " + name + ": leading zero");
    }
    long value = Long.parseLong(digits);
    if (value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad Argon2 PHC parameter " + name + ": " + digits + " is too large");
    }
    return (int) value;
  }

  private static byte[] base64(String text, String name) {
    if (text.length() > MAX_FIELD_LENGTH) {
      throw new IllegalArgumentException("bad Argon2 PHC " + name + ": longer than " + MAX_FIELD_LENGTH + " characters");
    }
    if (text.length() % 4 == 1) {
      throw new IllegalArgumentException("bad Argon2 PHC " + name + ": base64 length " + text.length() + " is impossible");
    }
    byte[] bytes = Base64.getDecoder().decode(text);
    // The decoder ignores stray low bits in the last character; two spellings of one hash would be
    // a needless ambiguity, so only the canonical one is accepted.
    if (!Base64.getEncoder().withoutPadding().encodeToString(bytes).equals(text)) {
      throw new IllegalArgumentException("bad Argon2 PHC " + name + ": non-canonical base64");
    }
    return bytes;
  }
}
