package dev.tern.lmtp;

import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.HeapBudget;
import dev.tern.mailbox.UserDirectory;
import io.netty.bootstrap.ServerBootstrap;
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
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An LMTP listener (RFC 2033) delivering into {@link Accounts#deliver}: Netty does the I/O and
 * the framing (command lines, the dot-stuffed message) on its event loops; each connection's
 * commands run in order on that connection's own virtual thread ({@link LmtpSession}), where
 * lookups and deliveries may block on the store.
 */
public final class LmtpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LmtpServer.class);

  private final LmtpConfig config;
  private final UserDirectory users;
  private final Accounts accounts;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Set<LmtpSession> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final HeapBudget spillMemory = new HeapBudget(HeapBudget.DEFAULT_BYTES);
  private Channel listener;

  public LmtpServer(LmtpConfig config, UserDirectory users, Accounts accounts, EventLoopGroup group) {
    this.config = Objects.requireNonNull(config);
    this.users = Objects.requireNonNull(users);
    this.accounts = Objects.requireNonNull(accounts);
    this.group = Objects.requireNonNull(group);
    this.ownsGroup = false;
  }

  /** A server with its own event loops (tests, simple setups). */
  public LmtpServer(LmtpConfig config, UserDirectory users, Accounts accounts) {
    this.config = Objects.requireNonNull(config);
    this.users = Objects.requireNonNull(users);
    this.accounts = Objects.requireNonNull(accounts);
    this.group = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
    this.ownsGroup = true;
  }

  /** Starts listening; returns the address bound (port 0 picks a free one). */
  public InetSocketAddress start(InetSocketAddress address) {
    Spill.sweep(config.spillDirectory(), config.clock().instant());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(16 * 1024, 64 * 1024))
        // A client that sends its last command and shuts its output down still gets the replies:
        // the end of input reaches the session behind the commands before it.
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            connections.add(channel);
            LmtpFrameDecoder decoder = new LmtpFrameDecoder(config.maxLineLength());
            channel.pipeline().addLast("frames", decoder);
            channel.pipeline().addLast("session", new Connection(decoder));
          }
        });
    listener = bootstrap.bind(address).syncUninterruptibly().channel();
    InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
    LOG.info("LMTP listening on {}", bound);
    return bound;
  }

  /**
   * Stops accepting; every session finishes what it is doing (a delivery in progress completes
   * and is answered), says {@code 421 4.3.2} and closes; connections still open after
   * {@code grace} are closed. Closing again does nothing.
   */
  public void close(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    sessions.forEach(session -> session.signal(LmtpSession.Signal.SHUTDOWN));
    for (LmtpSession session : List.copyOf(sessions)) {
      session.awaitEnd(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
    connections.close().awaitUninterruptibly();
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  /** Hands frames to the session's thread. */
  private final class Connection extends ChannelInboundHandlerAdapter {
    private final LmtpFrameDecoder decoder;
    private LmtpSession session;

    Connection(LmtpFrameDecoder decoder) {
      this.decoder = decoder;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      session = new LmtpSession(ctx.channel(), decoder, config, users, accounts, spillMemory, sessions::remove);
      sessions.add(session);
      Thread.ofVirtual().name("lmtp-" + ctx.channel().remoteAddress()).start(session);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      if (session == null) {
        ReferenceCountUtil.release(message);
        return;
      }
      session.offer(message);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (session != null) {
        session.writabilityChanged();
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof ChannelInputShutdownEvent && session != null) {
        session.signal(LmtpSession.Signal.CLOSED);
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (session != null) {
        session.signal(LmtpSession.Signal.CLOSED);
        session.writabilityChanged();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("LMTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
