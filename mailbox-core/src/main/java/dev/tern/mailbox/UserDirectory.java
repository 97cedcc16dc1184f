package dev.tern.mailbox;

import java.util.Optional;

/** Where users come from: a static file now, LDAP later. */
public interface UserDirectory {

  /** The user with this login (case-sensitive, as Dovecot's default), or empty. */
  Optional<User> byLogin(String login);
}
