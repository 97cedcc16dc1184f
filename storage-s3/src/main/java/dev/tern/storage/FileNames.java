package dev.tern.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How {@link FileObjectStore} names files and directories after key segments.
 *
 * <p>A name is escaped: the characters {@code a-z 0-9 - _ .} stay as they are, every other byte of
 * the UTF-8 encoding becomes {@code %XX} (two upper-case hex digits), and so does a {@code .} that
 * begins or ends the name, and the first letter of a name whose part before its first {@code .} is
 * a Windows device name ({@code con}, {@code nul}, {@code com1}…). Escaped names are therefore
 * lower-case ASCII apart from the escapes, so they are unique even on a case-insensitive or
 * normalising filesystem, never hidden, and valid on Linux, macOS and Windows. A name then gets one
 * of three endings:
 *
 * <ul>
 *   <li>{@code <escaped>%obj}: a file, the object whose key ends with this segment;
 *   <li>{@code <escaped>}: a directory holding the keys that continue with this segment and '/';
 *   <li>{@code <escaped>%cont}: a directory for a segment too long for one file name: it holds the
 *       rest of the segment, named by the same rules.
 * </ul>
 *
 * <p>The endings cannot come out of escaping ({@code %} is always followed by two hex digits there),
 * so an object {@code a} and an object {@code a/b} live side by side as {@code a%obj} and {@code
 * a/b%obj}. A segment whose escaped form would be longer than {@link #DEFAULT_MAX_CHUNK} bytes is
 * cut, between code points, into chunks, each escaped as a name of its own; every chunk but the
 * last is a {@code %cont} directory. With the longest suffix a name stays under 255 bytes.
 */
final class FileNames {

  static final String OBJECT_SUFFIX = "%obj";
  static final String CONTINUATION_SUFFIX = "%cont";
  /**
   * Escaped bytes per chunk, before the escapes of a leading or trailing '.' or a device name's
   * first letter (at most 4 more) and the suffix (at most 5): 240 + 4 + 5 = 249 ≤ 255.
   */
  static final int DEFAULT_MAX_CHUNK = 240;
  /** The longest escape of one code point: four UTF-8 bytes of three characters each. */
  static final int MIN_CHUNK = 12;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final Set<String> DEVICE_NAMES = devices();

  /** What a directory entry is, after its name. */
  enum Kind { OBJECT, DIRECTORY, CONTINUATION }

  /** A decoded directory entry: its kind and the part of the key its name stands for. */
  record Entry(Kind kind, String text) {}

  private FileNames() {
  }

  /**
   * The escaped names of the chunks of one segment: usually one; several when the segment's plain
   * escape is longer than {@code maxChunk} bytes. Every chunk is a whole number of code points.
   */
  static List<String> chunks(String segment, int maxChunk) {
    List<String> chunks = new ArrayList<>(1);
    int start = 0;
    int length = 0;
    int i = 0;
    while (i < segment.length()) {
      int cp = segment.codePointAt(i);
      int escaped = escapedLength(cp);
      if (length + escaped > maxChunk) {
        chunks.add(escape(segment.substring(start, i)));
        start = i;
        length = 0;
      }
      length += escaped;
      i += Character.charCount(cp);
    }
    chunks.add(escape(segment.substring(start)));
    return chunks;
  }

  /** Bytes of one code point's escape in the middle of a name. */
  private static int escapedLength(int cp) {
    if (plain(cp)) {
      return 1;
    }
    return 3 * (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
  }

  private static boolean plain(int cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-' || cp == '_' || cp == '.';
  }

  /** The escaped form of {@code text} as one file name (no chunking, no suffix). */
  static String escape(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 8);
    boolean device = isDeviceName(text);
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      boolean edge = i == 0 || next == text.length();
      if (plain(cp) && !(cp == '.' && edge) && !(device && i == 0)) {
        sb.append((char) cp);
      } else {
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          sb.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
      }
      i = next;
    }
    return sb.toString();
  }

  /** Whether {@link #escape} leaves {@code text} (not empty) as it is. */
  private static boolean isUnescaped(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (!plain(text.charAt(i))) {
        return false;
      }
    }
    return text.charAt(0) != '.' && text.charAt(text.length() - 1) != '.' && !isDeviceName(text);
  }

  /** Whether Windows takes a name beginning with {@code text} for a device ("nul", "com1.txt"). */
  private static boolean isDeviceName(String text) {
    int dot = text.indexOf('.');
    String base = dot < 0 ? text : text.substring(0, dot);
    return base.length() <= 4 && DEVICE_NAMES.contains(base);
  }

  private static Set<String> devices() {
    List<String> names = new ArrayList<>(List.of("con", "prn", "aux", "nul"));
    for (int i = 0; i <= 9; i++) {
      names.add("com" + i);
      names.add("lpt" + i);
    }
    return Set.copyOf(names);
  }

  /**
   * Decodes a directory entry's name, or returns null for a name this store never writes (a
   * stray file, an editor's backup): such entries are ignored by listings.
   */
  static Entry decode(String name) {
    Kind kind;
    String escaped;
    if (name.endsWith(OBJECT_SUFFIX)) {
      kind = Kind.OBJECT;
      escaped = name.substring(0, name.length() - OBJECT_SUFFIX.length());
    } else if (name.endsWith(CONTINUATION_SUFFIX)) {
      kind = Kind.CONTINUATION;
      escaped = name.substring(0, name.length() - CONTINUATION_SUFFIX.length());
    } else {
      kind = Kind.DIRECTORY;
      escaped = name;
    }
    String text = unescape(escaped);
    return text == null ? null : new Entry(kind, text);
  }

  /** The text an escaped name stands for, or null if it is not in this store's canonical form. */
  static String unescape(String escaped) {
    if (escaped.isEmpty()) {
      return null;
    }
    if (escaped.indexOf('%') < 0) {
      // No escapes (each begins with '%'): the name is its own text, canonical if escaping that
      // gives it back. The common case, and listings decode every name of every directory read.
      return isUnescaped(escaped) ? escaped : null;
    }
    byte[] bytes = new byte[escaped.length()];
    int n = 0;
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '%') {
        if (i + 2 >= escaped.length()) {
          return null;
        }
        int hi = Character.digit(escaped.charAt(i + 1), 16);
        int lo = Character.digit(escaped.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes[n++] = (byte) (hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        bytes[n++] = (byte) c;
      } else {
        return null;
      }
    }
    String text = new String(bytes, 0, n, StandardCharsets.UTF_8);
    // Canonical only: re-escaping gives the same name back (rejects bad UTF-8, lower-case hex,
    // needless escapes, upper-case letters, slashes and control characters).
    if (text.indexOf('/') >= 0 || !escaped.equals(escape(text))) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return null;
      }
    }
    return text;
  }
}
