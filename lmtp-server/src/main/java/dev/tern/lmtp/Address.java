package dev.tern.lmtp;

import java.util.Locale;

/**
 * An SMTP mailbox from a path: the local part as meant (a quoted string's quotes and escapes
 * removed) and the domain, null for a bare local part such as {@code <postmaster>}.
 */
record Address(String localPart, String domain) {

  /**
   * The address as written in replies and headers (Dovecot's {@code smtp_address_encode}): the
   * local part as a dot-string when it is one, else quoted.
   */
  String encode() {
    StringBuilder out = new StringBuilder(localPart.length() + (domain == null ? 0 : domain.length() + 1));
    if (isDotString(localPart)) {
      out.append(localPart);
    } else {
      out.append('"');
      for (int i = 0; i < localPart.length(); i++) {
        char c = localPart.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\');
        }
        out.append(c);
      }
      out.append('"');
    }
    if (domain != null) {
      out.append('@').append(domain);
    }
    return out.toString();
  }

  /** Equal for the same mailbox: domains compare case-insensitively, local parts exactly. */
  String key() {
    return domain == null ? localPart : localPart + "@" + domain.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return encode();
  }

  private static boolean isDotString(String s) {
    if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.' || s.contains("..")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '.' && !isAtext(c)) {
        return false;
      }
    }
    return true;
  }

  /** RFC 5321 atext, with RFC 6531's non-ASCII. */
  static boolean isAtext(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0
        || c >= 0x80;
  }
}
