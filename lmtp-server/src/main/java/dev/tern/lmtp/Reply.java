package dev.tern.lmtp;

import java.util.List;

/**
 * One reply: a code, the RFC 3463 enhanced status code (null for the greeting, {@code 354} and
 * the LHLO lines, which carry none) and one or more text lines.
 */
record Reply(int code, String enhanced, List<String> lines) {

  Reply {
    if (code < 200 || code > 599 || lines.isEmpty()) {
      throw new IllegalArgumentException("not a reply: " + code + " " + lines);
    }
    lines = List.copyOf(lines);
  }

  static Reply of(int code, String enhanced, String text) {
    return new Reply(code, enhanced, List.of(text));
  }

  /** This reply about one recipient: {@code <address>} before the text, as Dovecot words per-recipient replies. */
  Reply about(Address address) {
    return of(code, enhanced, "<" + address.encode() + "> " + lines.get(0));
  }

  /** 500, 501 and 503 count towards the connection's limit of consecutive bad commands, as in Dovecot. */
  boolean isBadCommand() {
    return code == 500 || code == 501 || code == 503;
  }

  static final Reply OK = of(250, "2.0.0", "OK");
  static final Reply MAIL_OK = of(250, "2.1.0", "OK");
  static final Reply RCPT_OK = of(250, "2.1.5", "OK");
  static final Reply START_DATA = of(354, null, "OK");
  static final Reply BYE = of(221, "2.0.0", "Bye");
  static final Reply VRFY = of(252, "2.3.3", "Try RCPT instead");
  static final Reply UNKNOWN_COMMAND = of(500, "5.5.1", "Unknown command");
  static final Reply INVALID_SYNTAX = of(500, "5.5.2", "Invalid command syntax");
  static final Reply LINE_TOO_LONG = of(500, "5.5.2", "Line too long");
  static final Reply INVALID_PARAMETERS = of(501, "5.5.4", "Invalid parameters");
  static final Reply MISSING_HOSTNAME = of(501, "5.5.4", "Missing hostname");
  static final Reply MAIL_GIVEN = of(503, "5.5.0", "MAIL already given");
  static final Reply MAIL_NEEDED = of(503, "5.5.0", "MAIL needed first");
  static final Reply NO_RECIPIENTS = of(503, "5.5.0", "No valid recipients");
  static final Reply TOO_MANY_RECIPIENTS = of(452, "4.5.3", "Too many recipients");
  static final Reply TOO_BIG = of(552, "5.3.4", "Message size exceeds fixed maximum message size");
  static final Reply TEMPORARY_FAILURE = of(451, "4.3.0", "Temporary internal error");
}
