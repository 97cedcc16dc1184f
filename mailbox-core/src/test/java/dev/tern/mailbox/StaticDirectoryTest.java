package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StaticDirectoryTest {

  private static User user(String login, String... addresses) {
    return new User(login, login, List.of(addresses), "$argon2id$unused", new CryptoRoot.Cleartext(KeyBundle.generate()));
  }

  private final User alice = user("alice", "alice@example.tld", "a.smith@Example.TLD");
  private final User tagged = user("bob", "bob+lists@example.tld");
  private final UserDirectory directory = UserDirectory.of(List.of(alice, tagged));

  @Test
  void anyAddressOfAUserWithTheDomainInAnyCase() {
    assertEquals(Optional.of(alice), directory.byAddress("alice@EXAMPLE.tld"));
    assertEquals(Optional.of(alice), directory.byAddress("a.smith@example.tld"));
    assertEquals(Optional.empty(), directory.byAddress("Alice@example.tld"), "the local part is exact");
    assertEquals(Optional.empty(), directory.byAddress("alice@example.org"));
    assertEquals(Optional.empty(), directory.byAddress("alice"));
    assertEquals(Optional.of(alice), directory.byLogin("alice"));
    assertEquals(Optional.empty(), directory.byLogin("Alice"));
  }

  @Test
  void subAddressesReachTheUserUnlessSomeoneHasTheTaggedAddress() {
    assertEquals(Optional.of(alice), directory.byAddress("alice+news@example.tld"));
    assertEquals(Optional.of(tagged), directory.byAddress("bob+lists@example.tld"));
    assertEquals(Optional.empty(), directory.byAddress("bob@example.tld"));
    assertEquals(Optional.empty(), directory.byAddress("+x@example.tld"));
  }

  @Test
  void duplicateLoginsOrAddressesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> UserDirectory.of(List.of(alice, user("alice", "x@example.tld"))));
    assertThrows(IllegalArgumentException.class, () -> UserDirectory.of(List.of(alice, user("carol", "ALICE@example.tld".toLowerCase()))));
  }
}
