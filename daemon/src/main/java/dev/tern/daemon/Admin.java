package dev.tern.daemon;

import dev.tern.mailbox.Keyring;
import dev.tern.storage.ObjectStore;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the administrative commands share: the environment, the configuration, the store and the
 * users file, each opened when first needed; closing it closes the store.
 */
final class Admin implements AutoCloseable {

  private final TernCommand root;
  private final PrintWriter out;
  private Settings settings;
  private ObjectStore store;

  private Admin(TernCommand root, PrintWriter out) {
    this.root = root;
    this.out = out;
  }

  static Admin of(CommandSpec spec) {
    return new Admin((TernCommand) spec.root().userObject(), spec.commandLine().getOut());
  }

  Environment environment() {
    return root.environment();
  }

  PrintWriter out() {
    return out;
  }

  boolean dev() {
    return root.dev;
  }

  /** The validated configuration; development mode has none to manage. */
  Settings settings() {
    if (settings == null) {
      if (root.dev) {
        throw new Failure("this command works on a configuration (-c FILE); development mode has no users file");
      }
      settings = Settings.load(root.configPath(), environment()::variable);
    }
    return settings;
  }

  ObjectStore store() {
    if (store == null) {
      store = settings().storage().open();
    }
    return store;
  }

  /** The users file, or an empty one when it does not exist yet. */
  UsersFile users() {
    return UsersFile.readOrEmpty(settings().usersFile());
  }

  Keyring keyring(String storeId) {
    return new Keyring(store(), storeId, settings().serverSecret());
  }

  /** The store id of {@code login}: {@code id} if given, else the users file's, else the login itself. */
  String storeId(String login, Optional<String> id) {
    return id.or(() -> users().entry(login).map(UsersFile.Entry::id)).orElse(login);
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }
}
