package dev.tern.daemon;

import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tern check}: validates the configuration and the users file and writes, reads and deletes
 * a probe object in the store, printing one line per step; exit code 0 when all passed, else 1.
 */
@Command(name = "check", description = {
    "Check the configuration, the users file and the store.",
    "The store check writes, reads and deletes an object under tern-check/. Exit code 0 when "
    + "everything is fine, 1 otherwise."})
final class CheckCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Admin admin = Admin.of(spec);
    PrintWriter out = admin.out();
    PrintWriter err = spec.commandLine().getErr();
    Settings settings;
    try {
      settings = admin.settings();
    } catch (Settings.ConfigException | Failure e) {
      err.println("tern: configuration FAILED: " + e.getMessage());
      return 1;
    }
    out.println("tern: configuration " + settings.file() + ": ok; listeners "
        + String.join(", ", settings.imapListeners().stream().map(CheckCommand::describe).toList()));
    boolean ok = true;
    try {
      UsersFile users = UsersFile.read(settings.usersFile());
      out.println("tern: users " + users.path() + ": ok, " + users.entries().size() + " users");
    } catch (Settings.ConfigException e) {
      err.println("tern: users FAILED: " + e.getMessage());
      ok = false;
    }
    try (admin) {
      long took = probe(admin.store());
      out.println("tern: store " + settings.storage().describe() + ": ok, wrote, read and deleted a probe object in "
          + took + " ms");
    } catch (RuntimeException e) {
      err.println("tern: store " + settings.storage().describe() + " FAILED: " + ConfigFile.firstLine(e.getMessage()));
      ok = false;
    }
    out.println(ok ? "tern: check passed" : "tern: check FAILED");
    return ok ? 0 : 1;
  }

  /** Puts, gets and deletes tern-check/<random>; returns how long that took. */
  private static long probe(ObjectStore store) {
    long start = System.nanoTime();
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    ObjectKey key = ObjectKey.of("tern-check").resolve(HexFormat.of().formatHex(random));
    byte[] data = ("tern check " + HexFormat.of().formatHex(random)).getBytes(StandardCharsets.US_ASCII);
    store.put(key, data);
    try {
      if (!Arrays.equals(store.getBytes(key), data)) {
        throw new IllegalStateException("the probe object read back differs from what was written");
      }
    } finally {
      store.delete(key);
    }
    if (store.head(key).isPresent()) {
      throw new IllegalStateException("the probe object " + key + " is still there after its delete");
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static String describe(Node.Listener listener) {
    String how = listener.config().implicitTls() ? "TLS"
        : listener.config().tls().isPresent() ? "STARTTLS" : "cleartext";
    return listener.address().getHostString() + ":" + listener.address().getPort() + " (IMAP, " + how + ")";
  }
}
