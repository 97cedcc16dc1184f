package dev.tern.daemon;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.PasswordHash;
import dev.tern.crypto.X25519PublicKey;
import dev.tern.mailbox.Keyring;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tern tools}: password hashes and crypto roots, for users files kept by hand or by other tools. */
@Command(name = "tools", description = "Password hashes and crypto roots for users files kept by hand.",
    subcommands = {ToolsCommand.PasswordHashCommand.class, ToolsCommand.CryptoRootCommand.class})
final class ToolsCommand {

  @Command(name = "password-hash", description = {
      "Print the Argon2id PHC string of a password (the password key of users.toml).",
      "The password comes from --password-file, TERN_PASSWORD, or is asked twice at the terminal."})
  static final class PasswordHashCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--password-file", paramLabel = "FILE",

        description = "Read the password from the first line of FILE.")
    Path passwordFile;

    @Override
    public Integer call() {
      Admin admin = Admin.of(spec);
      try (Passwords.Secret password = Passwords.newPassword(admin.environment(), Optional.ofNullable(passwordFile),
          "TERN_PASSWORD", "password")) {
        admin.out().println(PasswordHash.create(password.value()));
      }
      return 0;
    }
  }

  @Command(name = "crypto-root", description = "Make crypto roots (the crypto_root key of users.toml).",
      subcommands = {CryptoRootCommand.New.class, CryptoRootCommand.NewCleartext.class,
          CryptoRootCommand.DeriveIncoming.class, CryptoRootCommand.ChangePassword.class})
  static final class CryptoRootCommand {

    @Command(name = "new", description = {
        "Create a user's keys in the store behind their password; print the pass root.",
        "The password comes from --password-file, TERN_PASSWORD, or is asked twice at the terminal."})
    static final class New implements Callable<Integer> {
      @Spec CommandSpec spec;

      @Option(names = "--login", required = true)
      String login;

      @Option(names = "--id", description = "The store id (default: the users file's, else the login).")
      String id;

      @Option(names = "--password-file", paramLabel = "FILE",

          description = "Read the password from the first line of FILE.")
      Path passwordFile;

      @Override
      public Integer call() {
        try (Admin admin = Admin.of(spec)) {
          String storeId = admin.storeId(login, Optional.ofNullable(id));
          Keyring keyring = admin.keyring(storeId);
          if (keyring.exists()) {
            throw new Failure("users/" + storeId + "/keys already exist in the store; "
                + "`tern tools crypto-root change-password` changes their password");
          }
          try (Passwords.Secret password = Passwords.newPassword(admin.environment(), Optional.ofNullable(passwordFile),
              "TERN_PASSWORD", "password of " + login)) {
            keyring.create(password.value()).destroy();
          }
          admin.out().println(CryptoRoot.Pass.inStore().format());
        }
        return 0;
      }
    }

    @Command(name = "new-cleartext", description = "Print a new cleartext crypto root (fresh keys; it is a secret).")
    static final class NewCleartext implements Callable<Integer> {
      @Spec CommandSpec spec;

      @Override
      public Integer call() {
        KeyBundle keys = KeyBundle.generate();
        try {
          spec.commandLine().getOut().println(new CryptoRoot.Cleartext(keys).format());
        } finally {
          keys.destroy();
        }
        return 0;
      }
    }

    @Command(name = "derive-incoming", description = {
        "Print the incoming root (public key only) matching a cleartext root or a user's keys.",
        "The cleartext root is ROOT or the first line of standard input; with --login, the user's root "
        + "in the users file, or their keys in the store (which need the password: --password-file, "
        + "TERN_PASSWORD, or asked)."})
    static final class DeriveIncoming implements Callable<Integer> {
      @Spec CommandSpec spec;

      @Parameters(arity = "0..1", paramLabel = "ROOT",

          description = "A cleartext crypto root (default: read from standard input).")
      String root;

      @Option(names = "--login", description = "Derive from this user's root in the users file, or keys in the store.")
      String login;

      @Option(names = "--id", description = "With --login: the store id (default: the users file's, else the login).")
      String id;

      @Option(names = "--password-file", paramLabel = "FILE",

          description = "Read the password from the first line of FILE.")
      Path passwordFile;

      @Override
      public Integer call() {
        try (Admin admin = Admin.of(spec)) {
          if (login != null && root != null) {
            throw new Failure("give a ROOT or --login, not both");
          }
          X25519PublicKey publicKey = login != null
              ? fromUser(admin)
              : fromRoot(parse(root != null ? root : stdin(admin)));
          admin.out().println(new CryptoRoot.Incoming(publicKey).format());
        }
        return 0;
      }

      private X25519PublicKey fromUser(Admin admin) {
        Optional<UsersFile.Entry> entry = admin.users().entry(login);
        if (entry.isPresent() && !(entry.get().cryptoRoot() instanceof CryptoRoot.Pass)) {
          return fromRoot(entry.get().cryptoRoot());
        }
        String storeId = admin.storeId(login, Optional.ofNullable(id));
        Keyring keyring = admin.keyring(storeId);
        if (!keyring.exists()) {
          throw new Failure("no keys for " + login + " in the store (users/" + storeId + "/keys/)");
        }
        try (Passwords.Secret password = Passwords.existingPassword(admin.environment(),
            Optional.ofNullable(passwordFile), "TERN_PASSWORD", "password of " + login)) {
          KeyBundle keys = keyring.unlock(password.value())
              .orElseThrow(() -> new Failure("the password does not open " + login + "'s keys"));
          try {
            return keys.publicKey();
          } finally {
            keys.destroy();
          }
        }
      }

      private static X25519PublicKey fromRoot(CryptoRoot root) {
        return switch (root) {
          case CryptoRoot.Cleartext cleartext -> cleartext.keys().publicKey();
          case CryptoRoot.Incoming incoming -> incoming.publicKey();
          case CryptoRoot.Pass pass -> throw new Failure(
              "a pass root holds no key: use --login (the keys are in the store behind the password)");
        };
      }

      private static CryptoRoot parse(String text) {
        try {
          return CryptoRoot.parse(text.trim());
        } catch (IllegalArgumentException e) {
          throw new Failure(e.getMessage());
        }
      }

      private static String stdin(Admin admin) {
        try {
          String line = new BufferedReader(new InputStreamReader(admin.environment().stdin(), StandardCharsets.UTF_8))
              .readLine();
          if (line == null || line.isBlank()) {
            throw new Failure("no crypto root on standard input (or give it as an argument, or use --login)");
          }
          return line;
        } catch (IOException e) {
          throw new Failure("cannot read standard input: " + e.getMessage());
        }
      }
    }

    @Command(name = "change-password", description = {
        "Re-wrap a user's keys under a new password; print its hash (the users file is untouched).",
        "`tern account passwd` also updates the users file. Old password: TERN_OLD_PASSWORD or asked; "
        + "new password: --password-file, TERN_PASSWORD, or asked twice."})
    static final class ChangePassword implements Callable<Integer> {
      @Spec CommandSpec spec;

      @Option(names = "--login", required = true)
      String login;

      @Option(names = "--id", description = "The store id (default: the users file's, else the login).")
      String id;

      @Option(names = "--password-file", paramLabel = "FILE",

          description = "Read the new password from the first line of FILE.")
      Path passwordFile;

      @Override
      public Integer call() {
        try (Admin admin = Admin.of(spec)) {
          String hash = AccountCommand.changeKeyPassword(admin, login, admin.storeId(login, Optional.ofNullable(id)),
              Optional.ofNullable(passwordFile));
          admin.out().println(hash);
        }
        return 0;
      }
    }
  }
}
