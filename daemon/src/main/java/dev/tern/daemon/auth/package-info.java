/**
 * The authentication socket for MTAs: a server for the client side of Dovecot's authentication
 * protocol (version 1), so that Postfix ({@code smtpd_sasl_type = dovecot}) authenticates SMTP
 * users against Tern's user directory. See {@code docs/auth-socket.md}.
 */
package dev.tern.daemon.auth;
