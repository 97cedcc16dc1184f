package dev.tern.lmtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parses one command line into a {@link Command}. Syntax errors become {@link Command.Invalid}
 * with the reply and wording the reference Dovecot gives for the same input, so an MTA's logs read
 * the same whichever of the two it talks to.
 *
 * <p>Paths follow RFC 5321 4.1.2 ({@code <[source route:]local@domain>}, a source route accepted
 * and ignored), with RFC 6531's non-ASCII in local parts and domains; whether non-ASCII is allowed
 * in a transaction is the session's decision (SMTPUTF8).
 */
final class CommandParser {

  private CommandParser() {}

  static Command parse(byte[] bytes) {
    String line = new String(bytes, StandardCharsets.UTF_8);
    if (line.isEmpty()) {
      return new Command.Invalid(Reply.UNKNOWN_COMMAND);
    }
    int space = line.indexOf(' ');
    String name = space < 0 ? line : line.substring(0, space);
    String args = space < 0 ? "" : line.substring(space + 1);
    if (name.isEmpty() || !name.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
      return new Command.Invalid(Reply.INVALID_SYNTAX);
    }
    return switch (name.toUpperCase(Locale.ROOT)) {
      case "LHLO" -> lhlo(args);
      case "MAIL" -> mail(args);
      case "RCPT" -> rcpt(args);
      case "DATA" -> args.isEmpty() ? new Command.Data() : new Command.Invalid(Reply.INVALID_PARAMETERS);
      case "RSET" -> args.isEmpty() ? new Command.Rset() : new Command.Invalid(Reply.INVALID_PARAMETERS);
      case "NOOP" -> new Command.Noop(); // RFC 5321: NOOP [SP String], the string ignored
      case "QUIT" -> args.isEmpty() ? new Command.Quit() : new Command.Invalid(Reply.INVALID_PARAMETERS);
      case "VRFY" -> args.isEmpty() ? new Command.Invalid(Reply.INVALID_PARAMETERS) : new Command.Vrfy();
      default -> new Command.Invalid(Reply.UNKNOWN_COMMAND);
    };
  }

  private static Command lhlo(String args) {
    String name = args.strip();
    if (name.isEmpty()) {
      return new Command.Invalid(Reply.MISSING_HOSTNAME);
    }
    Path parser = new Path(name);
    boolean valid = parser.domainOrLiteral() && parser.pos == name.length();
    return new Command.Lhlo(valid ? name : null);
  }

  private static Command mail(String args) {
    if (!args.regionMatches(true, 0, "FROM:", 0, 5)) {
      return new Command.Invalid(Reply.INVALID_PARAMETERS);
    }
    Path path = new Path(args.substring(5));
    Address sender;
    try {
      sender = path.parse(true, false);
    } catch (SyntaxError e) {
      if (!path.skipBrokenPath()) {
        return new Command.Invalid(Reply.of(501, "5.5.4", "Invalid FROM: " + e.getMessage()));
      }
      // As Dovecot's LMTP: the MTA has accepted this mail already, so a malformed sender inside
      // well-formed brackets ("<s@>", "<a..b@x>") is delivered as from the null sender rather
      // than bounced to an address that does not work.
      sender = null;
    }
    long size = -1;
    boolean body = false;
    boolean utf8 = false;
    for (String param : path.parameters()) {
      Reply refused = checkSyntax(param, "MAIL");
      if (refused != null) {
        return new Command.Invalid(refused);
      }
      int equals = param.indexOf('=');
      String keyword = (equals < 0 ? param : param.substring(0, equals)).toUpperCase(Locale.ROOT);
      String value = equals < 0 ? null : param.substring(equals + 1);
      switch (keyword) {
        case "BODY" -> {
          // RFC 6152: 8BITMIME. Bytes are stored as they come either way; BINARYMIME needs BDAT.
          if (body) {
            return invalid(501, "Duplicate BODY= parameter");
          }
          if (value == null) {
            return invalid(501, "Missing BODY= parameter value");
          }
          String type = value.toUpperCase(Locale.ROOT);
          if (!type.equals("7BIT") && !type.equals("8BITMIME")) {
            return invalid(555, "Unsupported mail BODY type");
          }
          body = true;
        }
        case "SIZE" -> {
          // RFC 1870: size-value = 1*20DIGIT
          if (size >= 0) {
            return invalid(501, "Duplicate SIZE= parameter");
          }
          if (value == null) {
            return invalid(501, "Missing SIZE= parameter value");
          }
          if (value.isEmpty() || value.length() > 20 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return invalid(555, "Unsupported SIZE parameter value");
          }
          size = value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
        }
        case "SMTPUTF8" -> {
          if (value != null) {
            return invalid(501, "Unexpected value for SMTPUTF8 parameter");
          }
          utf8 = true;
        }
        default -> {
          return invalid(555, "Unsupported parameters");
        }
      }
    }
    return new Command.Mail(sender, size, utf8);
  }

