package dev.tern.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordSlotTest {

  /** Cheap parameters: these tests are about the construction, not the cost. */
  private static final Argon2Params CHEAP = Argon2Params.of(64, 1, 1);
  private static final byte[] NO_SECRET = new byte[0];

  private static byte[] slotKey(String user, PasswordSlot slot) {
    return ("users/" + user + "/keys/pass/" + slot.id()).getBytes(UTF_8);
  }

  @Test
  void slotIdIs32LowercaseHexDigitsDeterminedByPasswordSaltAndSecret() {
    SlotSalt salt = SlotSalt.random(CHEAP, new SecureRandom());
    PasswordSlot slot = PasswordSlot.derive("hunter2", NO_SECRET, salt);
    assertTrue(slot.id().matches("[0-9a-f]{32}"), slot.id());
    assertEquals(slot.id(), PasswordSlot.derive("hunter2", NO_SECRET, salt).id());
    assertNotEquals(slot.id(), PasswordSlot.derive("hunter3", NO_SECRET, salt).id());
    assertNotEquals(slot.id(), PasswordSlot.derive("hunter2", "pepper".getBytes(UTF_8), salt).id());
    assertNotEquals(slot.id(), PasswordSlot.derive("hunter2", NO_SECRET, SlotSalt.random(CHEAP, new SecureRandom())).id());
    assertNotEquals(slot.id(), PasswordSlot.derive("hunter2", NO_SECRET, new SlotSalt(Argon2Params.of(64, 2, 1),
        salt.salt())).id());
  }

  /**
   * Pinned from this implementation (its parts are checked against RFC 9106 in Argon2Test and RFC
   * 5869 in HkdfTest): a change of the derivation would orphan every stored slot, so it must fail here.
   */
  @Test
  void derivationIsStable() {
    byte[] saltBytes = new byte[32];
    Arrays.fill(saltBytes, (byte) 7);
    PasswordSlot slot = PasswordSlot.derive("correct horse battery staple", "k".getBytes(UTF_8),
        new SlotSalt(CHEAP, saltBytes));
    assertEquals(GOLDEN_ID, slot.id());
  }

  private static final String GOLDEN_ID = "17a258f6dc8bdd2e92b5d97ce4d66d56";

  @Test
  void sealedBundleOpensWithTheRightPasswordOnly() throws CryptoException {
    SlotSalt salt = SlotSalt.random(CHEAP, new SecureRandom());
    byte[] pepper = "server secret".getBytes(UTF_8);
    KeyBundle bundle = KeyBundle.generate();
    PasswordSlot slot = PasswordSlot.derive("hunter2", pepper, salt);
    byte[] sealed = slot.seal(bundle, slotKey("alice", slot));
    assertEquals(KeyBundle.LENGTH + Aead.OVERHEAD, sealed.length);

    assertEquals(bundle, PasswordSlot.derive("hunter2", pepper, salt).open(sealed, slotKey("alice", slot)));
    // Forced to try the content under another password or secret, it does not open.
    assertThrows(CryptoException.AuthenticationFailed.class,
        () -> PasswordSlot.derive("hunter3", pepper, salt).open(sealed, slotKey("alice", slot)));
    assertThrows(CryptoException.AuthenticationFailed.class,
        () -> PasswordSlot.derive("hunter2", NO_SECRET, salt).open(sealed, slotKey("alice", slot)));
    // Copied to another user's slot name.
    assertThrows(CryptoException.AuthenticationFailed.class, () -> slot.open(sealed, slotKey("bob", slot)));
    for (int i = 0; i < sealed.length; i++) {
      byte[] altered = sealed.clone();
      altered[i] ^= 4;
      assertThrows(CryptoException.class, () -> slot.open(altered, slotKey("alice", slot)));
    }
  }

  /**
   * A password change made on one node, seen by another that only shares the store: the new
   * password finds and opens the same bundle, the old one finds nothing.
   */
  @Test
  void passwordChangeSeenByASecondNode() throws CryptoException {
    Map<String, byte[]> store = new HashMap<>();
    byte[] pepper = "shared by both nodes' configuration".getBytes(UTF_8);

    // Node A creates the account.
    SlotSalt created = SlotSalt.random(CHEAP, new SecureRandom());
    store.put("users/alice/keys/salt", created.toBytes());
    KeyBundle bundle = KeyBundle.generate();
    PasswordSlot first = PasswordSlot.derive("old password", pepper, created);
    store.put("users/alice/keys/pass/" + first.id(), first.seal(bundle, slotKey("alice", first)));

    // Node A changes the password: unlock with the old one, seal under the new one, delete the old slot.
    SlotSalt saltA = SlotSalt.fromBytes(store.get("users/alice/keys/salt"));
    PasswordSlot oldSlot = PasswordSlot.derive("old password", pepper, saltA);
    KeyBundle unlocked = oldSlot.open(store.get("users/alice/keys/pass/" + oldSlot.id()), slotKey("alice", oldSlot));
    PasswordSlot newSlot = PasswordSlot.derive("new password", pepper, saltA);
    store.put("users/alice/keys/pass/" + newSlot.id(), newSlot.seal(unlocked, slotKey("alice", newSlot)));
    store.remove("users/alice/keys/pass/" + oldSlot.id());
    unlocked.destroy();
    oldSlot.destroy();
    newSlot.destroy();

    // Node B logs in from the store alone.
    SlotSalt saltB = SlotSalt.fromBytes(store.get("users/alice/keys/salt"));
    PasswordSlot withOld = PasswordSlot.derive("old password", pepper, saltB);
    assertNull(store.get("users/alice/keys/pass/" + withOld.id()));
    PasswordSlot withNew = PasswordSlot.derive("new password", pepper, saltB);
    byte[] content = store.get("users/alice/keys/pass/" + withNew.id());
    assertNotNull(content);
    assertEquals(bundle, withNew.open(content, slotKey("alice", withNew)));
  }

  @Test
  void defaultCostWorks() throws CryptoException {
    SlotSalt salt = SlotSalt.random();
    assertEquals(Argon2Params.DEFAULT, salt.params());
    KeyBundle bundle = KeyBundle.generate();
    PasswordSlot slot = PasswordSlot.derive("hunter2", NO_SECRET, salt);
    assertEquals(bundle, slot.open(slot.seal(bundle, slotKey("alice", slot)), slotKey("alice", slot)));
  }

  @Test
  void emptyPasswordIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> PasswordSlot.derive("", NO_SECRET, SlotSalt.random(CHEAP, new SecureRandom())));
  }

  @Test
  void destroyedSlotCannotSealOrOpen() {
    PasswordSlot slot = PasswordSlot.derive("pw", NO_SECRET, SlotSalt.random(CHEAP, new SecureRandom()));
    String id = slot.id();
    assertTrue(slot.toString().contains("redacted"));
    slot.destroy();
    assertTrue(slot.isDestroyed());
    assertEquals(id, slot.id());
    assertThrows(IllegalStateException.class, () -> slot.seal(KeyBundle.generate(), new byte[0]));
    assertFalse(slot.toString().contains("redacted"));
  }

  @Test
  void slotSaltSerializes() throws CryptoException {
    SlotSalt salt = SlotSalt.random(new Argon2Params(19_456, 2, 1, Argon2Params.VERSION_13), new SecureRandom());
    byte[] bytes = salt.toBytes();
    assertEquals(SlotSalt.LENGTH, bytes.length);
    assertEquals("01" + "00004c00" + "00000002" + "00000001" + "13",
        java.util.HexFormat.of().formatHex(bytes, 0, 14));
    assertEquals(salt, SlotSalt.fromBytes(bytes));
    assertThrows(CryptoException.Malformed.class, () -> SlotSalt.fromBytes(Arrays.copyOf(bytes, 45)));
    byte[] badVersion = bytes.clone();
    badVersion[0] = 0;
    assertThrows(CryptoException.Malformed.class, () -> SlotSalt.fromBytes(badVersion));
    byte[] badCost = bytes.clone();
    badCost[5] = 0; // t = 0
    badCost[8] = 0;
    assertThrows(CryptoException.Malformed.class, () -> SlotSalt.fromBytes(badCost));
    byte[] hugeMemory = bytes.clone();
    hugeMemory[1] = 0x7f;
    assertThrows(CryptoException.Malformed.class, () -> SlotSalt.fromBytes(hugeMemory));
  }
}
