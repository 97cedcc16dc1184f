package dev.tern.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.mailbox.Keyring;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tern account add|delete|passwd|list}: the users file, and the users' keys in the store. */
@Command(name = "account",
    description = "Manage users: their entries in the users file and their keys in the store.",
    subcommands = {AccountCommand.Add.class, AccountCommand.Delete.class, AccountCommand.Passwd.class,
        AccountCommand.ListUsers.class})
final class AccountCommand {

  static final String RELOAD_HINT = "run `tern reload` so a running daemon sees the change";

  @Command(name = "add", description = {
      "Add a user: their keys, password hash and addresses.",
      "Creates the keys (in the store behind the password, or with --cleartext in the users file) and "
      + "writes the user into the users file. The password comes from --setup, --password-file, TERN_PASSWORD, "
      + "or is asked twice at the terminal."})
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--login", required = true, description = "The login (also the store id: users/<login>/).")
    String login;

    @Option(names = "--address", paramLabel = "ADDRESS",

        description = "An address delivered to this user (repeatable).")
    List<String> addresses = new ArrayList<>();

    @Option(names = "--cleartext", description = "Keep the keys in the users file (crypto root cleartext) "
        + "rather than in the store behind the password (pass, the default).")
    boolean cleartext;

    @Option(names = "--password-file", paramLabel = "FILE",

        description = "Read the password from the first line of FILE.")
    Path passwordFile;

    @Option(names = "--setup", paramLabel = "FILE",
        description = "A TOML file describing the account, for scripted setups (keep it private): "
            + "password = \"...\", addresses = [\"...\"], cleartext = true|false. Options add to it.")
    Path setup;

    @Override
    public Integer call() {
      if (setup != null) {
        return new Setup(setup).addTo(this);
      }
      return add(Optional.empty());
    }

    private Integer add(Optional<char[]> givenPassword) {
      try (Admin admin = Admin.of(spec)) {
        // Refuse a taken login or address before asking for a password and making keys.
        admin.users().checkAvailable(login, addresses);
        try (Passwords.Secret password = givenPassword.map(Passwords.Secret::new).orElseGet(() -> Passwords.newPassword(
            admin.environment(), Optional.ofNullable(passwordFile), "TERN_PASSWORD", "password of " + login))) {
          CryptoRoot root = cleartext ? new CryptoRoot.Cleartext(KeyBundle.generate()) : passRoot(admin, password);
          UsersFile.Entry entry = UsersFile.Entry.of(login, addresses,
              PasswordHash.create(password.value()).toString(), root);
          UsersFile written = UsersFile.update(admin.settings().usersFile(), users -> users.add(entry));
          admin.out().println("tern: added " + login + " (" + entry.rootKind() + " crypto root"
              + (addresses.isEmpty() ? ", no addresses" : ", " + String.join(", ", addresses)) + ") to "
              + written.path() + "; " + RELOAD_HINT);
        }
      }
      return 0;
    }

    /** {@code --setup FILE}: what it says, merged with the options. */
    private record Setup(Path file) {
      Integer addTo(Add add) {
        JsonNode setup;
        try {
          setup = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
          throw new Failure("cannot read the setup file " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        for (var names = setup.fieldNames(); names.hasNext(); ) {
          String name = names.next();
          if (!List.of("password", "addresses", "cleartext").contains(name)) {
            throw new Failure(file + ": unknown key " + name + " (password, addresses, cleartext)");
          }
        }
        List<String> listed = new ArrayList<>();
        setup.path("addresses").forEach(address -> listed.add(address.asText()));
        add.addresses.addAll(0, listed); // the file's first, then the options
        add.cleartext |= setup.path("cleartext").asBoolean(false);
        if (!setup.has("password")) {
          return add.add(Optional.empty());
        }
        if (add.passwordFile != null) {
          throw new Failure("the password comes from " + file + " or from --password-file, not both");
        }
        String password = setup.get("password").asText();
        if (password.isEmpty()) {
          throw new Failure(file + ": password is empty");
        }
        return add.add(Optional.of(password.toCharArray()));
      }
    }

    /**
     * Creates the keyring; keys already in the store (a deleted user's, kept) are reused if the password opens
     * them.
     */
    private CryptoRoot passRoot(Admin admin, Passwords.Secret password) {
      Keyring keyring = admin.keyring(login);
      if (!keyring.exists()) {
        keyring.create(password.value()).destroy();
      } else if (keyring.unlock(password.value()).isPresent()) {
        admin.out().println("tern: users/" + login + "/keys already exist and this password opens them: reusing them");
      } else {
        throw new Failure("users/" + login + "/keys already exist in the store (a deleted user's mail?) and this "
            + "password does not open them: use that user's password, or remove them with `tern account delete --login "
            + login + " --purge`");
      }
      return CryptoRoot.Pass.inStore();
    }
  }

  @Command(name = "delete", description = {
      "Remove a user from the users file (their mail stays in the store unless --purge).",
      "--purge asks for the login to confirm, unless --yes."})
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--login", required = true)
    String login;

    @Option(names = "--purge", description = "Also delete every object under users/<id>/ (all their mail and keys).")
    boolean purge;

    @Option(names = "--yes", description = "Do not ask before purging.")
    boolean yes;

