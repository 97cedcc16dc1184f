package dev.tern.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The file where a running daemon writes its process id, so {@code tern reload} knows whom to
 * signal. Written after the listeners are bound, removed on a graceful stop; a stale one (after a
 * crash) is simply overwritten by the next start. Daemons sharing one configuration file on one
 * machine need a {@code [daemon] pid_file} each.
 */
final class PidFile {

  private PidFile() {}

  /** Writes this process's id, replacing the file atomically. */
  static void write(Path file) {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(temp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the pid file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Removes the file if it still names this process (a newer daemon may have taken it over). */
  static void removeOwn(Path file) {
    try {
      if (Files.isRegularFile(file) && read(file) == ProcessHandle.current().pid()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException | RuntimeException e) {
      // stopping anyway; a stale pid file is overwritten by the next start
    }
  }

  /** The process id in the file. */
  static long read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      throw new Failure("no pid file " + file + ": is the daemon running (with this configuration)?");
    }
    try {
      long pid = Long.parseLong(text);
      if (pid <= 0) {
        throw new NumberFormatException();
      }
      return pid;
    } catch (NumberFormatException e) {
      throw new Failure("the pid file " + file + " does not hold a process id");
    }
  }
}
