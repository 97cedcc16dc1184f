package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.log.HybridClock;
import dev.tern.log.LogConfig;
import dev.tern.log.LogContext;
import dev.tern.storage.MemoryObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccountsTest {

  private final MemoryObjectStore store = new MemoryObjectStore();
  private final AtomicLong now = new AtomicLong(1_795_000_000_000L);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final Map<String, User> directory = new HashMap<>();
  private final Accounts accounts = new Accounts(
      new LogContext(store, new HybridClock(clock, new SplittableRandom(1)), clock, Runnable::run,
          new SimpleMeterRegistry(), LogConfig.DEFAULTS),
      new UserDirectory() { // users are added as the tests go
        @Override
        public Optional<User> byLogin(String login) {
          return Optional.ofNullable(directory.get(login));
        }

        @Override
        public Optional<User> byAddress(String address) {
          return UserDirectory.of(directory.values()).byAddress(address);
        }
      }, new byte[0], Duration.ofMinutes(5));

  private void addUser(String login, String password, CryptoRoot root) {
    directory.put(login, new User(login, login, List.of(login + "@example.tld"),
        PasswordHash.create(password).toString(), root));
  }

  @Test
  void aPassRootLoginUnlocksTheStoredKeysAndSessionsShareOneAccount() {
    addUser("alice", "hunter2", new CryptoRoot.Pass(Optional.empty()));
    accounts.keyring(directory.get("alice")).create("hunter2");
    Accounts.Lease one = accounts.login("alice", "hunter2").orElseThrow();
    Accounts.Lease two = accounts.login("alice", "hunter2").orElseThrow();
    assertSame(one.account(), two.account());
    assertEquals(Optional.empty(), accounts.login("alice", "hunter3"));
    assertEquals(Optional.empty(), accounts.login("mallory", "hunter2"));
    one.close();
    assertEquals(1, accounts.openAccounts());
    two.close();
    two.close(); // twice is harmless
    assertEquals(0, accounts.openAccounts());
    assertEquals(1, accounts.lingeringAccounts());
    Accounts.Lease three = accounts.login("alice", "hunter2").orElseThrow();
    assertSame(one.account(), three.account(), "a lingering account is taken up again, mailbox states and all");
    three.close();
    now.addAndGet(Duration.ofMinutes(5).toMillis());
    accounts.evictLingering();
    assertEquals(0, accounts.lingeringAccounts(), "gone once the login cache would have forgotten the keys");
    Accounts.Lease four = accounts.login("alice", "hunter2").orElseThrow();
    assertNotSame(one.account(), four.account());
  }

  @Test
  void atMostMaxLingeringAccountsStayAndTheLongestIdleGoFirst() {
    List<Accounts.Lease> leases = new ArrayList<>();
    String hash = PasswordHash.create("pw").toString(); // one Argon2id for all: 257 would take seconds
    for (int i = 0; i <= Accounts.MAX_LINGERING; i++) {
      directory.put("u" + i, new User("u" + i, "u" + i, List.of(), hash, new CryptoRoot.Cleartext(KeyBundle.generate())));
      leases.add(accounts.lease(directory.get("u" + i), ((CryptoRoot.Cleartext) directory.get("u" + i).cryptoRoot()).keys()));
    }
    for (Accounts.Lease lease : leases) {
      now.incrementAndGet();
      lease.close();
    }
    assertEquals(Accounts.MAX_LINGERING, accounts.lingeringAccounts());
    Accounts.Lease first = accounts.login("u0", "pw").orElseThrow();
    assertNotSame(leases.get(0).account(), first.account(), "the first to go idle was dropped");
    Accounts.Lease last = accounts.login("u" + Accounts.MAX_LINGERING, "pw").orElseThrow();
    assertSame(leases.get(Accounts.MAX_LINGERING).account(), last.account());
  }

  @Test
  void aChangedPasswordHashMakesTheCachedLoginUseless() {
    addUser("bob", "old", new CryptoRoot.Cleartext(KeyBundle.generate()));
    assertTrue(accounts.login("bob", "old").isPresent());
    addUser("bob", "new", directory.get("bob").cryptoRoot());
    assertEquals(Optional.empty(), accounts.login("bob", "old"));
    assertTrue(accounts.login("bob", "new").isPresent());
  }

  @Test
  void aLingeringAccountOfAUserWhoChangedSinceIsNotTakenUp() {
    addUser("erin", "old", new CryptoRoot.Cleartext(KeyBundle.generate()));
    Accounts.Lease before = accounts.login("erin", "old").orElseThrow();
    before.close();
    addUser("erin", "new", new CryptoRoot.Cleartext(KeyBundle.generate())); // re-created: other keys
    Accounts.Lease after = accounts.login("erin", "new").orElseThrow();
    assertNotSame(before.account(), after.account());
  }

  @Test
  void anIncomingOnlyRootCannotLogIn() {
    addUser("carol", "pw", new CryptoRoot.Incoming(KeyBundle.generate().publicKey()));
    assertEquals(Optional.empty(), accounts.login("carol", "pw"));
  }

  @Test
  void verifyPasswordNeedsNoKeysAndAChangedHashEndsACachedSuccess() {
    addUser("dave", "pw", new CryptoRoot.Incoming(KeyBundle.generate().publicKey()));
    assertTrue(accounts.verifyPassword("dave", "pw"), "no keys needed, even with an incoming-only root");
    assertTrue(accounts.verifyPassword("dave", "pw"), "again, from the cache");
    assertFalse(accounts.verifyPassword("dave", "wrong"));
    assertFalse(accounts.verifyPassword("mallory", "pw"));
    addUser("dave", "new", directory.get("dave").cryptoRoot());
    assertFalse(accounts.verifyPassword("dave", "pw"));
    assertTrue(accounts.verifyPassword("dave", "new"));
    directory.put("dave", new User("dave", "dave", List.of(), "$argon2id$broken", directory.get("dave").cryptoRoot()));
    assertThrows(IllegalArgumentException.class, () -> accounts.verifyPassword("dave", "new"),
        "a broken hash is an error to report, not a wrong password");
  }
}
