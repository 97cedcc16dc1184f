package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.KeyBundle;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectKey;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyringTest {

  private final MemoryObjectStore store = new MemoryObjectStore();
  private final byte[] secret = "server secret".getBytes(StandardCharsets.UTF_8);

  @Test
  void thePasswordUnlocksTheBundleAndNothingElseDoes() {
    Keyring keyring = new Keyring(store, "alice", secret);
    assertFalse(keyring.exists());
    KeyBundle created = keyring.create("hunter2");
    assertTrue(keyring.exists());
    assertEquals(Optional.of(created), keyring.unlock("hunter2"));
    assertEquals(Optional.empty(), keyring.unlock("hunter3"));
    assertEquals(Optional.empty(), new Keyring(store, "alice", new byte[0]).unlock("hunter2"),
        "without the server secret the password alone must not unlock");
    assertEquals(Optional.empty(), new Keyring(store, "bob", secret).unlock("hunter2"));
    assertThrows(IllegalStateException.class, () -> keyring.create("again"));
    assertTrue(java.util.Arrays.equals(created.publicKey().bytes(),
        store.getBytes(ObjectKey.of("users/alice/keys/public"))));
  }

  @Test
  void aPasswordChangeIsSeenByAnotherNodeAtOnce() {
    Keyring one = new Keyring(store, "alice", secret);
    Keyring two = new Keyring(store, "alice", secret);
    KeyBundle bundle = one.create("old password");
    assertFalse(one.changePassword("wrong", "new password"));
    assertTrue(one.changePassword("old password", "new password"));
    assertEquals(Optional.empty(), two.unlock("old password"));
    assertEquals(Optional.of(bundle), two.unlock("new password"));
    assertEquals(1, store.listAll("users/alice/keys/pass/", Optional.empty()).count());
  }
}
