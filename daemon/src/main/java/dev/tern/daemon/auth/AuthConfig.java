package dev.tern.daemon.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * One authentication socket's settings.
 *
 * @param allowPlaintext whether PLAIN and LOGIN are accepted on a request without {@code secured}
 *     (Dovecot's {@code disable_plaintext_auth = no}): Postfix marks a request secured when its
 *     SMTP session has TLS, so false (the default) refuses passwords sent in the clear
 * @param failedAuthDelay pause before answering a failed attempt, doubling per failure of the same
 *     SMTP client on the connection (capped at 10 s)
 */
public record AuthConfig(boolean allowPlaintext, Duration failedAuthDelay) {

  public AuthConfig {
    Objects.requireNonNull(failedAuthDelay);
    if (failedAuthDelay.isNegative()) {
      throw new IllegalArgumentException("failedAuthDelay must not be negative");
    }
  }

  /** Development: plaintext allowed (the dev SMTP setup has no TLS). */
  public static AuthConfig dev() {
    return new AuthConfig(true, Duration.ofMillis(500));
  }
}
