package dev.tern.crypto;

import java.security.SecureRandom;

/** The randomness used when a caller does not inject its own. */
final class Randomness {

  // The platform default (NativePRNG on Linux, reading the kernel's CSPRNG) rather than
  // getInstanceStrong(), which may pick a blocking source: nonces and salts need unpredictable
  // bytes, not bytes that wait for fresh entropy.
  private static final SecureRandom STRONG = new SecureRandom();

  private Randomness() {}

  static SecureRandom strong() {
    return STRONG;
  }
}
