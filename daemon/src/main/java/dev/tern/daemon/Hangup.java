package dev.tern.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP, the Unix way to ask a daemon to re-read its files: the daemon handles it, {@code tern
 * reload} sends it.
 *
 * <p>Java has no supported API for catching a signal. {@code sun.misc.Signal} lives in the
 * {@code jdk.unsupported} module, which JEP 260 keeps exported precisely for such critical uses
 * until a supported replacement exists; it needs no command-line flag. The alternatives were worse:
 * watching the file reloads half-edited files, and a control socket is a listener to secure.
 * Without a handler the JVM treats SIGHUP as a request to shut down, so the daemon always
 * installs one.
 */
final class Hangup {

  private static final Logger LOG = LoggerFactory.getLogger(Hangup.class);

  private Hangup() {}

  /**
   * Runs {@code action} on every SIGHUP (on the JVM's signal thread, one at a time). Returns
   * whether the handler is installed; where it cannot be (Windows, or {@code -Xrs}) the reason is
   * logged and {@code tern reload} will not work.
   */
  static boolean onHangup(Runnable action) {
    try {
      Signal.handle(new Signal("HUP"), signal -> {
        try {
          action.run();
        } catch (RuntimeException e) {
          LOG.warn("SIGHUP handling failed: {}", e.toString());
        }
      });
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.warn("no SIGHUP handler ({}): `tern reload` cannot reach this daemon; restart it instead", e.getMessage());
      return false;
    }
  }

  /** Sends SIGHUP to the daemon whose id is in {@code pidFile}; every problem is a one-line {@link Failure}. */
  static long send(Path pidFile) {
    long pid;
    try {
      pid = PidFile.read(pidFile);
    } catch (IOException e) {
      throw new Failure("cannot read the pid file " + pidFile + ": " + e.getMessage());
    }
    ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .orElseThrow(() -> new Failure("no process " + pid + " (from " + pidFile + "): the daemon is not running"));
    // A stale pid file may name an unrelated process by now, and SIGHUP ends most programs.
    boolean java = process.info().command()
        .map(command -> Path.of(command).getFileName().toString().startsWith("java"))
        .orElse(true);
    if (!java) {
      throw new Failure("process " + pid + " (from " + pidFile + ") is not a Java process: stale pid file?");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).redirectErrorStream(true).start();
      kill.getOutputStream().close();
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new Failure("kill -HUP " + pid + " failed: " + ConfigFile.firstLine(output));
      }
    } catch (IOException e) {
      throw new Failure("cannot run kill -HUP " + pid + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted while signalling " + pid);
    }
    return pid;
  }
}
