package dev.tern.daemon.auth;

import java.util.Base64;
import java.util.Optional;

/** A line to the authentication client, answering one request; {@link #line()} renders it. */
sealed interface AuthReply {

  long id();

  String line();

  /** Authenticated: Postfix requires the {@code user} field and logs it as sasl_username. */
  record Ok(long id, String user) implements AuthReply {
    @Override
    public String line() {
      return "OK\t" + id + "\tuser=" + escape(user);
    }
  }

  /** A SASL challenge; the client answers with {@code CONT}. */
  record Cont(long id, byte[] challenge) implements AuthReply {
    @Override
    public String line() {
      return "CONT\t" + id + "\t" + Base64.getEncoder().encodeToString(challenge);
    }
  }

  /**
   * Not authenticated. Field order and names as Dovecot 2.3 writes them: {@code user} (the login the
   * client gave, when there was one), {@code temp} (our fault: try again later), then
   * {@code code} and {@code reason} (Postfix shows the reason to the SMTP client).
   */
  record Fail(long id, Optional<String> user, boolean temp, Optional<String> code, Optional<String> reason)
      implements AuthReply {

    /** Wrong credentials, an unknown user, or a malformed SASL response. */
    static Fail credentials(long id, Optional<String> user) {
      return new Fail(id, user, false, Optional.empty(), Optional.empty());
    }

    /** The credentials could not be checked (a broken hash in the directory, a failing directory). */
    static Fail temporary(long id, String user) {
      return new Fail(id, Optional.of(user), true, Optional.empty(), Optional.empty());
    }

    static Fail because(long id, String reason) {
      return new Fail(id, Optional.empty(), false, Optional.empty(), Optional.of(reason));
    }

    static Fail invalidBase64(long id, String reason) {
      return new Fail(id, Optional.empty(), false, Optional.of("invalid_base64"), Optional.of(reason));
    }

    @Override
    public String line() {
      StringBuilder line = new StringBuilder("FAIL\t").append(id);
      user.ifPresent(u -> line.append("\tuser=").append(escape(u)));
      if (temp) {
        line.append("\ttemp");
      }
      code.ifPresent(c -> line.append("\tcode=").append(c));
      reason.ifPresent(r -> line.append("\treason=").append(escape(r)));
      return line.toString();
    }
  }

  /** Dovecot's tab-escaping, so that a login can never end a field or a line (here or in a log). */
  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\0' -> out.append("\0010");
        case '\001' -> out.append("\0011");
        case '\t' -> out.append("\001t");
        case '\r' -> out.append("\001r");
        case '\n' -> out.append("\001n");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
