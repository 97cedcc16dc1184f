package dev.tern.storage;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The key of one object: a '/'-separated path of at most {@value #MAX_BYTES} UTF-8 bytes.
 *
 * <p>Keys are validated once, here, so every store can map them to files or URLs without further
 * checks: no empty segment (no leading, trailing or doubled '/'), no "." or ".." segment, no
 * control characters, no unpaired surrogates. Keys order by their UTF-8 bytes, as S3 lists them.
 */
public record ObjectKey(String value) implements Comparable<ObjectKey> {

  public static final int MAX_BYTES = 1024;

  public ObjectKey {
    Objects.requireNonNull(value, "key");
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException("invalid object key \"" + printable(value) + "\": " + problem);
    }
  }

  public static ObjectKey of(String value) {
    return new ObjectKey(value);
  }

  /** This key with {@code segments} appended, each separated by '/'. */
  public ObjectKey resolve(String... segments) {
    StringBuilder sb = new StringBuilder(value);
    for (String segment : segments) {
      sb.append('/').append(segment);
    }
    return new ObjectKey(sb.toString());
  }

  /** The key as a listing prefix: this key followed by '/'. */
  public String asPrefix() {
    return value + "/";
  }

  /** The last segment. */
  public String name() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  public byte[] utf8() {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public int compareTo(ObjectKey other) {
    return compareUtf8(value, other.value);
  }

  @Override
  public String toString() {
    return value;
  }

  /**
   * Compares two strings by their UTF-8 encodings, without encoding them. Code-point order equals
   * UTF-8 byte order; UTF-16 {@code compareTo} does not (surrogates sort below U+E000..U+FFFF).
   */
  public static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static String problem(String value) {
    if (value.isEmpty()) {
      return "empty";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "control character at " + i;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return "unpaired surrogate at " + i;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return "unpaired surrogate at " + i;
      }
    }
    for (String segment : value.split("/", -1)) {
      if (segment.isEmpty()) {
        return "empty segment";
      }
      if (segment.equals(".") || segment.equals("..")) {
        return "'" + segment + "' segment";
      }
    }
    int length = value.getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_BYTES) {
      return length + " bytes, more than " + MAX_BYTES;
    }
    return null;
  }

  private static String printable(String value) {
    String shortened = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    StringBuilder sb = new StringBuilder();
    shortened.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f) {
        sb.append(String.format("\\x%02x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return sb.toString();
  }
}