  private static Command rcpt(String args) {
    if (!args.regionMatches(true, 0, "TO:", 0, 3)) {
      return new Command.Invalid(Reply.INVALID_PARAMETERS);
    }
    Path path = new Path(args.substring(3));
    Address recipient;
    try {
      recipient = path.parse(false, true);
    } catch (SyntaxError e) {
      return new Command.Invalid(Reply.of(501, "5.5.4", "Invalid TO: " + e.getMessage()));
    }
    List<String> params = path.parameters();
    if (!params.isEmpty()) {
      // No RCPT parameter is supported (no DSN): the first one is refused, for syntax first.
      Reply refused = checkSyntax(params.get(0), "RCPT");
      return new Command.Invalid(refused != null ? refused : Reply.of(555, "5.5.4", "Unsupported parameters"));
    }
    return new Command.Rcpt(recipient);
  }

  private static Command invalid(int code, String text) {
    return new Command.Invalid(Reply.of(code, "5.5.4", text));
  }

  /** RFC 5321 esmtp-param = esmtp-keyword ["=" esmtp-value]; null when well-formed. */
  private static Reply checkSyntax(String param, String command) {
    int equals = param.indexOf('=');
    String keyword = equals < 0 ? param : param.substring(0, equals);
    boolean keywordOk = !keyword.isEmpty() && isAlnum(keyword.charAt(0))
        && keyword.chars().allMatch(c -> isAlnum((char) c) || c == '-');
    if (!keywordOk) {
      return Reply.of(501, "5.5.4", "Invalid " + command + " parameter: Unexpected character in parameter keyword");
    }
    if (equals >= 0) {
      String value = param.substring(equals + 1);
      if (value.isEmpty() || !value.chars().allMatch(c -> c >= 33 && c <= 126 && c != '=')) {
        return Reply.of(501, "5.5.4", "Invalid " + command + " parameter: Unexpected character in parameter value");
      }
    }
    return null;
  }

