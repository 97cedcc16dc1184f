package dev.tern.mailbox;

import dev.tern.crypto.CryptoRoot;
import java.util.List;
import java.util.Objects;

/**
 * A user as the directory knows them: the login, the id naming their objects in the store
 * ({@code users/<id>/}), their addresses, an Argon2id PHC password hash, and where their keys
 * come from.
 */
public record User(String login, String id, List<String> addresses, String passwordHash, CryptoRoot cryptoRoot) {

  public User {
    Objects.requireNonNull(login);
    Objects.requireNonNull(id);
    addresses = List.copyOf(addresses);
    Objects.requireNonNull(passwordHash);
    Objects.requireNonNull(cryptoRoot);
  }

  @Override
  public String toString() {
    return "User[" + login + "]"; // the hash and the root stay out of logs
  }
}
