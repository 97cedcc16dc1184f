package dev.tern.daemon.auth;

import java.util.Optional;

/**
 * A line from an authentication client: the handshake ({@code VERSION}, {@code CPID}) and the
 * requests ({@code AUTH}, {@code CONT}, {@code CANCEL}). Anything else, or any of these without
 * its required fields, is a {@link ProtocolViolation}.
 */
sealed interface AuthCommand {

  record Version(long major, long minor) implements AuthCommand {}

  record Cpid(long pid) implements AuthCommand {}

  /**
   * {@code AUTH <id> <mechanism> [params]}: {@code secured} when the client's own connection is
   * TLS-protected; {@code rip}/{@code lip} the SMTP client's and server's addresses (Postfix sends
   * both); {@code resp} the base64 initial response, if any.
   */
  record Auth(long id, String mechanism, String service, boolean secured, Optional<String> remoteIp,
      Optional<String> localIp, Optional<String> initialResponse) implements AuthCommand {}

  record Cont(long id, String response) implements AuthCommand {}

  record Cancel(long id) implements AuthCommand {}

  /** Parses one line (without its LF). */
  static AuthCommand parse(String line) {
    String[] fields = line.split("\t", -1);
    return switch (fields[0]) {
      case "VERSION" -> {
        if (fields.length < 3) {
          throw new ProtocolViolation("VERSION without major and minor");
        }
        yield new Version(number(fields[1], "VERSION major"), number(fields[2], "VERSION minor"));
      }
      case "CPID" -> {
        long pid = fields.length < 2 ? 0 : number(fields[1], "CPID");
        if (pid == 0) {
          throw new ProtocolViolation("CPID without a process id");
        }
        yield new Cpid(pid);
      }
      case "AUTH" -> auth(fields);
      case "CONT" -> {
        if (fields.length < 3) {
          throw new ProtocolViolation("CONT without id and response");
        }
        // The response is everything after the id (a stray TAB makes it invalid base64, not a new field).
        yield new Cont(number(fields[1], "CONT id"), line.substring(fields[0].length() + fields[1].length() + 2));
      }
      case "CANCEL" -> {
        if (fields.length < 2) {
          throw new ProtocolViolation("CANCEL without id");
        }
        yield new Cancel(number(fields[1], "CANCEL id"));
      }
      default -> throw new ProtocolViolation("unknown command");
    };
  }

  private static Auth auth(String[] fields) {
    if (fields.length < 3 || fields[2].isEmpty()) {
      throw new ProtocolViolation("AUTH without id and mechanism");
    }
    long id = number(fields[1], "AUTH id");
    String service = null;
    boolean secured = false;
    String remoteIp = null;
    String localIp = null;
    String response = null;
    for (int i = 3; i < fields.length; i++) {
      if (response != null) {
        throw new ProtocolViolation("AUTH parameters after resp");
      }
      String field = fields[i];
      int equals = field.indexOf('=');
      String name = equals < 0 ? field : field.substring(0, equals);
      String value = equals < 0 ? "" : unescape(field.substring(equals + 1));
      switch (name) {
        case "service" -> service = value;
        // Dovecot 2.3 takes the flag whatever its value; 2.4 clients send secured=tls.
        case "secured" -> secured = true;
        case "rip" -> remoteIp = value;
        case "lip" -> localIp = value;
        case "resp" -> response = value;
        default -> { } // unknown parameters are ignored, as the protocol says
      }
    }
    if (service == null || service.isEmpty()) {
      throw new ProtocolViolation("AUTH without service");
    }
    // An empty resp= is no initial response (Dovecot's compatibility with Exim); "=" is an empty one.
    return new Auth(id, fields[2], service, secured, Optional.ofNullable(remoteIp), Optional.ofNullable(localIp),
        Optional.ofNullable(response).filter(r -> !r.isEmpty()));
  }

  /** An unsigned 32-bit decimal, as Dovecot's str_to_uint. */
  private static long number(String text, String what) {
    if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new ProtocolViolation(what + " is not a number");
    }
    long value = Long.parseLong(text);
    if (value > 0xFFFF_FFFFL) {
      throw new ProtocolViolation(what + " is out of range");
    }
    return value;
  }

  /** Dovecot's tab-escaping: \001 then 0, 1, t, r, n (or l) for NUL, \001, TAB, CR, LF. */
  static String unescape(String value) {
    if (value.indexOf('\001') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\001' || i + 1 == value.length()) {
        out.append(c);
        continue;
      }
      char next = value.charAt(++i);
      out.append(switch (next) {
        case '0' -> '\0';
        case '1' -> '\001';
        case 't' -> '\t';
        case 'r' -> '\r';
        case 'n', 'l' -> '\n';
        default -> next;
      });
    }
    return out.toString();
  }
}
