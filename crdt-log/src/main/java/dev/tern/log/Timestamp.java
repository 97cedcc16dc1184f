package dev.tern.log;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * When an operation or checkpoint was written: 64 bits of milliseconds since the epoch, then 64
 * random bits so that two nodes writing in the same millisecond never collide. Written as 32
 * lowercase hex digits, so object keys sort by time in the store's byte order.
 */
public record Timestamp(long millis, long random) implements Comparable<Timestamp> {

  /** Sorts before every timestamp a clock can issue. */
  public static final Timestamp ZERO = new Timestamp(0, 0);

  private static final HexFormat HEX = HexFormat.of();

  public Timestamp {
    if (millis < 0) {
      throw new IllegalArgumentException("timestamp milliseconds must not be negative: " + millis);
    }
  }

  /** A timestamp at {@code millis} with fresh random low bits. */
  public static Timestamp at(long millis, RandomGenerator random) {
    return new Timestamp(millis, random.nextLong());
  }

  /**
   * Parses the 32-hex-digit form.
   *
   * @throws IllegalArgumentException when {@code hex} is not exactly 32 hex digits
   */
  public static Timestamp parse(String hex) {
    if (hex.length() != 32) {
      throw new IllegalArgumentException("a timestamp is 32 hex digits, got " + hex.length() + " characters");
    }
    try {
      return new Timestamp(HEX.fromHexDigitsToLong(hex, 0, 16), HEX.fromHexDigitsToLong(hex, 16, 32));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a timestamp is 32 hex digits: " + hex, e);
    }
  }

  /** The 32-hex-digit form used in object keys. */
  public String toHex() {
    return HEX.toHexDigits(millis) + HEX.toHexDigits(random);
  }

  /** Byte order of {@link #toHex()}: milliseconds, then the random bits as unsigned. */
  @Override
  public int compareTo(Timestamp other) {
    int byMillis = Long.compare(millis, other.millis);
    return byMillis != 0 ? byMillis : Long.compareUnsigned(random, other.random);
  }

  /** The greatest timestamp below this one, for "start after" listings; ZERO has none. */
  public Timestamp justBefore() {
    if (random != 0) {
      return new Timestamp(millis, random - 1);
    }
    if (millis == 0) {
      throw new IllegalStateException("no timestamp before ZERO");
    }
    return new Timestamp(millis - 1, -1L);
  }

  public boolean isBefore(Timestamp other) {
    return compareTo(other) < 0;
  }

  @Override
  public String toString() {
    return toHex();
  }
}
