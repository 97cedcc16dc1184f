package dev.tern.imap;

import dev.tern.imap.protocol.Command;
import dev.tern.imap.protocol.ImapFrame;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.mailbox.Accounts;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * STARTTLS, LOGIN and AUTHENTICATE PLAIN (with SASL-IR): plain-text credentials only over TLS
 * unless the listener allows them; failed attempts slow the session down, doubling each time.
 */
final class Authentication {

  private final Commands commands;
  private final ImapSession session;
  private int failedLogins;

  Authentication(Commands commands) {
    this.commands = commands;
    this.session = commands.session();
  }

  boolean loginAllowed() {
    return session.tlsActive || session.config.plaintextLogin();
  }

  void startTls(String tag) {
    if (commands.account() != null || session.tlsActive || session.config.tls().isEmpty()) {
      session.decoder.resumeAfterStartTls(false);
      throw ImapFailure.bad("STARTTLS not available now.");
    }
    commands.ok(tag, "Begin TLS negotiation now.");
    SslHandler tls = session.config.tls().get().newHandler(session.channel.alloc());
    session.channel.eventLoop().submit(() -> session.channel.pipeline().addFirst("tls", tls)).syncUninterruptibly();
    session.tlsActive = true;
    session.decoder.resumeAfterStartTls(true);
  }

  void login(String tag, String user, String password) {
    if (commands.account() != null) {
      throw ImapFailure.bad("Already logged in.");
    }
    if (!loginAllowed()) {
      throw ImapFailure.no(ResponseCode.Basic.PRIVACYREQUIRED, "Plaintext login is only allowed over TLS.");
    }
    Optional<Accounts.Lease> leased = session.accounts.login(user, password);
    if (leased.isEmpty()) {
      failedLogin();
    }
    commands.loggedIn(leased.get());
    commands.ok(tag, new ResponseCode.Capability(commands.capabilities()), "Logged in");
  }

  private void failedLogin() {
    failedLogins++;
    long delay = Math.min(10_000, session.config.failedLoginDelay().toMillis() << Math.min(5, failedLogins - 1));
    try {
      Thread.sleep(delay); // slows guessing; this session's thread only
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw ImapFailure.no(ResponseCode.Basic.AUTHENTICATIONFAILED, "Authentication failed.");
  }

  void authenticate(String tag, Command.Authenticate command) {
    if (commands.account() != null) {
      throw ImapFailure.bad("Already logged in.");
    }
    if (!command.mechanism().equalsIgnoreCase("PLAIN")) {
      throw ImapFailure.no(ResponseCode.Basic.CANNOT, "Unsupported authentication mechanism.");
    }
    if (!loginAllowed()) {
      throw ImapFailure.no(ResponseCode.Basic.PRIVACYREQUIRED, "Plaintext authentication is only allowed over TLS.");
    }
    String response = command.initialResponse();
    if (response == null) {
      session.decoder.expectSaslResponse();
      // An empty SASL challenge is "+ " exactly; the writer's continuation always adds text.
      session.channel.writeAndFlush(Unpooled.copiedBuffer("+ \r\n", StandardCharsets.US_ASCII));
      Object next = session.next(-1);
      while (!(next instanceof ImapFrame.SaslResponse)) {
        ReferenceCountUtil.release(next);
        next = session.next(-1);
      }
      response = ((ImapFrame.SaslResponse) next).line();
      if (response.equals("*")) {
        throw ImapFailure.bad("Authentication cancelled.");
      }
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(response);
    } catch (IllegalArgumentException e) {
      throw ImapFailure.bad("Invalid base64 in the SASL response.");
    }
    String[] parts = new String(decoded, StandardCharsets.UTF_8).split("\0", -1);
    if (parts.length != 3 || (!parts[0].isEmpty() && !parts[0].equals(parts[1]))) {
      failedLogin();
    }
    login(tag, parts[1], parts[2]);
  }
}
