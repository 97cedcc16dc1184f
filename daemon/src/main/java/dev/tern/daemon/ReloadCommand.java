package dev.tern.daemon;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tern reload}: checks the users file, then sends SIGHUP to the daemon named by the pid
 * file, which reads its users file again without dropping a connection.
 */
@Command(name = "reload", description = {
    "Make the running daemon read its users file again, keeping its connections.",
    "Sends SIGHUP to the process in the pid file ([daemon] pid_file). The users file is checked "
    + "first; with a mistake in it the daemon is not signalled."})
final class ReloadCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Admin admin = Admin.of(spec);
    Path pidFile;
    if (admin.dev()) {
      pidFile = DaemonCommand.devData().resolve("tern.pid");
    } else {
      Settings settings = admin.settings();
      try {
        UsersFile.read(settings.usersFile());
      } catch (Settings.ConfigException e) {
        throw new Failure(e.getMessage() + " (the daemon was not signalled)");
      }
      pidFile = settings.pidFile();
    }
    long pid = Hangup.send(pidFile);
    admin.out().println("tern: asked the daemon (pid " + pid + ") to reload; it logs the outcome");
    return 0;
  }
}
