package dev.tern.daemon.auth;

/**
 * The client broke the protocol (a line no Dovecot client sends); Dovecot answers that by closing
 * the connection, and so does Tern. The message names the fault, never the line: AUTH and CONT
 * lines carry passwords.
 */
final class ProtocolViolation extends RuntimeException {

  ProtocolViolation(String message) {
    super(message, null, false, false);
  }
}
