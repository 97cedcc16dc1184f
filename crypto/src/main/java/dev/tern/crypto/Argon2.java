package dev.tern.crypto;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2 through Bouncy Castle, for password hashes and key slots. */
final class Argon2 {

  /** The three variants and their PHC names. */
  enum Type {
    ARGON2D("argon2d", Argon2Parameters.ARGON2_d),
    ARGON2I("argon2i", Argon2Parameters.ARGON2_i),
    ARGON2ID("argon2id", Argon2Parameters.ARGON2_id);

    final String phcName;
    final int bcType;

    Type(String phcName, int bcType) {
      this.phcName = phcName;
      this.bcType = bcType;
    }

    static Type fromPhcName(String name) {
      for (Type type : values()) {
        if (type.phcName.equals(name)) {
          return type;
        }
      }
      return null;
    }
  }

  static final int MIN_SALT_LENGTH = 8;
  static final int MIN_OUTPUT_LENGTH = 4;

  private Argon2() {}

  /**
   * The Argon2 tag of {@code password}. {@code secret} (RFC 9106's K, a server-side pepper) and
   * {@code associatedData} (X) may be empty. The caller owns, and zeroes, every array.
   */
  static byte[] hash(Type type, Argon2Params params, byte[] password, byte[] salt, byte[] secret,
      byte[] associatedData, int outputLength) {
    if (salt.length < MIN_SALT_LENGTH) {
      throw new IllegalArgumentException("Argon2 salt must be at least " + MIN_SALT_LENGTH + " bytes");
    }
    if (outputLength < MIN_OUTPUT_LENGTH) {
      throw new IllegalArgumentException("Argon2 output must be at least " + MIN_OUTPUT_LENGTH + " bytes");
    }
    Argon2Parameters.Builder builder = new Argon2Parameters.Builder(type.bcType)
        .withVersion(params.version())
        .withMemoryAsKB(params.memoryKiB())
        .withIterations(params.iterations())
        .withParallelism(params.parallelism())
        .withSalt(salt);
    if (secret.length > 0) {
      builder.withSecret(secret);
    }
    if (associatedData.length > 0) {
      builder.withAdditional(associatedData);
    }
    Argon2Parameters parameters = builder.build();
    try {
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(parameters);
      byte[] out = new byte[outputLength];
      generator.generateBytes(password, out);
      return out;
    } finally {
      // The parameters hold their own copy of the secret.
      parameters.clear();
      builder.clear();
    }
  }
}
