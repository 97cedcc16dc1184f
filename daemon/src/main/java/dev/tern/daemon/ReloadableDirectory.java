package dev.tern.daemon;

import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's users: the users file as last read successfully. {@link #reload} reads it again and
 * swaps the whole directory at once, so a lookup sees the old users or the new ones, never a mix;
 * a file with a mistake is logged and the old users stay. Connections are untouched: a session
 * keeps its account until it logs out, so a deleted user's open sessions end only then.
 */
final class ReloadableDirectory implements UserDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(ReloadableDirectory.class);

  private record Snapshot(UserDirectory directory, int users) {}

  private final Path file;
  private volatile Snapshot current;

  /** Reads the file now; a mistake in it is a {@link Settings.ConfigException}, as at startup it must be. */
  ReloadableDirectory(Path file) {
    this.file = file;
    this.current = read(file);
  }

  /** Reads the file again; returns whether the new users are in place (otherwise the old ones stay). */
  synchronized boolean reload() {
    int before = current.users();
    try {
      current = read(file);
      LOG.info("users reloaded from {}: {} users (were {})", file, current.users(), before);
      return true;
    } catch (RuntimeException e) {
      LOG.warn("users not reloaded, keeping the {} users read before: {}", before,
          ConfigFile.firstLine(e.getMessage()));
      return false;
    }
  }

  /** How many users the current directory holds. */
  int size() {
    return current.users();
  }

  @Override
  public Optional<User> byLogin(String login) {
    return current.directory().byLogin(login);
  }

  @Override
  public Optional<User> byAddress(String address) {
    return current.directory().byAddress(address);
  }

  private static Snapshot read(Path file) {
    UsersFile users = UsersFile.read(file);
    return new Snapshot(users.directory(), users.entries().size());
  }
}
