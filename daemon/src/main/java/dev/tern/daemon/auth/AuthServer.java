package dev.tern.daemon.auth;

import dev.tern.mailbox.Accounts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An authentication socket for MTAs, speaking the server side of Dovecot's authentication
 * protocol 1.2 over TCP: Postfix with {@code smtpd_sasl_type = dovecot} and
 * {@code smtpd_sasl_path = inet:host:port} checks SMTP AUTH credentials here. It only
 * authenticates (no mail keys are opened); PLAIN and LOGIN are offered.
 */
public final class AuthServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AuthServer.class);

  /** Dovecot's AUTH_CLIENT_MAX_LINE_LENGTH: a longer line closes the connection, as there. */
  static final int MAX_LINE_LENGTH = 16384;

  private final AuthConfig config;
  private final EventLoopGroup group;
  private final Verifier verifier;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicLong connectionIds = new AtomicLong();
  private final SecureRandom random = new SecureRandom();
  private final long pid = ProcessHandle.current().pid();
  private Channel listener;

  public AuthServer(AuthConfig config, Accounts accounts, EventLoopGroup group) {
    this.config = Objects.requireNonNull(config);
    this.group = Objects.requireNonNull(group);
    this.verifier = new Verifier(Objects.requireNonNull(accounts));
  }

  /** Starts listening; returns the address bound (port 0 picks a free one). */
  public InetSocketAddress start(InetSocketAddress address) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(16 * 1024, 64 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            connections.add(channel);
            channel.pipeline().addLast("lines", new LineBasedFrameDecoder(MAX_LINE_LENGTH, true, true));
            channel.pipeline().addLast("auth", new AuthConnection(config, verifier, handshake()));
          }
        });
    listener = bootstrap.bind(address).syncUninterruptibly().channel();
    InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
    LOG.info("auth socket listening on {}{}", bound, config.allowPlaintext() ? " (plaintext allowed)" : "");
    return bound;
  }

  /**
   * The server's half of the handshake, as Dovecot 2.3 sends it. CUID numbers the connection;
   * the cookie would let a Dovecot master process claim a finished request, which Tern has no
   * use for, but clients expect one.
   */
  private String handshake() {
    byte[] cookie = new byte[16];
    random.nextBytes(cookie);
    StringBuilder lines = new StringBuilder("VERSION\t1\t2\n");
    for (String mechanism : SaslExchange.MECHANISMS) {
      lines.append("MECH\t").append(mechanism).append("\tplaintext\n");
    }
    return lines.append("SPID\t").append(pid).append('\n')
        .append("CUID\t").append(connectionIds.incrementAndGet()).append('\n')
        .append("COOKIE\t").append(HexFormat.of().formatHex(cookie)).append('\n')
        .append("DONE\n")
        .toString();
  }

  /** Stops accepting and closes every connection (requests in flight get no answer, as on a crash). */
  @Override
  public void close() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    connections.close().awaitUninterruptibly();
    verifier.close();
  }
}
