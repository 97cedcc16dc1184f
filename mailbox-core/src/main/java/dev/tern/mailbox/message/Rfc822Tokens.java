package dev.tern.mailbox.message;

/**
 * RFC 822/2822 lexical scanning over a header value, written to behave exactly like Dovecot 2.3's
 * {@code rfc822-parser.c}, because BODYSTRUCTURE and ENVELOPE must equal Dovecot's byte for byte.
 * The methods return 1 when more input follows, 0 at the end of input, -1 on invalid input, and
 * skip blanks and comments after what they read (not before), like the C functions they mirror.
 * Reading at the end yields 0, where C reads the string's terminating NUL.
 */
final class Rfc822Tokens {

  /** Dovecot's atext table: 1 = atext, 2 = alpha/digit (and 8-bit), 4 = atext but a MIME tspecial. */
  private static final byte[] ATEXT = new byte[256];

  static {
    byte[] ascii = {
        0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 4, // 32-47
        2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 4, 0, 4, // 48-63
        0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, // 64-79
        2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, // 80-95
        1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, // 96-111
        2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 0}; // 112-127
    System.arraycopy(ascii, 0, ATEXT, 32, ascii.length);
    for (int c = 128; c < 256; c++) {
      ATEXT[c] = 2;
    }
  }

  /** U+FFFD in UTF-8: what Dovecot puts where a quoted string or comment had a NUL. */
  static final byte[] NUL_REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

  static boolean isAtext(int c) {
    return ATEXT[c & 0xff] != 0;
  }

  static boolean isAtextNonTspecial(int c) {
    return (ATEXT[c & 0xff] & 3) != 0;
  }

  final byte[] data;
  int pos;
  final int end;
  /** Where comments go (the last one only), or null to drop them. */
  final ByteString lastComment;
  /** Replace NULs in quoted strings, comments and domain literals (Dovecot's nul_replacement_str). */
  boolean replaceNul;

  Rfc822Tokens(byte[] data, int offset, int end, ByteString lastComment) {
    this.data = data;
    this.pos = offset;
    this.end = end;
    this.lastComment = lastComment;
  }

  Rfc822Tokens(byte[] data, ByteString lastComment) {
    this(data, 0, data.length, lastComment);
  }

  /** The current byte, or 0 at the end. */
  int cur() {
    return pos < end ? data[pos] & 0xff : 0;
  }

  boolean atEnd() {
    return pos >= end;
  }

  private int moreOrEnd() {
    return pos < end ? 1 : 0;
  }

  int skipComment() {
    int level = 1;
    if (lastComment != null) {
      lastComment.clear();
    }
    int start = ++pos;
    for (; pos < end; pos++) {
      int c = data[pos] & 0xff;
      switch (c) {
        case 0 -> {
          if (lastComment != null && replaceNul) {
            lastComment.append(data, start, pos - start).append(NUL_REPLACEMENT);
            start = pos + 1;
          }
        }
        case '(' -> level++;
        case ')' -> {
          if (--level == 0) {
            if (lastComment != null) {
              lastComment.append(data, start, pos - start);
            }
            pos++;
            return moreOrEnd();
          }
        }
        case '\n' -> {
          if (lastComment != null) {
            int len = pos - start;
            if (len > 0 && data[start + len - 1] == '\r') {
              len--;
            }
            lastComment.append(data, start, len);
            start = pos + 1;
          }
        }
        case '\\' -> {
          pos++;
          if (pos >= end) {
            return -1;
          }
          int next = data[pos] & 0xff;
          if (next == '\r' || next == '\n' || next == 0) {
            pos--;
            break;
          }
          if (lastComment != null) {
            lastComment.append(data, start, pos - start - 1);
          }
          start = pos;
        }
        default -> {
        }
      }
    }
    return -1;
  }

