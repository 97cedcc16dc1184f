package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ./tern --dev daemon} as a user runs it, from the repository's launcher, in a test's
 * working directory (so {@code ./tern-data} lands there), on free ports handed over through the
 * {@code TERN_DEV_*_PORT} variables. Started, it has printed every line in {@code readyWhen}.
 */
record DevDaemon(Process process, StringBuilder out, Path errFile, CompletableFuture<String> hint) {

  /** A first start may build the jar (the launcher does when sources are newer). */
  static final long START_SECONDS = 180;

  static DevDaemon start(Path workingDirectory, Path outputs, Map<String, Integer> ports, List<String> readyWhen)
      throws Exception {
    Map<String, String> environment = new HashMap<>();
    ports.forEach((variable, port) -> environment.put(variable, Integer.toString(port)));
    return launch(workingDirectory, outputs, List.of("--dev", "daemon"), environment, readyWhen);
  }

  /** {@code ./tern arguments...} with these variables added to the environment. */
  static DevDaemon launch(Path workingDirectory, Path outputs, List<String> arguments, Map<String, String> environment,
      List<String> readyWhen) throws Exception {
    Path errFile = Files.createTempFile(outputs, "tern-daemon-", ".stderr");
    List<String> command = new ArrayList<>();
    command.add(launcher().toString());
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workingDirectory.toFile())
        .redirectError(errFile.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    StringBuilder out = new StringBuilder();
    CompletableFuture<String> ready = new CompletableFuture<>();
    CompletableFuture<String> hint = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader reader = process.inputReader(StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          synchronized (out) {
            out.append(line).append('\n');
            if (readyWhen.stream().allMatch(marker -> out.indexOf(marker) >= 0)) {
              ready.complete(out.toString());
            }
          }
          if (line.startsWith("tern: try ")) {
            hint.complete(line);
          }
        }
        ready.completeExceptionally(new IOException("stdout closed"));
        hint.completeExceptionally(new IOException("stdout closed without a try-this line"));
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
    });
    DevDaemon daemon = new DevDaemon(process, out, errFile, hint);
    try {
      ready.get(START_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
      fail("the daemon did not print " + readyWhen + " (" + e + "); alive: " + process.isAlive()
          + "\nstdout:\n" + daemon.stdout() + "\nstderr:\n" + daemon.stderr());
    }
    return daemon;
  }

  String stdout() {
    synchronized (out) {
      return out.toString();
    }
  }

  String stderr() {
    try {
      return Files.readString(errFile);
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  /**
   * Distinct ports free on the loopback interface now, never the dev mode's own. Every probe stays open
   * until all are chosen: a probe closed early lets the system hand the same port out again.
   */
  static int[] freePorts(int count) throws IOException {
    List<ServerSocket> probes = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        probes.add(probe);
        ports[i] = probe.getLocalPort();
        assertTrue(ports[i] != DaemonCommand.DEV_IMAP_PORT && ports[i] != 1025 && ports[i] != 12345,
            "tests never take dev ports");
      }
      return ports;
    } finally {
      for (ServerSocket probe : probes) {
        probe.close();
      }
    }
  }

  /** The launcher at the repository's top: the property failsafe sets, else next to this module. */
  static Path launcher() {
    String configured = System.getProperty("tern.launcher");
    Path launcher = (configured != null ? Path.of(configured) : Path.of("..", "tern")).toAbsolutePath().normalize();
    assertTrue(Files.isExecutable(launcher), "launcher missing: " + launcher);
    return launcher;
  }
}
