package dev.tern.mailbox.message;

/**
 * IMAP string output exactly as Dovecot 2.3's {@code imap-quote.c} writes it: quoted when the
 * string is 7-bit without CR/LF and has at most four quote or backslash characters, a literal
 * ({@code {n}CRLF} and the raw bytes) otherwise. Inputs are byte strings and are cut at their first
 * NUL, as Dovecot's C strings are.
 */
final class ImapStrings {

  /** Past this many quoted-specials a literal is shorter, Dovecot reckons. */
  private static final int QUOTED_MAX_ESCAPE_CHARS = 4;

  private ImapStrings() {
  }

  /** NIL, a quoted string or a literal. */
  static void nstring(ByteString out, String value) {
    if (value == null) {
      out.append("NIL");
      return;
    }
    String s = cString(value);
    int escapes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        if (escapes++ < QUOTED_MAX_ESCAPE_CHARS) {
          continue;
        }
        literal(out, s);
        return;
      }
      if (c == '\r' || c == '\n' || c >= 0x80) {
        literal(out, s);
        return;
      }
    }
    quoted(out, s);
  }

  /** Like {@link #nstring} with CR and LF removed, a space put where a line break joined words. */
  static void nstringNoLf(ByteString out, String value) {
    if (value == null || (value.indexOf('\r') < 0 && value.indexOf('\n') < 0)) {
      nstring(out, value);
      return;
    }
    String s = cString(value);
    StringBuilder joined = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\r' && c != '\n') {
        joined.append(c);
      } else {
        char next = i + 1 < s.length() ? s.charAt(i + 1) : '\0';
        if (next != ' ' && next != '\t' && next != '\r' && next != '\n' && next != '\0') {
          joined.append(' ');
        }
      }
    }
    nstring(out, joined.toString());
  }

  /**
   * For display strings (subject, address names): blanks, tabs and line breaks collapse to one
   * space and are trimmed, NUL becomes 0x80; written quoted if nothing had to change, as a literal
   * of the cleaned string otherwise, {@code ""} if only blanks were left.
   */
  static void forHumans(ByteString out, String text) {
    String value = cString(text);
    int size = value.length();
    int remove = 0;
    boolean whitespacePrefix = true;
    boolean lastLwsp = true;
    boolean modify = false;
    int i;
    for (i = 0; i < size; i++) {
      char c = value.charAt(i);
      switch (c) {
        case 0 -> {
          lastLwsp = false;
          modify = true;
        }
        case '\r', '\n', '\t', ' ' -> {
          if (c != ' ') {
            modify = true;
          }
          if (lastLwsp) {
            modify = true;
            remove++;
          }
          lastLwsp = true;
        }
        case '"', '\\' -> {
          modify = true;
          lastLwsp = false;
        }
        default -> {
          if (c >= 0x80) {
            modify = true;
          }
          lastLwsp = false;
        }
      }
      if (!lastLwsp) {
        whitespacePrefix = false;
      }
    }
    if (lastLwsp && i > 0 && !whitespacePrefix) {
      modify = true;
      remove++;
    }
    if (!modify) {
      out.append('"').append(value).append('"');
      return;
    }
    if (size == remove) {
      out.append("\"\"");
      return;
    }
    out.append('{').appendDecimal(size - remove).append("}\r\n");
    int start = out.length();
    lastLwsp = true;
    whitespacePrefix = true;
    for (i = 0; i < size; i++) {
      char c = value.charAt(i);
      switch (c) {
        case 0 -> {
          out.append(0x80);
          lastLwsp = false;
        }
        case '\r', '\n', '\t', ' ' -> {
          if (!lastLwsp) {
            out.append(' ');
          }
          lastLwsp = true;
        }
        default -> {
          lastLwsp = false;
          out.append(c);
        }
      }
      if (!lastLwsp) {
        whitespacePrefix = false;
      }
    }
    if (lastLwsp && i > 0 && !whitespacePrefix) {
      out.truncate(out.length() - 1);
    }
    assert out.length() - start == size - remove;
  }

  private static void literal(ByteString out, String s) {
    out.append('{').appendDecimal(s.length()).append("}\r\n").append(s);
  }

  private static void quoted(ByteString out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n' || c >= 0x80) {
        continue; // never reached from nstring: such strings are literals
      }
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    out.append('"');
  }

  /** Dovecot's message_header_strdup: NUL bytes become U+FFFD (UTF-8). */
  static String headerStrdup(String value) {
    if (value == null || value.indexOf('\0') < 0) {
      return value;
    }
    return value.replace("\0", "\u00ef\u00bf\u00bd");
  }

  private static String cString(String s) {
    int nul = s.indexOf('\0');
    return nul >= 0 ? s.substring(0, nul) : s;
  }
}
