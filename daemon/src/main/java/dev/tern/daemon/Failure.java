package dev.tern.daemon;

/**
 * A command that cannot do what was asked, for a reason the admin can act on: printed as one line
 * {@code tern: <message>}, exit code 1. (Configuration mistakes are {@link Settings.ConfigException}s.)
 */
final class Failure extends RuntimeException {
  Failure(String message) {
    super(message);
  }
}
