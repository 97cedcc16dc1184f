package dev.tern.daemon;

import dev.tern.daemon.auth.AuthConfig;
import dev.tern.daemon.auth.AuthServer;
import dev.tern.imap.ImapConfig;
import dev.tern.imap.ImapServer;
import dev.tern.lmtp.LmtpConfig;
import dev.tern.lmtp.LmtpServer;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One running Tern daemon: the store, the node's clock and log context, the accounts, and its
 * listeners, all sharing one set of event loops. Closing it stops the listeners gracefully.
 */
public final class Node implements AutoCloseable {

  /** A listener to open. */
  public record Listener(InetSocketAddress address, ImapConfig config) {}

  private final ObjectStore store;
  private final ExecutorService fetches = Executors.newVirtualThreadPerTaskExecutor();
  private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
  private final Accounts accounts;
  // Two threads: a long blob sweep must not hold back the polls for incoming mail.
  private final ScheduledExecutorService housekeeping = Executors.newScheduledThreadPool(2,
      Thread.ofPlatform().name("housekeeping-", 0).daemon().factory());
  private final List<ImapServer> servers = new ArrayList<>();
  private final List<AuthServer> authServers = new ArrayList<>();
  private final List<LmtpServer> lmtpServers = new ArrayList<>();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private volatile Liveness liveness;

  public Node(ObjectStore store, UserDirectory users, byte[] serverSecret) {
    this.store = store;
    LogContext context = new LogContext(store, new HybridClock(InstantSource.system(), new SecureRandom()),
        InstantSource.system(), fetches, new SimpleMeterRegistry(), LogConfig.DEFAULTS);
    this.accounts = new Accounts(context, users, serverSecret, Duration.ofMinutes(10));
    // Cheap when nothing is due: each user's sweep first checks when any node last swept.
    housekeeping.scheduleWithFixedDelay(accounts::collectGarbage, 1, 10, TimeUnit.MINUTES);
  }

  /**
   * Every {@code interval}, files the mail other nodes delivered to the users open here (one LIST
   * per open user when nothing waits), so their IDLE sessions hear of it.
   */
  public void pollEvery(Duration interval) {
    housekeeping.scheduleWithFixedDelay(accounts::fileIncomingOfOpenUsers, interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Announces this node in the store as {@code id}: a first beat now (after the listeners are
   * open, so it can name them), then one every {@code interval} until {@link #close()} deletes it.
   * A store that fails is logged, not thrown: the node serves what it can, and beats resume.
   */
  void announce(NodeId id, Duration interval) {
    if (liveness != null) {
      throw new IllegalStateException("node " + liveness.node() + " is announced already");
    }
    SecureRandom random = new SecureRandom();
    Beat beat = new Beat(id, Beat.newProcessId(random), Instant.now().truncatedTo(ChronoUnit.SECONDS),
        TernCommand.Version.read(), interval, listenerKinds());
    Liveness beats = new Liveness(store, beat, InstantSource.system(), random);
    liveness = beats;
    beats.beat();
    housekeeping.scheduleWithFixedDelay(beats::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private List<String> listenerKinds() {
    List<String> kinds = new ArrayList<>();
    if (!servers.isEmpty()) {
      kinds.add("imap");
    }
    if (!lmtpServers.isEmpty()) {
      kinds.add("lmtp");
    }
    if (!authServers.isEmpty()) {
      kinds.add("auth");
    }
    return kinds;
  }

  public Accounts accounts() {
    return accounts;
  }

  /** Opens an IMAP listener; returns the address bound. */
  public InetSocketAddress listenImap(Listener listener) {
    ImapServer server = new ImapServer(listener.config(), accounts, loops);
    InetSocketAddress address = server.start(listener.address());
    servers.add(server);
    bound.add(address);
    return address;
  }

  /** Opens an authentication socket for MTAs (Dovecot's protocol); returns the address bound. */
  public InetSocketAddress listenAuth(InetSocketAddress address, AuthConfig config) {
    AuthServer server = new AuthServer(config, accounts, loops);
    InetSocketAddress bound;
    try {
      bound = server.start(address);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    authServers.add(server);
    this.bound.add(bound);
    return bound;
  }

  /** Opens an LMTP listener delivering to this node's accounts; returns the address bound. */
  public InetSocketAddress listenLmtp(InetSocketAddress address, LmtpConfig config) {
    LmtpServer server = new LmtpServer(config, accounts.users(), accounts, loops);
    InetSocketAddress listening = server.start(address);
    lmtpServers.add(server);
    bound.add(listening);
    return listening;
  }

  public List<InetSocketAddress> addresses() {
    return List.copyOf(bound);
  }

  @Override
  public void close() {
    for (LmtpServer server : lmtpServers) {
      server.close(); // deliveries in flight finish before the store closes
    }
    for (ImapServer server : servers) {
      server.close();
    }
    for (AuthServer server : authServers) {
      server.close();
    }
    if (liveness != null) {
      liveness.leave(); // waits for a beat in flight, so none lands after the delete
    }
    housekeeping.shutdownNow();
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    fetches.close();
    store.close();
  }
}
