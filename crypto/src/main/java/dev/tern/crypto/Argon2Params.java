package dev.tern.crypto;

/**
 * Argon2 cost parameters (RFC 9106): memory in KiB, passes over it, lanes, and the algorithm
 * version. They are stored next to every output (PHC strings, slot salts) so a later change of the
 * defaults never makes old hashes unverifiable.
 *
 * <p>{@link #DEFAULT} is OWASP's first recommended Argon2id setting (19 MiB, 2 passes, 1 lane):
 * tens of milliseconds per login on one core, which an online server can afford for every
 * uncached login while each offline guess still costs 19 MiB of memory traffic. One lane because
 * Bouncy Castle computes lanes sequentially: more lanes would add cost for us without adding any
 * for an attacker with parallel hardware.
 *
 * @param memoryKiB memory in KiB, at least 8 per lane and at most {@value #MAX_MEMORY_KIB}
 * @param iterations passes over the memory, at least 1
 * @param parallelism lanes, 1 to 2²⁴−1
 * @param version {@value #VERSION_13} (0x13, current) or {@value #VERSION_10} (0x10, legacy hashes only)
 */
public record Argon2Params(int memoryKiB, int iterations, int parallelism, int version) {

  public static final int VERSION_10 = 0x10;
  public static final int VERSION_13 = 0x13;

  /**
   * 4 GiB. Parameters are read from stored objects and configuration; the ceiling keeps a corrupted
   * or hostile value from making a login allocate without bound.
   */
  public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;

  public static final Argon2Params DEFAULT = new Argon2Params(19_456, 2, 1, VERSION_13);

  public Argon2Params {
    if (parallelism < 1 || parallelism > 0xFF_FFFF) {
      throw new IllegalArgumentException("Argon2 parallelism must be 1 to 16777215, not " + parallelism);
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("Argon2 iterations must be at least 1, not " + iterations);
    }
    if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
      throw new IllegalArgumentException("Argon2 memory must be 8 KiB per lane (" + 8L * parallelism + ") to "
          + MAX_MEMORY_KIB + " KiB, not " + memoryKiB);
    }
    if (version != VERSION_10 && version != VERSION_13) {
      throw new IllegalArgumentException("Argon2 version must be 0x10 or 0x13, not 0x" + Integer.toHexString(version));
    }
  }

  /** Version 0x13 parameters. */
  public static Argon2Params of(int memoryKiB, int iterations, int parallelism) {
    return new Argon2Params(memoryKiB, iterations, parallelism, VERSION_13);
  }
}
