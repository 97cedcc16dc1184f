package dev.tern.mailbox;

import java.util.Collection;
import java.util.Optional;

/** Where users come from: a static file now, LDAP later. */
public interface UserDirectory {

  /** The user with this login (case-sensitive, as Dovecot's default), or empty. */
  Optional<User> byLogin(String login);

  /**
   * The user who receives mail for {@code address}: any of their addresses, the domain compared
   * case-insensitively, the local part exactly, and {@code local+tag@domain} delivered as
   * {@code local@domain} (sub-addressing) when no user has the tagged address itself.
   */
  Optional<User> byAddress(String address);

  /** A directory of these users; logins and addresses must be unique. */
  static UserDirectory of(Collection<User> users) {
    return new StaticDirectory(users);
  }
}
