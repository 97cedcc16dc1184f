package dev.tern.mailbox;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A fixed set of users, looked up by login and by address. */
final class StaticDirectory implements UserDirectory {

  private final Map<String, User> byLogin = new HashMap<>();
  private final Map<String, User> byAddress = new HashMap<>();

  StaticDirectory(Collection<User> users) {
    for (User user : users) {
      if (byLogin.put(user.login(), user) != null) {
        throw new IllegalArgumentException("two users with the login " + user.login());
      }
      for (String address : user.addresses()) {
        String key = canonical(address)
            .orElseThrow(() -> new IllegalArgumentException(user.login() + ": not an address: " + address));
        User other = byAddress.put(key, user);
        if (other != null && other != user) {
          throw new IllegalArgumentException("users " + other.login() + " and " + user.login() + " share " + address);
        }
      }
    }
  }

  @Override
  public Optional<User> byLogin(String login) {
    return Optional.ofNullable(byLogin.get(login));
  }

  @Override
  public Optional<User> byAddress(String address) {
    Optional<String> key = canonical(address);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    User exact = byAddress.get(key.get());
    if (exact != null) {
      return Optional.of(exact);
    }
    String value = key.get();
    int at = value.lastIndexOf('@');
    int plus = value.indexOf('+');
    if (plus > 0 && plus < at) {
      return Optional.ofNullable(byAddress.get(value.substring(0, plus) + value.substring(at)));
    }
    return Optional.empty();
  }

  /** local@domain with the domain in lower case; empty when it is not of that form. */
  static Optional<String> canonical(String address) {
    int at = address.lastIndexOf('@');
    if (at <= 0 || at == address.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(address.substring(0, at) + "@" + address.substring(at + 1).toLowerCase(Locale.ROOT));
  }
}