  private static boolean isAlnum(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  /** A path problem, worded as Dovecot words it. */
  static final class SyntaxError extends Exception {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  /** A cursor over {@code <path> [SP params]}. */
  private static final class Path {
    private final String s;
    private int pos;

    Path(String s) {
      this.s = s;
    }

    /**
     * @param allowNull whether {@code <>} is allowed (MAIL) and parses to null
     * @param allowLocalOnly whether a mailbox may lack its domain ({@code RCPT TO:<postmaster>})
     */
    Address parse(boolean allowNull, boolean allowLocalOnly) throws SyntaxError {
      if (s.isEmpty()) {
        throw new SyntaxError("Path is empty string");
      }
      if (s.charAt(0) == ' ' || s.charAt(0) == '\t') {
        throw new SyntaxError("Unexpected whitespace before path");
      }
      if (s.charAt(0) != '<') {
        throw new SyntaxError("Missing '<' at beginning of path");
      }
      pos = 1;
      boolean route = sourceRoute();
      String local = localPart();
      Address address;
      if (local == null) {
        if (peek() != '>') {
          throw new SyntaxError("Invalid character in localpart");
        }
        if (route) {
          throw new SyntaxError("Path only consists of source route");
        }
        if (!allowNull) {
          throw new SyntaxError("Null path not allowed");
        }
        address = null;
      } else if (peek() == '@') {
        pos++;
        int start = pos;
        if (!domainOrLiteral()) {
          throw new SyntaxError(pos >= s.length() || peek() == '>' ? "Missing domain after '@'" : "Invalid domain");
        }
        address = new Address(local, s.substring(start, pos));
      } else if (pos < s.length() && peek() != '>') {
        throw new SyntaxError("Invalid character in localpart");
      } else if (!allowLocalOnly) {
        throw new SyntaxError("Missing domain");
      } else {
        address = new Address(local, null);
      }
      if (peek() != '>') {
        throw new SyntaxError("Missing '>' at end of path");
      }
      pos++;
      if (pos < s.length() && s.charAt(pos) != ' ') {
        throw new SyntaxError("Invalid character in path");
      }
      return address;
    }

    /**
     * After a failed parse: moves past a path that is broken only inside its brackets
     * ({@code <} then no space or bracket up to {@code >}, then the end or a space); false if the
     * path is not like that.
     */
    boolean skipBrokenPath() {
      if (s.isEmpty() || s.charAt(0) != '<') {
        return false;
      }
      int close = 1;
      while (close < s.length() && s.charAt(close) != '>') {
        char c = s.charAt(close);
        if (c == ' ' || c == '\t' || c == '<' || c < 32) {
          return false;
        }
        close++;
      }
      if (close >= s.length() || close + 1 < s.length() && s.charAt(close + 1) != ' ') {
        return false;
      }
      pos = close + 1;
      return true;
    }

    /** What follows the path, split at spaces (runs of spaces are tolerated). */
    List<String> parameters() {
      if (pos >= s.length()) {
        return List.of();
      }
      return Arrays.stream(s.substring(pos + 1).split(" ")).filter(p -> !p.isEmpty()).toList();
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    /** {@code @domain,@domain:}, skipped; false when there is none. */
    private boolean sourceRoute() throws SyntaxError {
      if (peek() != '@') {
        return false;
      }
      while (true) {
        pos++;
        if (!domain()) {
          throw new SyntaxError("Missing domain after '@' in source route");
        }
        if (peek() != ',') {
          break;
        }
        pos++;
        if (peek() != '@') {
          throw new SyntaxError("Missing '@' after ',' in source route");
        }
      }
      if (peek() != ':') {
        throw new SyntaxError("Missing ':' at end of source route");
      }
      pos++;
      return true;
    }

    /** A quoted string (unquoted) or a dot-string; null when there is neither. */
    private String localPart() throws SyntaxError {
      if (peek() == '"') {
        StringBuilder value = new StringBuilder();
        pos++;
        while (pos < s.length()) {
          char c = s.charAt(pos++);
          if (c == '"') {
            return value.toString();
          }
          if (c == '\\') {
            if (pos >= s.length() || s.charAt(pos) < 32 || s.charAt(pos) == 127) {
              break;
            }
            value.append(s.charAt(pos++));
          } else if (c >= 32 && c != 127) {
            value.append(c);
          } else {
            break;
          }
        }
        throw new SyntaxError("Invalid character in localpart");
      }
      int start = pos;
      // Dots anywhere, as Dovecot allows (some Japanese providers hand out such addresses).
      while (pos < s.length() && (Address.isAtext(s.charAt(pos)) || s.charAt(pos) == '.')) {
        pos++;
      }
      return pos == start ? null : s.substring(start, pos);
    }

    boolean domainOrLiteral() {
      if (peek() == '[') {
        int start = pos;
        pos++;
        while (pos < s.length() && s.charAt(pos) >= 33 && s.charAt(pos) <= 126 && s.charAt(pos) != '['
            && s.charAt(pos) != ']' && s.charAt(pos) != '\\') {
          pos++;
        }
        if (peek() == ']' && pos > start + 1) {
          pos++;
          return true;
        }
        pos = start;
        return false;
      }
      return domain();
    }

    /** sub-domain *("." sub-domain), labels of letters, digits, hyphens and non-ASCII (U-labels). */
    private boolean domain() {
      int start = pos;
      while (true) {
        int label = pos;
        while (pos < s.length() && isLabelChar(s.charAt(pos), pos == label)) {
          pos++;
        }
        if (pos == label) {
          pos = start;
          return false;
        }
        if (peek() != '.' || pos + 1 >= s.length() || !isLabelChar(s.charAt(pos + 1), true)) {
          return true;
        }
        pos++;
      }
    }

    private static boolean isLabelChar(char c, boolean first) {
      return isAlnum(c) || c >= 0x80 || !first && c == '-';
    }
  }
}
