package dev.tern.mailbox;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.crypto.X25519PublicKey;
import dev.tern.log.LogContext;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's open accounts: a login verifies the password and unlocks the keys, and every session of
 * one user on this node shares one {@link Account}.
 *
 * <p>When a user's last session closes, the account lingers for {@code loginCacheTtl} (at most
 * {@link #MAX_LINGERING} of them, the longest idle go first): mail clients log out and back in
 * every few minutes, and a lingering account keeps its mailboxes' states, so the next session
 * syncs them (one LIST each) instead of reading every op since the last checkpoint again. It holds
 * no more than the login cache already does (the keys) plus what they decrypt.
 *
 * <p>Argon2id makes a login cost tens of milliseconds on purpose. Clients that reconnect every few
 * minutes would pay it each time, so a successful login's keys are kept for {@code loginCacheTtl},
 * keyed by an HMAC of the credentials under a key that exists only in this process; a changed
 * password hash in the directory makes the entry useless at once.
 */
public final class Accounts {

  private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

  /** The most accounts kept without sessions (each holds its users' open mailbox states). */
  static final int MAX_LINGERING = 256;

  /** A session's hold on an account; closing the last lease of a user releases the account. */
  public final class Lease implements AutoCloseable {
    private final Shared shared;
    private boolean closed;

    private Lease(Shared shared) {
      this.shared = shared;
    }

    public Account account() {
      return shared.account;
    }

    public User user() {
      return shared.user;
    }

    @Override
    public void close() {
      synchronized (Accounts.this) {
        if (closed) {
          return;
        }
        closed = true;
        if (--shared.leases == 0) {
          shared.idleSince = clock.millis();
          evictLingering();
        }
      }
    }
  }

  private static final class Shared {
    final User user;
    final Account account;
    /** Deliveries asking for a filing run since the running one started; 0 when none runs. */
    final AtomicInteger filingRequests = new AtomicInteger();
    int leases;
    long idleSince;

    Shared(User user, Account account) {
      this.user = user;
      this.account = account;
    }
  }

  private record Cached(KeyBundle keys, String passwordHash, long expiresAt) {}

  private record Verified(String passwordHash, long expiresAt) {}

  private final LogContext context;
  private final UserDirectory users;
  private final byte[] serverSecret;
  private final Duration loginCacheTtl;
  private final InstantSource clock;
  private final Map<String, Shared> open = new ConcurrentHashMap<>();
  private final Map<String, Cached> loginCache = new ConcurrentHashMap<>();
  private final Map<String, Verified> verifiedCache = new ConcurrentHashMap<>();
  private final SecretKeySpec cacheKey;
  private final IncomingQueue incoming;
  private final MetaCache metas = new MetaCache(MetaCache.DEFAULT_BYTES);
  private final HeapBudget filingBudget = new HeapBudget(HeapBudget.DEFAULT_BYTES);

  public Accounts(LogContext context, UserDirectory users, byte[] serverSecret, Duration loginCacheTtl) {
    this.context = Objects.requireNonNull(context);
    this.users = Objects.requireNonNull(users);
    this.serverSecret = serverSecret.clone();
    this.loginCacheTtl = loginCacheTtl;
    this.clock = context.wallClock();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
    this.incoming = new IncomingQueue(context.store(), context.clock());
  }

  public UserDirectory users() {
    return users;
  }

  /** The keyring of a user whose keys live in the store. */
  public Keyring keyring(User user) {
    return new Keyring(context.store(), user.id(), serverSecret);
  }

  /**
   * Verifies the password and opens the user's account, or empty when the login or password is
   * wrong or the user's keys cannot be read here (an {@code incoming} crypto root).
   */
  public Optional<Lease> login(String login, CharSequence password) {
    Optional<User> found = users.byLogin(login);
    if (found.isEmpty()) {
      PasswordHash.verify(password, DUMMY_HASH); // same cost for unknown users: no login oracle
      return Optional.empty();
    }
    User user = found.get();
    String cacheEntry = cacheKey(login, password);
    Cached cached = loginCache.get(cacheEntry);
    long now = clock.millis();
    if (cached != null && cached.expiresAt > now && cached.passwordHash.equals(user.passwordHash())) {
      return Optional.of(lease(user, cached.keys));
    }
    if (!PasswordHash.verify(password, user.passwordHash())) {
      return Optional.empty();
    }
    Optional<KeyBundle> keys = switch (user.cryptoRoot()) {
      case CryptoRoot.Pass pass -> keyring(user).unlock(password);
      case CryptoRoot.Cleartext cleartext -> Optional.of(cleartext.keys());
      case CryptoRoot.Incoming incoming -> Optional.empty();
    };
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    loginCache.put(cacheEntry, new Cached(keys.get(), user.passwordHash(), now + loginCacheTtl.toMillis()));
    loginCache.values().removeIf(c -> c.expiresAt <= now);
    Lease lease = lease(user, keys.get());
    fileSoon(user); // mail delivered while nobody could file it
    return Optional.of(lease);
  }

  /**
   * Delivers {@code length} bytes of {@code message} to {@code user}: sealed to their public key
   * into {@code incoming/}, durable when this returns (LMTP answers 250 only then). If this node
   * holds the user's keys (an open account, or a cleartext crypto root) the message is then filed
   * into INBOX at once, in the background, so IDLE sessions here see it within milliseconds.
   *
   * @throws IllegalStateException if the user has no keys yet (a pass root never set up)
   */
  public void deliver(User user, InputStream message, long length) {
    X25519PublicKey recipient = publicKey(user)
        .orElseThrow(() -> new IllegalStateException("user " + user.login() + " has no keys in the store"));
    incoming.put(user.id(), recipient, message, length);
    fileSoon(user);
  }

  /** The key a user's mail is sealed to on delivery. */
  public Optional<X25519PublicKey> publicKey(User user) {
    return user.cryptoRoot().embeddedPublicKey().or(() -> keyring(user).publicKey());
  }

  /**
   * Files the user's incoming mail on a virtual thread, if this node holds their keys. Requests
   * coalesce: while a run is going, deliveries only ask it to run once more, so a user receiving
   * much mail has one filer working through the queue rather than a thread per delivery, each
   * listing the queue.
   */
  private void fileSoon(User user) {
    Lease lease = leaseForFiling(user);
    if (lease == null) {
      return;
    }
    AtomicInteger requests = lease.shared.filingRequests;
    if (requests.getAndIncrement() > 0) {
      lease.close(); // the running filer will run again and find this delivery
      return;
    }
    Thread.ofVirtual().name("file-" + user.id()).start(() -> {
      try (lease) {
        int asked;
        do {
          asked = requests.get();
          try {
            lease.account().fileIncoming();
          } catch (RuntimeException e) {
            LOG.warn("filing incoming mail of user {} failed: {}", user.id(), e.toString());
          }
        } while (!requests.compareAndSet(asked, 0));
      }
    });
  }

  private synchronized Lease leaseForFiling(User user) {
    Shared shared = open.get(user.id());
    if (shared != null) {
      shared.leases++;
      return new Lease(shared);
    }
    return user.cryptoRoot() instanceof CryptoRoot.Cleartext cleartext ? lease(user, cleartext.keys()) : null;
  }

  /**
   * Whether {@code password} is the user's, without opening the account (SMTP AUTH needs no keys).
   * Successes are cached like logins (either cache answers), unknown users cost a verification.
   *
   * @throws IllegalArgumentException if the directory holds a malformed hash for the user
   */
  public boolean verifyPassword(String login, CharSequence password) {
    Optional<User> found = users.byLogin(login);
    if (found.isEmpty()) {
      PasswordHash.verify(password, DUMMY_HASH);
      return false;
    }
    String hash = found.get().passwordHash();
    String cacheEntry = cacheKey(login, password);
    long now = clock.millis();
    Verified verified = verifiedCache.get(cacheEntry);
    Cached cached = loginCache.get(cacheEntry);
    if ((verified != null && verified.expiresAt > now && verified.passwordHash.equals(hash))
        || (cached != null && cached.expiresAt > now && cached.passwordHash.equals(hash))) {
      return true;
    }
    if (!PasswordHash.verify(password, hash)) {
      return false;
    }
    verifiedCache.put(cacheEntry, new Verified(hash, now + loginCacheTtl.toMillis()));
    verifiedCache.values().removeIf(v -> v.expiresAt <= now);
    return true;
  }

  /** Opens a user's account with keys already at hand (a cleartext root, the dev user). */
  public synchronized Lease lease(User user, KeyBundle keys) {
    Shared lingering = open.get(user.id());
    if (lingering != null && lingering.leases == 0 && !lingering.user.equals(user)) {
      open.remove(user.id()); // the user changed (password, keys, re-created) since: start afresh
    }
    Shared shared = open.computeIfAbsent(user.id(), id -> new Shared(user, new Account(context, id, keys, metas, filingBudget)));
    shared.leases++;
    return new Lease(shared);
  }

  /**
   * Runs the blob collector for every user open on this node (each sweep is skipped when one ran
   * recently on any node); a failure for one user is logged and the others go on.
   */
  public void collectGarbage() {
    for (Shared shared : List.copyOf(open.values())) {
      try {
        shared.account.collectGarbage();
      } catch (RuntimeException e) {
        LOG.warn("blob sweep of user {} failed: {}", shared.user.id(), e.toString());
      }
    }
  }

  /**
   * Files the mail waiting in {@code incoming/} of every user with a session on this node: what other nodes
   * delivered while this one holds the keys. One LIST per open user when nothing waits. The node
   * runs it every poll interval, so an IDLE session here hears of mail delivered elsewhere within
   * about that interval.
   */
  public void fileIncomingOfOpenUsers() {
    evictLingering();
    for (Shared shared : List.copyOf(open.values())) {
      if (shared.leases == 0) {
        continue; // no session to tell: filed on delivery here, or at the next login
      }
      try {
        shared.account.fileIncoming();
      } catch (RuntimeException e) {
        LOG.warn("filing incoming mail of user {} failed: {}", shared.user.id(), e.toString());
      }
    }
  }

  /** How many users have sessions (or filing) on this node. */
  public int openAccounts() {
    return (int) open.values().stream().filter(shared -> shared.leases > 0).count();
  }

  /** How many accounts linger here without sessions. */
  public synchronized int lingeringAccounts() {
    return (int) open.values().stream().filter(shared -> shared.leases == 0).count();
  }

  /** Drops lingering accounts idle for longer than the login cache keeps keys, and the oldest beyond the cap. */
  public synchronized void evictLingering() {
    long expired = clock.millis() - loginCacheTtl.toMillis();
    open.values().removeIf(shared -> shared.leases == 0 && shared.idleSince <= expired);
    if (open.size() <= MAX_LINGERING) {
      return; // every logout comes here: sort only when the cap can be exceeded
    }
    List<Shared> idle = open.values().stream().filter(shared -> shared.leases == 0)
        .sorted(Comparator.comparingLong(shared -> shared.idleSince)).toList();
    for (int i = 0; i < idle.size() - MAX_LINGERING; i++) {
      open.remove(idle.get(i).user.id(), idle.get(i));
    }
  }

  private String cacheKey(String login, CharSequence password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(cacheKey);
      mac.update(login.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      byte[] secret = password.toString().getBytes(StandardCharsets.UTF_8);
      try {
        return HexFormat.of().formatHex(mac.doFinal(secret));
      } finally {
        java.util.Arrays.fill(secret, (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static final String DUMMY_HASH = PasswordHash.create("not a password of anyone").toString();
}
