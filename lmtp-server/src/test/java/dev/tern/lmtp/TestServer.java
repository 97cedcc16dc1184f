package dev.tern.lmtp;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.mailbox.Account;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.Keyring;
import dev.tern.mailbox.Mailbox;
import dev.tern.mailbox.MailboxName;
import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The real LMTP wiring on a free loopback port: a store (in memory unless given), real
 * {@link Accounts}, the server with a fixed hostname and clock and its own spill directory.
 * Users: alice and bob (cleartext roots), carol (pass root whose keys were never created: she
 * cannot receive), dave (pass root with keys in the store); all with password hunter2.
 */
final class TestServer implements AutoCloseable {

  static final String PASSWORD = "hunter2";
  static final String HOSTNAME = "tern.test";
  /** The Received: date: a zone with an offset, and a one-digit day written with two. */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-03T09:05:07Z"), ZoneId.of("Europe/Berlin"));
  static final String DATE = "Tue, 03 Nov 2026 10:05:07 +0100";

  final ObjectStore store;
  final Accounts accounts;
  final LmtpServer server;
  final InetSocketAddress address;
  final Path spillDirectory;
  private final ExecutorService fetches = Executors.newVirtualThreadPerTaskExecutor();

  TestServer() {
    this(new MemoryObjectStore(), standardUsers(), config -> config);
  }

  TestServer(UnaryOperator<LmtpConfig> tweak) {
    this(new MemoryObjectStore(), standardUsers(), tweak);
  }

  TestServer(ObjectStore store, List<User> users, UnaryOperator<LmtpConfig> tweak) {
    this.store = store;
    try {
      spillDirectory = Files.createTempDirectory("tern-lmtp-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (User user : users) {
      if (user.login().equals("dave")) {
        new Keyring(store, user.id(), new byte[0]).create(PASSWORD);
      }
    }
    UserDirectory directory = UserDirectory.of(users);
    LogContext context = new LogContext(store, new HybridClock(InstantSource.system(), new SecureRandom()),
        InstantSource.system(), fetches, new SimpleMeterRegistry(), LogConfig.DEFAULTS);
    accounts = new Accounts(context, directory, new byte[0], Duration.ofMinutes(5));
    LmtpConfig config = tweak.apply(LmtpConfig.defaults().withHostname(HOSTNAME).withClock(CLOCK)
        .withSpillDirectory(spillDirectory));
    server = new LmtpServer(config, directory, accounts);
    address = server.start(new InetSocketAddress("127.0.0.1", 0));
  }

  /** Argon2id is slow on purpose; one hash serves every test. */
  static final String HASH = PasswordHash.create(PASSWORD).toString();

  static List<User> standardUsers() {
    String hash = HASH;
    return List.of(
        new User("alice", "alice", List.of("alice@example.tld"), hash, new CryptoRoot.Cleartext(KeyBundle.generate())),
        new User("bob", "bob", List.of("bob@example.tld"), hash, new CryptoRoot.Cleartext(KeyBundle.generate())),
        new User("carol", "carol", List.of("carol@example.tld"), hash, new CryptoRoot.Pass(Optional.empty())),
        new User("dave", "dave", List.of("dave@example.tld"), hash, new CryptoRoot.Pass(Optional.empty())));
  }

  LmtpClient connect() {
    return new LmtpClient(address);
  }

  /** The user's INBOX, in UID order, read the way IMAP reads it: login, file incoming mail, open blobs. */
  List<byte[]> inbox(String login) {
    try (Accounts.Lease lease = accounts.login(login, PASSWORD).orElseThrow()) {
      Account account = lease.account();
      account.fileIncoming(); // or waits for the background filing after the delivery
      Mailbox inbox = account.select(MailboxName.INBOX).mailbox();
      List<MessageId> ids = new ArrayList<>();
      inbox.read(state -> {
        state.entries().forEach(entry -> ids.add(entry.message()));
        return null;
      });
      List<byte[]> messages = new ArrayList<>();
      for (MessageId id : ids) {
        try (InputStream in = account.messages().openBlob(id)) {
          messages.add(in.readAllBytes());
        }
      }
      return messages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What waits in a user's {@code incoming/} (sealed, not yet filed). */
  List<ObjectKey> incoming(String userId) {
    try (Stream<ObjectInfo> listing = store.listAll("users/" + userId + "/incoming/", Optional.empty())) {
      return listing.map(ObjectInfo::key).toList();
    }
  }

  /** The spill files present now. */
  List<Path> spills() {
    try (Stream<Path> files = Files.list(spillDirectory)) {
      return files.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    fetches.close();
    try (Stream<Path> files = Files.list(spillDirectory)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
      Files.delete(spillDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
