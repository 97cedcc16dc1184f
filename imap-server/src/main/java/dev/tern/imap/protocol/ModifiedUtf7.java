package dev.tern.imap.protocol;

import java.util.Optional;

/**
 * Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable ASCII stands for itself except
 * {@code &}, written {@code &-}; anything else is UTF-16BE in modified base64 ({@code ,} for
 * {@code /}, no padding) between {@code &} and {@code -}.
 */
public final class ModifiedUtf7 {

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".toCharArray();
  private static final int[] VALUES = new int[128];

  static {
    java.util.Arrays.fill(VALUES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = i;
    }
  }

  private ModifiedUtf7() {}

  public static String encode(String name) {
    StringBuilder out = new StringBuilder(name.length() + 8);
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c >= 0x20 && c <= 0x7E) {
        out.append(c == '&' ? "&-" : String.valueOf(c));
        i++;
        continue;
      }
      int end = i;
      while (end < name.length() && (name.charAt(end) < 0x20 || name.charAt(end) > 0x7E)) {
        end++;
      }
      out.append('&');
      int bits = 0;
      int buffer = 0;
      for (int k = i; k < end; k++) {
        buffer = (buffer << 16) | name.charAt(k);
        bits += 16;
        while (bits >= 6) {
          bits -= 6;
          out.append(ALPHABET[(buffer >>> bits) & 0x3F]);
        }
        buffer &= (1 << bits) - 1;
      }
      if (bits > 0) {
        out.append(ALPHABET[(buffer << (6 - bits)) & 0x3F]);
      }
      out.append('-');
      i = end;
    }
    return out.toString();
  }

  /**
   * The name a modified UTF-7 string stands for, or empty if it is not canonical modified UTF-7
   * (8-bit or control characters, an unterminated or empty shift, printable ASCII or an unpaired
   * surrogate encoded in base64, non-zero padding bits, two adjacent shifts).
   */
  public static Optional<String> decode(String encoded) {
    StringBuilder out = new StringBuilder(encoded.length());
    int i = 0;
    int lastShiftEnd = -1;
    while (i < encoded.length()) {
      char c = encoded.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return Optional.empty();
      }
      if (c != '&') {
        out.append(c);
        i++;
        continue;
      }
      int end = encoded.indexOf('-', i + 1);
      if (end < 0) {
        return Optional.empty();
      }
      if (end == i + 1) {
        out.append('&');
        i = end + 1;
        continue;
      }
      if (lastShiftEnd == i) {
        return Optional.empty();
      }
      int bits = 0;
      int buffer = 0;
      int start = out.length();
      for (int k = i + 1; k < end; k++) {
        char b = encoded.charAt(k);
        int v = b < 128 ? VALUES[b] : -1;
        if (v < 0) {
          return Optional.empty();
        }
        buffer = (buffer << 6) | v;
        bits += 6;
        if (bits >= 16) {
          bits -= 16;
          out.append((char) ((buffer >>> bits) & 0xFFFF));
          buffer &= (1 << bits) - 1;
        }
      }
      if (bits >= 6 || buffer != 0 || out.length() == start) {
        return Optional.empty();
      }
      for (int k = start; k < out.length(); k++) {
        char d = out.charAt(k);
        if (d >= 0x20 && d <= 0x7E) {
          return Optional.empty();
        }
        if (Character.isHighSurrogate(d)) {
          if (k + 1 >= out.length() || !Character.isLowSurrogate(out.charAt(k + 1))) {
            return Optional.empty();
          }
          k++;
        } else if (Character.isLowSurrogate(d)) {
          return Optional.empty();
        }
      }
      i = end + 1;
      lastShiftEnd = i;
    }
    return Optional.of(out.toString());
  }
}
