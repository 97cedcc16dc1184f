package dev.tern.imap;

import dev.tern.imap.protocol.ImapFrame;
import dev.tern.imap.protocol.ImapFrameDecoder;
import dev.tern.mailbox.Accounts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IMAP listener: Netty does the I/O and framing on its event loops; each connection's commands
 * run in order on that connection's own virtual thread ({@link ImapSession}).
 */
public final class ImapServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ImapServer.class);

  private final ImapConfig config;
  private final Accounts accounts;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final java.util.Set<ImapSession> sessions = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private Channel listener;

  public ImapServer(ImapConfig config, Accounts accounts, EventLoopGroup group) {
    this.config = Objects.requireNonNull(config);
    this.accounts = Objects.requireNonNull(accounts);
    this.group = group;
    this.ownsGroup = false;
  }

  /** A server with its own event loops (tests, simple setups). */
  public ImapServer(ImapConfig config, Accounts accounts) {
    this.config = Objects.requireNonNull(config);
    this.accounts = Objects.requireNonNull(accounts);
    this.group = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
    this.ownsGroup = true;
  }

  /** Starts listening; returns the address bound (port 0 picks a free one). */
  public InetSocketAddress start(InetSocketAddress address) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            connections.add(channel);
            ImapFrameDecoder decoder = new ImapFrameDecoder(config.limits());
            if (config.implicitTls()) {
              channel.pipeline().addLast("tls", config.tls().orElseThrow().newHandler(channel.alloc()));
            }
            channel.pipeline().addLast("frames", decoder);
            channel.pipeline().addLast("session", new Connection(decoder));
          }
        });
    listener = bootstrap.bind(address).syncUninterruptibly().channel();
    InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
    LOG.info("IMAP listening on {}{}", bound, config.implicitTls() ? " (TLS)" : "");
    return bound;
  }

  /**
   * Stops accepting; every session finishes the command it is running, says {@code * BYE} and
   * closes; connections still open after {@code grace} are closed.
   */
  public void close(java.time.Duration grace) {
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    sessions.forEach(session -> session.signal(ImapSession.Signal.SHUTDOWN));
    connections.newCloseFuture().awaitUninterruptibly(grace.toMillis());
    connections.close().awaitUninterruptibly();
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Override
  public void close() {
    close(java.time.Duration.ofSeconds(10));
  }

  /** Hands frames to the session's thread; answers continuation requests at once. */
  private final class Connection extends ChannelInboundHandlerAdapter {
    private final ImapFrameDecoder decoder;
    private ImapSession session;

    Connection(ImapFrameDecoder decoder) {
      this.decoder = decoder;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      session = new ImapSession(ctx.channel(), decoder, config, accounts, config.implicitTls());
      sessions.add(session);
      ctx.channel().closeFuture().addListener(f -> sessions.remove(session));
      Thread.ofVirtual().name("imap-" + ctx.channel().remoteAddress()).start(session);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      if (message instanceof ImapFrame.ContinuationNeeded) {
        ctx.writeAndFlush(Unpooled.copiedBuffer("+ Ready for literal data\r\n", StandardCharsets.US_ASCII));
        return;
      }
      if (session == null) {
        ReferenceCountUtil.release(message);
        return;
      }
      session.offer(message);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (session != null) {
        session.signal(ImapSession.Signal.CLOSED);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("IMAP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
