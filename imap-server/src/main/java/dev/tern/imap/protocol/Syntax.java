package dev.tern.imap.protocol;

/** RFC 3501 §9 character classes. */
final class Syntax {

  private Syntax() {}

  /** ATOM-CHAR: any CHAR except atom-specials ( ) { SP CTL % * " \ ]. */
  static boolean isAtomChar(int c) {
    return c > 0x20 && c < 0x7F && c != '(' && c != ')' && c != '{' && c != '%' && c != '*'
        && c != '"' && c != '\\' && c != ']';
  }

  /** ASTRING-CHAR: ATOM-CHAR or {@code ]}. */
  static boolean isAstringChar(int c) {
    return isAtomChar(c) || c == ']';
  }

  /** list-char: ATOM-CHAR, list-wildcards or resp-specials. */
  static boolean isListChar(int c) {
    return isAtomChar(c) || c == '%' || c == '*' || c == ']';
  }

  /** tag: 1*&lt;any ASTRING-CHAR except "+"&gt;. */
  static boolean isTagChar(int c) {
    return isAstringChar(c) && c != '+';
  }

  static boolean isAtom(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isAtomChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean isAstringAtom(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isAstringChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
