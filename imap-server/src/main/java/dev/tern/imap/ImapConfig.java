package dev.tern.imap;

import dev.tern.imap.protocol.ImapLimits;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One IMAP listener's settings.
 *
 * @param tls the TLS context, for implicit TLS ({@code implicitTls}) or STARTTLS; empty for none
 * @param implicitTls TLS from the first byte (port 993 style) rather than STARTTLS
 * @param plaintextLogin whether LOGIN and AUTHENTICATE PLAIN are allowed without TLS (dev mode)
 * @param pollInterval how often a selected or idling session asks the store for other nodes' changes
 * @param failedLoginDelay pause after each failed login, doubling per failure on the connection
 */
public record ImapConfig(ImapLimits limits, Optional<SslContext> tls, boolean implicitTls, boolean plaintextLogin,
    Duration pollInterval, Duration failedLoginDelay, Duration idleTimeout) {

  public ImapConfig {
    Objects.requireNonNull(limits);
    Objects.requireNonNull(tls);
    if (implicitTls && tls.isEmpty()) {
      throw new IllegalArgumentException("implicit TLS needs a certificate and key");
    }
  }

  /** Cleartext, plain login allowed: only for loopback development. */
  public static ImapConfig dev() {
    return new ImapConfig(ImapLimits.DEFAULTS, Optional.empty(), false, true, Duration.ofSeconds(5),
        Duration.ofMillis(500), Duration.ofMinutes(30));
  }
}