    @Override
    public Integer call() {
      try (Admin admin = Admin.of(spec)) {
        Optional<UsersFile.Entry> entry = admin.users().entry(login);
        if (entry.isEmpty() && !purge) {
          throw new Failure("no user " + login + " in " + admin.settings().usersFile());
        }
        // Without an entry, --purge still clears users/<login>/: what a deleted user's kept mail looks like.
        String id = entry.map(UsersFile.Entry::id).orElse(login);
        if (purge && !yes) {
          confirm(admin, id);
        }
        if (entry.isPresent()) {
          UsersFile written = UsersFile.update(admin.settings().usersFile(), users -> users.remove(login));
          admin.out().println("tern: removed " + login + " from " + written.path() + "; " + RELOAD_HINT);
        }
        if (purge) {
          long deleted = purge(admin.store(), id);
          admin.out().println("tern: deleted " + deleted + " objects under users/" + id + "/ from the store");
        } else {
          admin.out().println("tern: " + login + "'s mail stays in the store under users/" + id
              + "/ (--purge deletes it)");
        }
      }
      return 0;
    }

    private void confirm(Admin admin, String id) {
      String answer = admin.environment().terminal().readLine("Delete every object under users/" + id + "/ ("
          + login + "'s mail and keys) from the " + admin.settings().storage().describe()
          + "? Type the login to confirm: ").orElseThrow(() -> new Failure(
          "--purge deletes all of " + login + "'s mail: add --yes to confirm without a terminal"));
      if (!answer.trim().equals(login)) {
        throw new Failure("not confirmed; nothing changed");
      }
    }

    /** Deletes the user's objects a page at a time (a user may have millions). */
    private static long purge(ObjectStore store, String id) {
      String prefix = ObjectKey.of("users").resolve(id).asPrefix();
      long deleted = 0;
      List<ObjectKey> batch = new ArrayList<>();
      for (Iterator<ObjectInfo> it = store.listAll(prefix, Optional.empty()).iterator(); it.hasNext(); ) {
        batch.add(it.next().key());
        if (batch.size() == 1_000 || !it.hasNext()) {
          store.deleteMany(batch);
          deleted += batch.size();
          batch.clear();
        }
      }
      return deleted;
    }
  }

  @Command(name = "passwd", description = {
      "Change a user's password; the mail stays readable.",
      "For a pass crypto root the old password is needed (TERN_OLD_PASSWORD or asked): the keys are "
      + "re-wrapped under the new one, so the old one stops working. The new password comes from "
      + "--password-file, TERN_PASSWORD, or is asked twice."})
  static final class Passwd implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--login", required = true)
    String login;

    @Option(names = "--password-file", paramLabel = "FILE",

        description = "Read the new password from the first line of FILE.")
    Path passwordFile;

    @Override
    public Integer call() {
      try (Admin admin = Admin.of(spec)) {
        UsersFile.Entry entry = admin.users().entry(login)
            .orElseThrow(() -> new Failure("no user " + login + " in " + admin.settings().usersFile()));
        String hash;
        if (entry.cryptoRoot() instanceof CryptoRoot.Pass) {
          hash = changeKeyPassword(admin, login, entry.id(), Optional.ofNullable(passwordFile));
        } else {
          try (Passwords.Secret password = Passwords.newPassword(admin.environment(), Optional.ofNullable(passwordFile),
              "TERN_PASSWORD", "new password of " + login)) {
            hash = PasswordHash.create(password.value()).toString();
          }
        }
        UsersFile written = UsersFile.update(admin.settings().usersFile(), users -> users.replace(
            users.entry(login).orElseThrow(() -> new Failure("no user " + login + " in " + users.path()))
                .withPassword(hash)));
        admin.out().println("tern: changed " + login + "'s password in " + written.path() + "; " + RELOAD_HINT);
      }
      return 0;
    }
  }

  @Command(name = "list",
      description = "List the users: login, store id, crypto root kind, addresses (no secrets).")
  static final class ListUsers implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Admin admin = Admin.of(spec)) {
        UsersFile users = admin.users();
        if (users.entries().isEmpty()) {
          admin.out().println("tern: no users in " + users.path());
          return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"LOGIN", "ID", "ROOT", "ADDRESSES"});
        for (UsersFile.Entry entry : users.entries()) {
          rows.add(new String[] {entry.login(), entry.id(), entry.rootKind(), String.join(", ", entry.addresses())});
        }
        int[] widths = new int[3];
        for (String[] row : rows) {
          for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.max(widths[i], row[i].length());
          }
        }
        for (String[] row : rows) {
          StringBuilder line = new StringBuilder();
          for (int i = 0; i < widths.length; i++) {
            line.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 2));
          }
          admin.out().println(line.append(row[3]).toString().stripTrailing());
        }
      }
      return 0;
    }
  }

  /**
   * Re-wraps a pass root's keys under a new password (old one from TERN_OLD_PASSWORD or asked,
   * new one as for {@code add}); returns the new password's hash for the users file.
   */
  static String changeKeyPassword(Admin admin, String login, String id, Optional<Path> newPasswordFile) {
    Keyring keyring = admin.keyring(id);
    if (!keyring.exists()) {
      throw new Failure("no keys for " + login + " in the store (users/" + id + "/keys/)");
    }
    try (Passwords.Secret old = Passwords.existingPassword(admin.environment(), Optional.empty(), "TERN_OLD_PASSWORD",
            "old password of " + login);
        Passwords.Secret fresh = Passwords.newPassword(admin.environment(), newPasswordFile, "TERN_PASSWORD",
            "new password of " + login)) {
      if (!keyring.changePassword(old.value(), fresh.value())) {
        throw new Failure("the old password does not open " + login + "'s keys; nothing changed");
      }
      return PasswordHash.create(fresh.value()).toString();
    }
  }
}
