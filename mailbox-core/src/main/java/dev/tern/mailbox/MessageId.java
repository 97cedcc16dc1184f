package dev.tern.mailbox;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A message, independent of the mailboxes it is in: 128 random bits. Ops name messages by id,
 * never by UID, because a UID is only an outcome of replaying the log.
 */
public record MessageId(long high, long low) implements Comparable<MessageId> {

  private static final HexFormat HEX = HexFormat.of();

  public static MessageId random(RandomGenerator random) {
    return new MessageId(random.nextLong(), random.nextLong());
  }

  /** Parses the 32-hex-digit form used in object keys ({@code blob/<id>}). */
  public static MessageId parse(String hex) {
    if (hex.length() != 32) {
      throw new IllegalArgumentException("a message id is 32 hex digits, got " + hex.length() + " characters");
    }
    try {
      return new MessageId(HEX.fromHexDigitsToLong(hex, 0, 16), HEX.fromHexDigitsToLong(hex, 16, 32));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a message id is 32 hex digits: " + hex, e);
    }
  }

  public String toHex() {
    return HEX.toHexDigits(high) + HEX.toHexDigits(low);
  }

  @Override
  public int compareTo(MessageId other) {
    int byHigh = Long.compareUnsigned(high, other.high);
    return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
