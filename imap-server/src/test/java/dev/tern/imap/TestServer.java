package dev.tern.imap;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The real IMAP wiring on a free loopback port: an in-memory store, accounts for alice (password
 * hunter2) and bob, the server. One per test class or test.
 */
final class TestServer implements AutoCloseable {

  static final String PASSWORD = "hunter2";

  final ObjectStore store;
  final Accounts accounts;
  final ImapServer server;
  final InetSocketAddress address;
  private final UserDirectory users;
  private final ExecutorService fetches = Executors.newVirtualThreadPerTaskExecutor();

  TestServer() {
    this(new MemoryObjectStore(), ImapConfig.dev());
  }

  TestServer(ObjectStore store, ImapConfig config) {
    this.store = store;
    String hash = PasswordHash.create(PASSWORD).toString();
    this.users = UserDirectory.of(List.of(
        new User("alice", "alice", List.of("alice@example.tld"), hash, new CryptoRoot.Cleartext(KeyBundle.generate())),
        new User("bob", "bob", List.of("bob@example.tld"), hash, new CryptoRoot.Cleartext(KeyBundle.generate()))));
    accounts = node();
    server = new ImapServer(config, accounts);
    address = server.start(new InetSocketAddress("127.0.0.1", 0));
  }

  /** Accounts as another node on the same store sees them: its own clock and log instances. */
  Accounts node() {
    LogContext context = new LogContext(store, new HybridClock(InstantSource.system(), new SecureRandom()),
        InstantSource.system(), fetches, new SimpleMeterRegistry(), LogConfig.DEFAULTS);
    return new Accounts(context, users, new byte[0], Duration.ofMinutes(5));
  }

  ImapClient connect() {
    return new ImapClient(address);
  }

  @Override
  public void close() {
    server.close();
    fetches.close();
  }
}
