package dev.tern.mailbox.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for building the byte strings this package deals in (one {@code char}
 * per byte, see the package description) and IMAP output.
 */
final class ByteString {

  private byte[] bytes;
  private int length;

  ByteString() {
    this(64);
  }

  ByteString(int capacity) {
    bytes = new byte[Math.max(capacity, 8)];
  }

  int length() {
    return length;
  }

  int byteAt(int index) {
    return bytes[index] & 0xff;
  }

  void clear() {
    length = 0;
  }

  void truncate(int newLength) {
    length = newLength;
  }

  ByteString append(int b) {
    ensure(1);
    bytes[length++] = (byte) b;
    return this;
  }

  ByteString append(byte[] source, int offset, int count) {
    ensure(count);
    System.arraycopy(source, offset, bytes, length, count);
    length += count;
    return this;
  }

  ByteString append(byte[] source) {
    return append(source, 0, source.length);
  }

  /** Appends a byte string (one byte per {@code char}; chars above 0xff are never produced here). */
  ByteString append(String latin1) {
    ensure(latin1.length());
    for (int i = 0; i < latin1.length(); i++) {
      bytes[length++] = (byte) latin1.charAt(i);
    }
    return this;
  }

  ByteString append(ByteString other) {
    return append(other.bytes, 0, other.length);
  }

  ByteString appendDecimal(long value) {
    return append(Long.toString(value));
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  @Override
  public String toString() {
    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }

  static String latin1(byte[] bytes, int offset, int count) {
    return new String(bytes, offset, count, StandardCharsets.ISO_8859_1);
  }

  static byte[] bytes(String latin1) {
    return latin1.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** ASCII-only case-insensitive comparison, as C's strcasecmp in the C locale. */
  static boolean equalsIgnoreCase(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    return regionMatchesIgnoreCase(a, 0, b);
  }

  /** True if {@code s} has {@code prefix} at {@code offset}, ASCII letters compared without case. */
  static boolean regionMatchesIgnoreCase(String s, int offset, String prefix) {
    if (offset + prefix.length() > s.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (lower(s.charAt(offset + i)) != lower(prefix.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }
}
