package dev.tern.daemon.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * One authentication's mechanism state: PLAIN (RFC 4616) or LOGIN (the draft every MTA and client
 * still speaks). Both carry the password in the clear, hence {@code plaintext} in the MECH lines.
 */
sealed interface SaslExchange {

  /** The mechanisms announced in the handshake, in Dovecot's order. */
  java.util.List<String> MECHANISMS = java.util.List.of("PLAIN", "LOGIN");

  /** What the exchange wants next. */
  sealed interface Step {
    /** Send this challenge; the client answers with CONT. */
    record Challenge(byte[] data) implements Step {}

    /** The client gave a login and password to check. */
    record Credentials(String login, String password) implements Step {
      @Override
      public String toString() {
        return "Credentials[" + login + "]"; // never the password
      }
    }

    /** The response cannot be credentials: fails like a wrong password, naming the login if known. */
    record Malformed(Optional<String> login) implements Step {}
  }

  /** The first step, with the AUTH line's initial response if it had one. */
  Step begin(Optional<byte[]> initialResponse);

  /** The step after the client's CONT response. */
  Step next(byte[] response);

  /** A fresh exchange for this mechanism name (case-insensitive: Postfix passes the client's spelling). */
  static Optional<SaslExchange> start(String mechanism) {
    return switch (mechanism.toUpperCase(Locale.ROOT)) {
      case "PLAIN" -> Optional.of(new Plain());
      case "LOGIN" -> Optional.of(new Login());
      default -> Optional.empty();
    };
  }

  /** {@code [authzid] NUL authcid NUL password}; an empty challenge asks for it. */
  final class Plain implements SaslExchange {

    @Override
    public Step begin(Optional<byte[]> initialResponse) {
      return initialResponse.map(this::next).orElseGet(() -> new Step.Challenge(new byte[0]));
    }

    @Override
    public Step next(byte[] response) {
      Optional<String> text = utf8(response);
      if (text.isEmpty()) {
        return new Step.Malformed(Optional.empty());
      }
      String[] parts = text.get().split("\0", -1);
      if (parts.length != 3 || parts[1].isEmpty()) {
        return new Step.Malformed(Optional.empty());
      }
      // Acting as another user (a master login in Dovecot's terms) is not offered.
      if (!parts[0].isEmpty() && !parts[0].equals(parts[1])) {
        return new Step.Malformed(Optional.of(parts[1]));
      }
      return new Step.Credentials(parts[1], parts[2]);
    }
  }

  /** Challenges "Username:" then "Password:", as Dovecot; an initial response is the user name. */
  final class Login implements SaslExchange {
    private static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);

    private String username;

    @Override
    public Step begin(Optional<byte[]> initialResponse) {
      return initialResponse.map(this::next).orElseGet(() -> new Step.Challenge(USERNAME));
    }

    @Override
    public Step next(byte[] response) {
      Optional<String> text = utf8(response);
      if (username == null) {
        if (text.isEmpty() || text.get().isEmpty() || text.get().indexOf('\0') >= 0) {
          return new Step.Malformed(Optional.empty());
        }
        username = text.get();
        return new Step.Challenge(PASSWORD);
      }
      return text.<Step>map(password -> new Step.Credentials(username, password))
          .orElseGet(() -> new Step.Malformed(Optional.of(username)));
    }
  }

  /** Strict UTF-8: two different invalid byte strings must not decode to one password. */
  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
