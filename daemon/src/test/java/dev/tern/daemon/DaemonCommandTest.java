package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tern daemon} refuses a bad configuration before it binds anything. */
class DaemonCommandTest {

  @TempDir Path directory;

  /**
   * The listener's port is held by this test, so a daemon that bound before validating would
   * report "address in use" rather than the mistake.
   */
  private Cli.Run startOnBusyPort(Cli cli, String usersText, String extraConfig) throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Files.writeString(cli.config, Files.readString(cli.config).replace("127.0.0.1:0", "127.0.0.1:" + busy.getLocalPort())
          + extraConfig);
      if (usersText != null) {
        Files.writeString(cli.usersFile(), usersText);
      }
      return cli.run("daemon");
    }
  }

  @Test
  void aMissingUsersFileStopsItBeforeBinding() throws IOException {
    Cli cli = new Cli(directory);
    Cli.Run run = startOnBusyPort(cli, null, "");
    assertEquals(2, run.exitCode(), run::toString);
    assertEquals("tern: users file " + cli.usersFile() + " not found\n", run.err());
  }

  @Test
  void aBadUsersFileStopsItBeforeBinding() throws IOException {
    Cli cli = new Cli(directory);
    Cli.Run run = startOnBusyPort(cli, "[alice]\naddresses = []\n", "");
    assertEquals(2, run.exitCode(), run::toString);
    assertEquals("tern: " + cli.usersFile() + ": alice.password: is required\n", run.err());
  }

  @Test
  void aBadValueStopsItBeforeBinding() throws IOException {
    Cli cli = new Cli(directory);
    cli.variables.put("TERN_CLUSTER_POLL_INTERVAL_SECONDS", "soon");
    Cli.Run run = startOnBusyPort(cli, "", "");
    assertEquals(2, run.exitCode(), run::toString);
    assertEquals("tern: TERN_CLUSTER_POLL_INTERVAL_SECONDS (cluster.poll_interval_seconds) must be an integer, not \"soon\"\n",
        run.err());
  }

  @Test
  void aTypoStopsItBeforeBinding() throws IOException {
    Cli cli = new Cli(directory);
    Cli.Run run = startOnBusyPort(cli, "", "\n[limits]\nmax_mesage_size = 1\n");
    assertEquals(2, run.exitCode(), run::toString);
    assertEquals("tern: " + cli.config + ": limits.max_mesage_size is not a known key (known in [limits]: "
        + "max_message_size, max_line_length, max_literal_size, max_command_size, failed_login_delay_ms)\n", run.err());
  }

  @Test
  void aBusyPortIsOneLineToo() throws IOException {
    Cli cli = new Cli(directory);
    Cli.Run run = startOnBusyPort(cli, "", "");
    assertEquals(2, run.exitCode(), run::toString);
    assertEquals(1, run.err().lines().count(), run::toString);
  }
}
