package dev.tern.daemon.auth;

import dev.tern.daemon.auth.AuthReply.Fail;
import dev.tern.daemon.auth.SaslExchange.Step;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authentication client connection (one Postfix smtpd process, typically): the handshake,
 * then any number of requests in flight at once, each answered by its id. All state is touched on
 * the channel's event loop only; verifications run on the {@link Verifier} and come back here.
 *
 * <p>The one place where faults meet the wire: a {@link ProtocolViolation} or an over-long line
 * closes the connection, as Dovecot does; everything else fails only its own request.
 */
final class AuthConnection extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(AuthConnection.class);

  /** Requests in flight on one connection; Postfix has one per SMTP session it serves at a time. */
  static final int MAX_REQUESTS = 128;
  /** The login processes' words (login-common), as a plaintext mechanism is refused. */
  static final String PLAINTEXT_REFUSED = "Plaintext authentication disallowed on non-secure (SSL/TLS) connections.";

  private enum Phase { VERSION, CPID, READY }

  /** One AUTH in flight, until its OK or FAIL is written (or it is cancelled). */
  private static final class Request {
    final long id;
    final SaslExchange exchange;
    final String service;
    final String client;
    boolean awaitingResponse;

    Request(long id, SaslExchange exchange, String service, String client) {
      this.id = id;
      this.exchange = exchange;
      this.service = service;
      this.client = client;
    }
  }

  private final AuthConfig config;
  private final Verifier verifier;
  private final String handshake;
  private final Map<Long, Request> requests = new HashMap<>();
  private final FailureDelays delays;
  private Phase phase = Phase.VERSION;
  private boolean closing;
  private ChannelHandlerContext ctx;

  AuthConnection(AuthConfig config, Verifier verifier, String handshake) {
    this.config = config;
    this.verifier = verifier;
    this.handshake = handshake;
    this.delays = new FailureDelays(config.failedAuthDelay());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // Dovecot sends its half of the handshake at once, without waiting for the client's.
    ctx.writeAndFlush(Unpooled.copiedBuffer(handshake, StandardCharsets.US_ASCII));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    String line;
    try {
      if (closing) {
        return;
      }
      line = ((ByteBuf) message).toString(StandardCharsets.UTF_8);
    } finally {
      ReferenceCountUtil.release(message);
    }
    try {
      handle(AuthCommand.parse(line));
    } catch (ProtocolViolation e) {
      LOG.info("auth client {}: {}; closing", ctx.channel().remoteAddress(), e.getMessage());
      closing = true;
      ctx.close();
    }
  }

  private void handle(AuthCommand command) {
    switch (phase) {
      case VERSION -> {
        if (!(command instanceof AuthCommand.Version version) || version.major() != 1) {
          throw new ProtocolViolation("not a version 1 client");
        }
        phase = Phase.CPID;
        return;
      }
      case CPID -> {
        if (!(command instanceof AuthCommand.Cpid)) {
          throw new ProtocolViolation("handshake without CPID");
        }
        phase = Phase.READY;
        return;
      }
      case READY -> { }
    }
    switch (command) {
      case AuthCommand.Version version -> throw new ProtocolViolation("VERSION after the handshake");
      case AuthCommand.Cpid cpid -> throw new ProtocolViolation("CPID after the handshake");
      case AuthCommand.Auth auth -> begin(auth);
      case AuthCommand.Cont cont -> proceed(cont);
      case AuthCommand.Cancel cancel -> requests.remove(cancel.id()); // no answer, as Dovecot
    }
  }

  private void begin(AuthCommand.Auth auth) {
    long id = auth.id();
    if (requests.containsKey(id)) {
      throw new ProtocolViolation("duplicate request id " + id);
    }
    Optional<SaslExchange> exchange = SaslExchange.start(auth.mechanism());
    if (exchange.isEmpty()) {
      reply(Fail.because(id, "Unsupported authentication mechanism"));
      return;
    }
    if (!config.allowPlaintext() && !secured(auth)) {
      reply(Fail.because(id, PLAINTEXT_REFUSED));
      return;
    }
    if (requests.size() >= MAX_REQUESTS) {
      reply(new Fail(id, Optional.empty(), true, Optional.empty(), Optional.of("Too many requests in progress")));
      return;
    }
    Optional<byte[]> initialResponse;
    try {
      initialResponse = auth.initialResponse().map(AuthConnection::base64);
    } catch (IllegalArgumentException e) {
      reply(Fail.invalidBase64(id, "Invalid base64 data in initial response"));
      return;
    }
    Request request = new Request(id, exchange.get(), auth.service(), auth.remoteIp().orElse(""));
    requests.put(id, request);
    step(request, request.exchange.begin(initialResponse));
  }

  /**
   * TLS on the client's side, or both ends of its connection on one address, which never crossed a
   * network (Dovecot's login processes count that as secured too).
   */
  private static boolean secured(AuthCommand.Auth auth) {
    return auth.secured() || (auth.remoteIp().isPresent() && auth.remoteIp().equals(auth.localIp()));
  }

  private void proceed(AuthCommand.Cont cont) {
    long id = cont.id();
    Request request = requests.get(id);
    if (request == null) {
      reply(Fail.because(id, "Authentication request timed out")); // Dovecot's words for an unknown id
      return;
    }
    if (!request.awaitingResponse) {
      requests.remove(id);
      reply(Fail.because(id, "Unexpected continuation"));
      return;
    }
    request.awaitingResponse = false;
    byte[] response;
    try {
      response = base64(cont.response());
    } catch (IllegalArgumentException e) {
      // "*" (a SASL cancel) lands here too, as in Dovecot: that client cancels with CANCEL.
      requests.remove(id);
      reply(Fail.invalidBase64(id, "Invalid base64 data in continued response"));
      return;
    }
    step(request, request.exchange.next(response));
  }

  private void step(Request request, Step step) {
    switch (step) {
      case Step.Challenge challenge -> {
        request.awaitingResponse = true;
        reply(new AuthReply.Cont(request.id, challenge.data()));
      }
      case Step.Credentials credentials -> verifier.check(credentials.login(), credentials.password())
          .thenAccept(outcome -> ctx.executor().execute(() -> finish(request, credentials.login(), outcome)));
      case Step.Malformed malformed -> fail(request, malformed.login());
    }
  }

  private void finish(Request request, String login, Verifier.Outcome outcome) {
    if (requests.get(request.id) != request) {
      return; // cancelled, failed by an unexpected CONT, or the connection closed
    }
    switch (outcome) {
      case OK -> {
        requests.remove(request.id);
        delays.forgive(request.client);
        LOG.debug("auth: {} authenticated (service {}, client {})", AuthReply.escape(login),
            AuthReply.escape(request.service), AuthReply.escape(request.client));
        reply(new AuthReply.Ok(request.id, login));
      }
      case FAIL -> fail(request, Optional.of(login));
      case TEMP -> {
        requests.remove(request.id);
        reply(Fail.temporary(request.id, login));
      }
    }
  }

  /**
   * Answers a failed attempt after the {@link FailureDelays} pause, scheduled on the event loop
   * (nothing waits on a thread) while other requests go on.
   */
  private void fail(Request request, Optional<String> login) {
    long delay = delays.next(request.client).toMillis();
    LOG.debug("auth: failed attempt for {} (service {}, client {}), answering in {} ms",
        login.map(AuthReply::escape).orElse("(no login)"), AuthReply.escape(request.service),
        AuthReply.escape(request.client), delay);
    ctx.executor().schedule(() -> {
      if (requests.get(request.id) == request) {
        requests.remove(request.id);
        reply(Fail.credentials(request.id, login));
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  private void reply(AuthReply reply) {
    ctx.writeAndFlush(Unpooled.copiedBuffer(reply.line() + "\n", StandardCharsets.UTF_8));
  }

  /** Dovecot's decoder: "=" is the empty response; anything not base64 (such as "*") is refused. */
  private static byte[] base64(String text) {
    return text.equals("=") ? new byte[0] : Base64.getDecoder().decode(text);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // A client that does not read its answers stops being read: replies never pile up unbounded.
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    requests.clear(); // verifications still running find nothing to answer
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      LOG.info("auth client {}: line longer than {} bytes; closing", ctx.channel().remoteAddress(),
          AuthServer.MAX_LINE_LENGTH);
    } else {
      LOG.debug("auth client {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    closing = true;
    ctx.close();
  }
}
