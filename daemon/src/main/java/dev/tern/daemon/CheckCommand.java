package dev.tern.daemon;

import dev.tern.crypto.CryptoRoot;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tern check}: validates the configuration and the users file, writes, reads and deletes a
 * probe object in the store, then reports what the store shows: the nodes and their beats, and
 * whether the users' keys are there. One line per fact; exit code 0 when all passed, else 1.
 */
@Command(name = "check", description = {
    "Check the configuration, the users file and the store, and list the nodes the store knows.",
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
    Optional<UsersFile> users = Optional.empty();
    try {
      users = Optional.of(UsersFile.read(settings.usersFile()));
      out.println("tern: users " + users.get().path() + ": ok, " + users.get().entries().size() + " users");
    } catch (Settings.ConfigException e) {
      err.println("tern: users FAILED: " + e.getMessage());
      ok = false;
    }
    try (admin) {
      long took = probe(admin.store());
      out.println("tern: store " + settings.storage().describe() + ": ok, wrote, read and deleted a probe object in "
          + took + " ms");
      ok &= cluster(admin.store(), settings.nodeId(), out, err);
      if (users.isPresent()) {
        ok &= keys(admin, users.get(), out, err);
      }
    } catch (RuntimeException e) {
      err.println("tern: store " + settings.storage().describe() + " FAILED: " + ConfigFile.firstLine(e.getMessage()));
      ok = false;
    }
    out.println(ok ? "tern: check passed" : "tern: check FAILED");
    return ok ? 0 : 1;
  }

  /**
   * One line per node with a beat in the store. Ages compare each node's clock with this
   * machine's: the store tells no time of its own through its API, so no offset is claimed.
   */
  private static boolean cluster(ObjectStore store, NodeId self, PrintWriter out, PrintWriter err) {
    List<ClusterView.Member> members;
    try {
      members = ClusterView.read(store, Instant.now());
    } catch (RuntimeException e) {
      err.println("tern: cluster FAILED: cannot list " + BeatKey.PREFIX + " in the store: "
          + ConfigFile.firstLine(e.getMessage()));
      return false;
    }
    String here = "this configuration is node " + self;
    if (members.isEmpty()) {
      out.println("tern: cluster: no node has a beat in the store, none is running (" + here + ")");
      return true;
    }
    long alive = members.stream().filter(ClusterView.Member::alive).count();
    out.println("tern: cluster: " + members.size() + (members.size() == 1 ? " node" : " nodes") + " in the store, "
        + alive + " alive (" + here + ")");
    for (ClusterView.Member member : members) {
      out.println("tern: node " + member.node() + ": " + describe(member));
    }
    return true;
  }

  private static String describe(ClusterView.Member member) {
    String age = member.age().isNegative()
        ? "last beat " + seconds(member.age().negated()) + " in the future (its clock is ahead of this machine's)"
        : "last beat " + seconds(member.age()) + " ago";
    return member.beat().map(beat -> (member.alive() ? "alive, " : "stale, ") + age + " (one every "
            + seconds(beat.interval()) + "), tern " + beat.version() + ", started "
            + beat.started()
            + (beat.listeners().isEmpty() ? "" : ", " + String.join("+", beat.listeners()))
            + (member.processes() > 1 ? "; WARNING: " + member.processes() + " processes beat under this node id,"
                + " give each its own [cluster] node_id" : ""))
        .orElse("unknown, " + age + ", but the beat does not read (another Tern version?)");
  }

  private static String seconds(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds < 120 ? seconds + " s" : seconds < 7_200 ? seconds / 60 + " min"
        : seconds < 172_800 ? seconds / 3_600 + " h" : seconds / 86_400 + " d";
  }

  /** How many users with a pass root have their keys in the store: one HEAD each. */
  private static boolean keys(Admin admin, UsersFile users, PrintWriter out, PrintWriter err) {
    List<String> pass = users.entries().stream()
        .filter(entry -> entry.cryptoRoot() instanceof CryptoRoot.Pass)
        .map(UsersFile.Entry::login).toList();
    if (pass.isEmpty()) {
      out.println("tern: keys: no user has a pass root, so none has keys in the store");
      return true;
    }
    List<String> missing = users.entries().stream()
        .filter(entry -> entry.cryptoRoot() instanceof CryptoRoot.Pass && !admin.keyring(entry.id()).exists())
        .map(UsersFile.Entry::login).toList();
    String counted = (pass.size() - missing.size()) + " of " + pass.size() + " users with a pass root";
    if (missing.isEmpty()) {
      out.println("tern: keys: " + counted + " have their keys in the store");
      return true;
    }
    String names = String.join(", ", missing.subList(0, Math.min(missing.size(), 10)))
        + (missing.size() > 10 ? ", ..." : "");
    err.println("tern: keys FAILED: " + counted + " have their keys in the store; these cannot log in: " + names);
    return false;
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
