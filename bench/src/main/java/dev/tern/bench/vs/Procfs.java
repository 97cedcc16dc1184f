package dev.tern.bench.vs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What Linux tells about processes in {@code /proc}: memory ({@code smaps_rollup}, {@code status}),
 * the process tree, and which process holds a TCP connection. Processes may exit while they are
 * read; such reads give empty answers rather than failures.
 */
final class Procfs {

  private static final Path PROC = Path.of("/proc");

  private Procfs() {
  }

  /** A field of {@code /proc/<pid>/smaps_rollup} ({@code Pss}, {@code Rss}…) in bytes. */
  static OptionalLong smapsRollup(long pid, String field) {
    return kilobytes(PROC.resolve(pid + "/smaps_rollup"), field);
  }

  /** The machine's available memory ({@code MemAvailable} in {@code /proc/meminfo}) in bytes. */
  static long memAvailable() {
    return kilobytes(PROC.resolve("meminfo"), "MemAvailable").orElse(Long.MAX_VALUE);
  }

  /** A field of {@code /proc/<pid>/status} ({@code VmRSS}, {@code VmHWM}, {@code RssAnon}…) in bytes. */
  static OptionalLong status(long pid, String field) {
    return kilobytes(PROC.resolve(pid + "/status"), field);
  }

  /** The process's command name ({@code /proc/<pid>/comm}), or "" when it is gone. */
  static String name(long pid) {
    try {
      return Files.readString(PROC.resolve(pid + "/comm"), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** Resets the process's peak resident set ({@code VmHWM}) to its current one (Linux ≥ 4.0). */
  static void resetPeak(long pid) {
    try {
      Files.writeString(PROC.resolve(pid + "/clear_refs"), "5");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset the peak RSS of process " + pid + " (root needed?)", e);
    }
  }

  /** {@code root} and all its descendants, {@code root} first. */
  static List<Long> tree(long root) {
    Map<Long, List<Long>> children = new HashMap<>();
    for (long pid : pids()) {
      long parent = parent(pid);
      if (parent > 0) {
        children.computeIfAbsent(parent, p -> new ArrayList<>()).add(pid);
      }
    }
    List<Long> tree = new ArrayList<>();
    tree.add(root);
    for (int i = 0; i < tree.size(); i++) {
      tree.addAll(children.getOrDefault(tree.get(i), List.of()));
    }
    return tree;
  }

  /**
   * The processes among {@code candidates} holding the server end of the loopback connection
   * {@code serverPort} ↔ {@code clientPort}: its socket inode from {@code /proc/net/tcp[6]}, then
   * the processes with a descriptor on that inode.
   */
  static List<Long> socketHolders(List<Long> candidates, int serverPort, int clientPort) {
    long inode = serverSocketInode(serverPort, clientPort);
    if (inode < 0) {
      throw new IllegalStateException("no server socket for port " + serverPort + " ← " + clientPort);
    }
    String target = "socket:[" + inode + "]";
    List<Long> holders = new ArrayList<>();
    for (long pid : candidates) {
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
        for (Path fd : fds) {
          try {
            if (Files.readSymbolicLink(fd).toString().equals(target)) {
              holders.add(pid);
              break;
            }
          } catch (IOException e) {
            // closed meanwhile
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
    }
    return holders;
  }

  private static long serverSocketInode(int serverPort, int clientPort) {
    for (String table : List.of("net/tcp", "net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(PROC.resolve(table), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        continue;
      }
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        if (port(f[1]) == serverPort && port(f[2]) == clientPort) {
          return Long.parseLong(f[9]);
        }
      }
    }
    return -1;
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
  }

  private static List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          pids.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }

  private static long parent(long pid) {
    try {
      String stat = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.UTF_8);
      // pid (comm) state ppid ...; comm may hold spaces and parentheses, so cut after the last ')'
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(rest[1]);
    } catch (IOException e) {
      return -1;
    }
  }

  private static OptionalLong kilobytes(Path file, String field) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty(); // exited while read, or not permitted
    }
    String prefix = field + ":";
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        String[] f = line.substring(prefix.length()).trim().split("\\s+");
        return OptionalLong.of(Long.parseLong(f[0]) * 1024);
      }
    }
    return OptionalLong.empty();
  }
}
