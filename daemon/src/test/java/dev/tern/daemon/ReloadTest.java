package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's reloadable users, wired as {@code tern daemon} wires them, driven over IMAP. */
class ReloadTest {

  @TempDir Path directory;
  private Cli cli;

  @BeforeEach
  void install() {
    cli = new Cli(directory);
    add("alice", "alice-pw");
  }

  private void add(String login, String password) {
    cli.variables.put("TERN_PASSWORD", password);
    Cli.Run run = cli.run("account", "add", "--login", login, "--address", login + "@example.tld");
    assertEquals(0, run.exitCode(), run::toString);
  }

  @Test
  void aReloadedUserLogsInAndOpenConnectionsStay() throws IOException {
    Settings settings = cli.settings();
    ReloadableDirectory users = new ReloadableDirectory(settings.usersFile());
    try (Node node = settings.startNode(users)) {
      InetSocketAddress address = node.addresses().getFirst();
      try (RawImap alice = new RawImap(address)) {
        assertEquals("OK", alice.status("LOGIN alice alice-pw"));
        assertEquals("OK", alice.status("SELECT INBOX"));

        add("bob", "bob-pw");
        try (RawImap bob = new RawImap(address)) {
          assertEquals("NO", bob.status("LOGIN bob bob-pw"), "not before the reload");
        }
        assertTrue(users.reload());
        assertEquals(2, users.size());
        try (RawImap bob = new RawImap(address)) {
          assertEquals("OK", bob.status("LOGIN bob bob-pw"));
          assertEquals("OK", bob.status("SELECT INBOX"));
        }
        assertEquals("OK", alice.status("NOOP"), "alice's connection survived the reload");
        assertEquals("OK", alice.status("STATUS INBOX (MESSAGES)"));

        // A broken file keeps the users read before.
        Cli.write(settings.usersFile(), Files.readString(settings.usersFile()) + "\n[carol]\npassword = 1\n");
        assertFalse(users.reload());
        assertEquals(2, users.size());
        try (RawImap bob = new RawImap(address)) {
          assertEquals("OK", bob.status("LOGIN bob bob-pw"));
        }
        assertEquals("OK", alice.status("NOOP"));
      }
    }
  }

  @Test
  void ternReloadSignalsTheProcessInThePidFile() throws Exception {
    Settings settings = cli.settings();
    ReloadableDirectory users = new ReloadableDirectory(settings.usersFile());
    CountDownLatch reloaded = new CountDownLatch(1);
    // This test JVM plays the daemon: the handler it installs is the daemon's (SIGHUP no longer stops it).
    assertTrue(Hangup.onHangup(() -> {
      users.reload();
      reloaded.countDown();
    }));
    PidFile.write(settings.pidFile());
    add("bob", "bob-pw");
    assertTrue(users.byLogin("bob").isEmpty());

    Cli.Run run = cli.run("reload");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("tern: asked the daemon (pid " + ProcessHandle.current().pid() + ") to reload; it logs the outcome\n",
        run.out());
    assertTrue(reloaded.await(10, TimeUnit.SECONDS), "no SIGHUP arrived");
    assertTrue(users.byLogin("bob").isPresent());
    PidFile.removeOwn(settings.pidFile());
    assertFalse(Files.exists(settings.pidFile()));
  }

  @Test
  void reloadFailuresAreOneLine() throws Exception {
    Cli.Run none = cli.run("reload");
    assertEquals(1, none.exitCode(), none::toString);
    assertEquals("tern: no pid file " + directory.resolve("tern.pid")
        + ": is the daemon running (with this configuration)?\n", none.err());

    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(directory.resolve("tern.pid"), gone.pid() + "\n");
    Cli.Run stale = cli.run("reload");
    assertEquals(1, stale.exitCode(), stale::toString);
    assertEquals("tern: no process " + gone.pid() + " (from " + directory.resolve("tern.pid")
        + "): the daemon is not running\n", stale.err());

    Files.writeString(directory.resolve("tern.pid"), "tern\n");
    Cli.Run garbage = cli.run("reload");
    assertEquals("tern: the pid file " + directory.resolve("tern.pid") + " does not hold a process id\n", garbage.err());

    // The users file is checked before the pid file is even read (a dead pid, should that change).
    Files.writeString(directory.resolve("tern.pid"), gone.pid() + "\n");
    Cli.write(cli.usersFile(), "[alice]\n");
    Cli.Run broken = cli.run("reload");
    assertEquals(1, broken.exitCode(), broken::toString);
    assertEquals("tern: " + cli.usersFile() + ": alice.addresses: is required (a list, may be empty: addresses = [])"
        + " (the daemon was not signalled)\n", broken.err());
  }
}
