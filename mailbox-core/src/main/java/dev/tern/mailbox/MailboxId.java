package dev.tern.mailbox;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** A mailbox, independent of its name (a rename keeps it): 128 random bits, the log's name. */
public record MailboxId(long high, long low) {

  private static final HexFormat HEX = HexFormat.of();

  public static MailboxId random(RandomGenerator random) {
    return new MailboxId(random.nextLong(), random.nextLong());
  }

  public static MailboxId parse(String hex) {
    if (hex.length() != 32) {
      throw new IllegalArgumentException("a mailbox id is 32 hex digits, got " + hex.length() + " characters");
    }
    try {
      return new MailboxId(HEX.fromHexDigitsToLong(hex, 0, 16), HEX.fromHexDigitsToLong(hex, 16, 32));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a mailbox id is 32 hex digits: " + hex, e);
    }
  }

  public String toHex() {
    return HEX.toHexDigits(high) + HEX.toHexDigits(low);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
