package dev.tern.lmtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * One LMTP listener's settings.
 *
 * @param hostname the name in the greeting, in {@code 421} goodbyes and in the {@code Received:}
 *     header's {@code by} clause
 * @param maxMessageSize largest message accepted, in bytes as sent (after dot-unstuffing, before
 *     the trace headers Tern adds); advertised as {@code SIZE}
 * @param maxLineLength longest command line, CRLF included; RFC 5321 asks for at least 512
 * @param maxRecipients accepted recipients per transaction; more get {@code 452 4.5.3}
 * @param maxBadCommands consecutive refused commands (500, 501, 503) tolerated; one more ends the
 *     connection with {@code 421 4.7.0}, as Dovecot does
 * @param idleTimeout how long a client may stay silent, between commands or within the message
 * @param spillDirectory where messages are spilled (encrypted under a key that never leaves the
 *     process) while they arrive, so their length is known before they are sealed to each user
 * @param clock the date of the {@code Received:} header, in the clock's zone
 */
public record LmtpConfig(String hostname, long maxMessageSize, int maxLineLength, int maxRecipients,
    int maxBadCommands, Duration idleTimeout, Path spillDirectory, Clock clock) {

  /** The same default as IMAP's APPENDLIMIT, so what LMTP accepts an IMAP client can also store. */
  public static final long DEFAULT_MAX_MESSAGE_SIZE = 64L * 1024 * 1024;

  public LmtpConfig {
    Objects.requireNonNull(hostname);
    Objects.requireNonNull(idleTimeout);
    Objects.requireNonNull(spillDirectory);
    Objects.requireNonNull(clock);
    if (hostname.isBlank() || hostname.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new IllegalArgumentException("LMTP hostname must be printable ASCII without spaces: \"" + hostname + "\"");
    }
    if (maxMessageSize < 1 || maxLineLength < 512 || maxRecipients < 1 || maxBadCommands < 0
        || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("implausible LMTP limits: maxMessageSize=" + maxMessageSize
          + " maxLineLength=" + maxLineLength + " maxRecipients=" + maxRecipients
          + " maxBadCommands=" + maxBadCommands + " idleTimeout=" + idleTimeout);
    }
  }

  /**
   * This machine's name, 64 MiB messages, 4096-byte lines (RFC 5321's 512 leaves no room for
   * long addresses with parameters), 100 recipients (RFC 5321's minimum), 10 bad commands, 5
   * minutes of silence (RFC 5321's server timeout), spills in the system's temp directory.
   */
  public static LmtpConfig defaults() {
    return new LmtpConfig(localHostname(), DEFAULT_MAX_MESSAGE_SIZE, 4096, 100, 10, Duration.ofMinutes(5),
        Path.of(System.getProperty("java.io.tmpdir")), Clock.systemDefaultZone());
  }

  public LmtpConfig withHostname(String name) {
    return new LmtpConfig(name, maxMessageSize, maxLineLength, maxRecipients, maxBadCommands, idleTimeout,
        spillDirectory, clock);
  }

  public LmtpConfig withMaxMessageSize(long size) {
    return new LmtpConfig(hostname, size, maxLineLength, maxRecipients, maxBadCommands, idleTimeout,
        spillDirectory, clock);
  }

  public LmtpConfig withMaxRecipients(int recipients) {
    return new LmtpConfig(hostname, maxMessageSize, maxLineLength, recipients, maxBadCommands, idleTimeout,
        spillDirectory, clock);
  }

  public LmtpConfig withIdleTimeout(Duration timeout) {
    return new LmtpConfig(hostname, maxMessageSize, maxLineLength, maxRecipients, maxBadCommands, timeout,
        spillDirectory, clock);
  }

  public LmtpConfig withSpillDirectory(Path directory) {
    return new LmtpConfig(hostname, maxMessageSize, maxLineLength, maxRecipients, maxBadCommands, idleTimeout,
        directory, clock);
  }

  public LmtpConfig withClock(Clock time) {
    return new LmtpConfig(hostname, maxMessageSize, maxLineLength, maxRecipients, maxBadCommands, idleTimeout,
        spillDirectory, time);
  }

  /** The machine's own name, as Dovecot uses it; "localhost" when it has none. */
  static String localHostname() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name.isBlank() || name.chars().anyMatch(c -> c <= ' ' || c > '~') ? "localhost" : name;
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
