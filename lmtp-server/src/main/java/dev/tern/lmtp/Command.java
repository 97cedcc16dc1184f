package dev.tern.lmtp;

/** A parsed command line ({@link CommandParser}); one record per command. */
sealed interface Command {

  /** {@code LHLO name}; {@code domain} is null when the name is not a domain or address literal. */
  record Lhlo(String domain) implements Command {}

  /**
   * {@code MAIL FROM:<path> [params]}.
   *
   * @param sender null for the null reverse-path {@code <>}, and for a path malformed only
   *     inside its brackets (delivered as from {@code <>}, as Dovecot's LMTP does)
   * @param size the declared {@code SIZE=}, or -1
   * @param smtpUtf8 the {@code SMTPUTF8} parameter was given (RFC 6531)
   */
  record Mail(Address sender, long size, boolean smtpUtf8) implements Command {}

  /** {@code RCPT TO:<path>}. */
  record Rcpt(Address recipient) implements Command {}

  record Data() implements Command {}

  record Rset() implements Command {}

  record Noop() implements Command {}

  record Quit() implements Command {}

  record Vrfy() implements Command {}

  /** A line that is no valid command: answered with {@code reply}. */
  record Invalid(Reply reply) implements Command {}
}
