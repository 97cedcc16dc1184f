package dev.tern.mailbox;

import dev.tern.crypto.CryptoException;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordSlot;
import dev.tern.crypto.SlotSalt;
import dev.tern.crypto.X25519PublicKey;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectNotFoundException;
import dev.tern.storage.ObjectStore;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's keys in the store (crypto root {@code pass}): {@code keys/salt} (slot salt and Argon2id
 * cost, clear), {@code keys/public} (X25519 public key, clear, for LMTP), and
 * {@code keys/pass/<slot id>} (the key bundle sealed under the password's slot key). Keeping the
 * slots in the store means a password change reaches every node of a cluster at once.
 */
public final class Keyring {

  private final ObjectStore store;
  private final ObjectKey keys;
  private final byte[] serverSecret;

  /** {@code serverSecret} may be empty; it is Argon2id's secret input and never stored. */
  public Keyring(ObjectStore store, String userId, byte[] serverSecret) {
    this.store = Objects.requireNonNull(store);
    this.keys = ObjectKey.of("users").resolve(userId, "keys");
    this.serverSecret = serverSecret.clone();
  }

  /** Whether the user has keys in the store. */
  public boolean exists() {
    return store.head(keys.resolve("salt")).isPresent();
  }

  /** The user's public key (stored in clear for delivery), or empty when the user has no keys. */
  public Optional<X25519PublicKey> publicKey() {
    try {
      return Optional.of(new X25519PublicKey(store.getBytes(keys.resolve("public"))));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Creates a new key bundle unlocked by {@code password}; refuses when keys exist. */
  public KeyBundle create(CharSequence password) {
    if (exists()) {
      throw new IllegalStateException("user " + keys + " already has keys");
    }
    KeyBundle bundle = KeyBundle.generate();
    SlotSalt salt = SlotSalt.random();
    writeSlot(bundle, password, salt);
    store.put(keys.resolve("public"), bundle.publicKey().bytes());
    store.put(keys.resolve("salt"), salt.toBytes());
    return bundle;
  }

  /** The bundle {@code password} unlocks, or empty when it unlocks nothing. */
  public Optional<KeyBundle> unlock(CharSequence password) {
    SlotSalt salt;
    try {
      salt = SlotSalt.fromBytes(store.getBytes(keys.resolve("salt")));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    } catch (CryptoException e) {
      throw new IllegalStateException("the key salt of " + keys + " is corrupt", e);
    }
    PasswordSlot slot = PasswordSlot.derive(password, serverSecret, salt);
    try {
      ObjectKey key = keys.resolve("pass", slot.id());
      return Optional.of(slot.open(store.getBytes(key), key.utf8()));
    } catch (ObjectNotFoundException | CryptoException e) {
      return Optional.empty();
    } finally {
      slot.destroy();
    }
  }

  /** Re-wraps the bundle under {@code newPassword}; the old password stops working. */
  public boolean changePassword(CharSequence oldPassword, CharSequence newPassword) {
    Optional<KeyBundle> bundle = unlock(oldPassword);
    if (bundle.isEmpty()) {
      return false;
    }
    SlotSalt salt;
    try {
      salt = SlotSalt.fromBytes(store.getBytes(keys.resolve("salt")));
    } catch (CryptoException e) {
      throw new IllegalStateException("the key salt of " + keys + " is corrupt", e);
    }
    String oldId = slotId(oldPassword, salt);
    String newId = writeSlot(bundle.get(), newPassword, salt);
    if (!oldId.equals(newId)) {
      store.delete(keys.resolve("pass", oldId));
    }
    return true;
  }

  private String slotId(CharSequence password, SlotSalt salt) {
    PasswordSlot slot = PasswordSlot.derive(password, serverSecret, salt);
    try {
      return slot.id();
    } finally {
      slot.destroy();
    }
  }

  private String writeSlot(KeyBundle bundle, CharSequence password, SlotSalt salt) {
    PasswordSlot slot = PasswordSlot.derive(password, serverSecret, salt);
    try {
      ObjectKey key = keys.resolve("pass", slot.id());
      store.put(key, slot.seal(bundle, key.utf8()));
      return slot.id();
    } finally {
      slot.destroy();
    }
  }
}