  int skipLwsp() {
    while (pos < end) {
      int c = data[pos];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        pos++;
        continue;
      }
      if (c != '(') {
        break;
      }
      if (skipComment() < 0) {
        return -1;
      }
    }
    return moreOrEnd();
  }

  int parseAtom(ByteString str) {
    if (pos >= end || !isAtext(data[pos])) {
      return -1;
    }
    int start = pos++;
    for (; pos < end; pos++) {
      if (!isAtext(data[pos])) {
        str.append(data, start, pos - start);
        return skipLwsp();
      }
    }
    str.append(data, start, pos - start);
    return 0;
  }

  /** dot-atom, allowing blanks around the dots (RFC 822 compatibility). Used for domains. */
  int parseDotAtom(ByteString str) {
    if (pos >= end || !isAtext(data[pos])) {
      return -1;
    }
    int start = pos++;
    while (pos < end) {
      if (isAtext(data[pos])) {
        pos++;
        continue;
      }
      str.append(data, start, pos - start);
      int ret = skipLwsp();
      if (ret <= 0) {
        return ret;
      }
      if (data[pos] != '.') {
        return 1;
      }
      pos++;
      str.append('.');
      ret = skipLwsp();
      if (ret <= 0) {
        return ret;
      }
      start = pos;
    }
    str.append(data, start, pos - start);
    return 0;
  }

  /** A MIME token (stops at tspecials, allows '.'); empty if there is none. */
  int parseMimeToken(ByteString str) {
    int start = pos;
    for (; pos < end; pos++) {
      int c = data[pos];
      if (isAtextNonTspecial(c) || c == '.') {
        continue;
      }
      str.append(data, start, pos - start);
      return skipLwsp();
    }
    str.append(data, start, pos - start);
    return 0;
  }

  int parseQuotedString(ByteString str) {
    pos++; // the opening quote
    int start = pos;
    for (; pos < end; pos++) {
      int c = data[pos] & 0xff;
      switch (c) {
        case 0 -> {
          if (replaceNul) {
            str.append(data, start, pos - start).append(NUL_REPLACEMENT);
            start = pos + 1;
          }
        }
        case '"' -> {
          str.append(data, start, pos - start);
          pos++;
          return skipLwsp();
        }
        case '\n' -> {
          int len = pos - start;
          if (len > 0 && data[start + len - 1] == '\r') {
            len--;
          }
          str.append(data, start, len);
          start = pos + 1;
        }
        case '\\' -> {
          pos++;
          if (pos >= end) {
            return -1;
          }
          int next = data[pos] & 0xff;
          if (next == '\r' || next == '\n' || next == 0) {
            pos--;
            break;
          }
          str.append(data, start, pos - start - 1);
          start = pos;
        }
        default -> {
        }
      }
    }
    return -1;
  }

  private int parseAtomOrDot(ByteString str) {
    int start = pos;
    for (; pos < end; pos++) {
      int c = data[pos];
      if (isAtext(c) || c == '.') {
        continue;
      }
      str.append(data, start, pos - start);
      return skipLwsp();
    }
    str.append(data, start, pos - start);
    return 0;
  }

  int parsePhrase(ByteString str) {
    if (pos >= end) {
      return 0;
    }
    if (data[pos] == '.') {
      return -1;
    }
    for (;;) {
      int ret = cur() == '"' ? parseQuotedString(str) : parseAtomOrDot(str);
      if (ret <= 0) {
        return ret;
      }
      int c = cur();
      if (!isAtext(c) && c != '"' && c != '.') {
        break;
      }
      str.append(' ');
    }
    return skipLwsp();
  }

  private int parseDomainLiteral(ByteString str) {
    int start = pos++;
    for (; pos < end; pos++) {
      int c = data[pos] & 0xff;
      switch (c) {
        case 0 -> {
          if (replaceNul) {
            str.append(data, start, pos - start).append(NUL_REPLACEMENT);
            start = pos + 1;
          }
        }
        case '[' -> {
          return -1;
        }
        case ']' -> {
          str.append(data, start, pos - start + 1);
          pos++;
          return skipLwsp();
        }
        case '\n' -> {
          int len = pos - start;
          if (len > 0 && data[start + len - 1] == '\r') {
            len--;
          }
          str.append(data, start, len);
          start = pos + 1;
        }
        case '\\' -> {
          pos++;
          if (pos >= end) {
            return -1;
          }
          int next = data[pos] & 0xff;
          if (next == '\r' || next == '\n' || next == 0) {
            str.append(data, start, pos - start);
            start = pos;
            pos--;
          }
        }
        default -> {
        }
      }
    }
    return -1;
  }

  /** Expects '@' at the current position. */
  int parseDomain(ByteString str) {
    pos++;
    if (skipLwsp() <= 0) {
      return -1;
    }
    return data[pos] == '[' ? parseDomainLiteral(str) : parseDotAtom(str);
  }

  /**
   * type "/" subtype into {@code str}; -1 if the value is not exactly that followed by the end or
   * ';' (then {@code str} is emptied, except when only the type was readable).
   */
  int parseContentType(ByteString str) {
    int start = str.length();
    if (skipLwsp() <= 0) {
      return -1;
    }
    if (parseMimeToken(str) <= 0 || str.length() == start) {
      return -1;
    }
    if (cur() != '/') {
      str.truncate(start);
      return -1;
    }
    pos++;
    if (skipLwsp() <= 0) {
      str.truncate(start);
      return -1;
    }
    str.append('/');
    int subtypeStart = str.length();
    int ret = parseMimeToken(str);
    if (ret < 0 || str.length() == subtypeStart || (pos < end && data[pos] != ';')) {
      str.truncate(start);
      return -1;
    }
    return ret;
  }

  /**
   * {@code ";" attribute "=" value}: 1 with key and value set, 0 at the end, -1 on invalid input.
   */
  int parseContentParam(ByteString key, ByteString value) {
    key.clear();
    value.clear();
    if (pos >= end) {
      return 0;
    }
    if (data[pos] != ';') {
      return -1;
    }
    pos++;
    if (skipLwsp() <= 0) {
      return -1;
    }
    if (parseMimeToken(key) <= 0) {
      return -1;
    }
    if (cur() != '=') {
      return -1;
    }
    pos++;
    int ret = skipLwsp();
    if (ret <= 0) {
      // broken or no value
    } else if (data[pos] == '"') {
      ret = parseQuotedString(value);
    } else if (data[pos] == '=') {
      // broken input: name==?utf-8?b?...?=
      while (pos < end) {
        int c = data[pos];
        if (c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
          break;
        }
        value.append(c);
        pos++;
      }
    } else {
      ret = parseMimeToken(value);
    }
    return ret < 0 ? -1 : 1;
  }
}
