package dev.tern.daemon;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.PasswordHash;
import dev.tern.mailbox.Keyring;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.ObjectStore;
import java.util.List;
import java.util.Optional;

/**
 * Development mode: one user, {@code alice} / {@code hunter2} ({@code alice@example.tld}), whose
 * keys live in the embedded store behind her password, created on first start.
 */
final class DevMode {

  static final String LOGIN = "alice";
  static final String PASSWORD = "hunter2";
  static final String ADDRESS = "alice@example.tld";

  private DevMode() {}

  /** Creates alice's keys on first start; returns the directory that knows her. */
  static UserDirectory prepare(ObjectStore store) {
    Keyring keyring = new Keyring(store, LOGIN, new byte[0]);
    if (!keyring.exists()) {
      keyring.create(PASSWORD);
    }
    User alice = new User(LOGIN, LOGIN, List.of(ADDRESS), PasswordHash.create(PASSWORD).toString(),
        new CryptoRoot.Pass(Optional.empty()));
    return UserDirectory.of(List.of(alice));
  }
}
