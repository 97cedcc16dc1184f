package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's dev-mode command as a user runs it: the repository's {@code ./tern --dev daemon}
 * launcher in a fresh working directory (so {@code ./tern-data} lands there), on free ports
 * through {@code TERN_DEV_IMAP_PORT} and {@code TERN_DEV_LMTP_PORT}, driven by Python's
 * {@code imaplib}; then SIGTERM, and a second start that still has the mail and takes the printed
 * LMTP one-liner ({@code smtplib}). Runs in {@code verify} (failsafe), after the jar is built.
 */
class DevModeIT {

  /** A first start may build the jar (the launcher does when sources are newer). */
  private static final long START_SECONDS = 180;
  private static final long STOP_SECONDS = 10;
  private static final long PYTHON_SECONDS = 60;

  /** Logs in, lists, appends a message, selects INBOX and fetches it back; or, with "again", finds it. */
  private static final String IMAPLIB_SCRIPT = """
      import imaplib, sys
      port, mode = int(sys.argv[1]), sys.argv[2]
      message = (b"From: Bob <bob@example.tld>\\r\\nTo: alice@example.tld\\r\\nSubject: smoke test\\r\\n"
                 b"Message-ID: <imaplib-smoke@example.tld>\\r\\n\\r\\nHello from imaplib.\\r\\n")
      m = imaplib.IMAP4("127.0.0.1", port)
      typ, data = m.login("alice", "hunter2")
      assert typ == "OK", (typ, data)
      typ, boxes = m.list()
      assert typ == "OK", (typ, boxes)
      names = sorted(b.decode().rsplit(" ", 1)[-1].strip('"') for b in boxes)
      print("LIST", " ".join(names))
      assert "INBOX" in names, names
      if mode == "first":
          typ, data = m.append("INBOX", r"(\\Flagged)", None, message)
          assert typ == "OK", (typ, data)
          print("APPEND", data[0].decode())
      typ, data = m.select("INBOX")
      assert typ == "OK", (typ, data)
      print("EXISTS", int(data[0]))
      assert int(data[0]) == 1, data
      typ, data = m.search(None, "SUBJECT", '"smoke test"')
      assert typ == "OK" and data[0] == b"1", (typ, data)
      typ, data = m.fetch("1", "(FLAGS BODY.PEEK[])")
      assert typ == "OK", (typ, data)
      assert data[0][1] == message, data
      assert b"\\\\Flagged" in data[0][0], data
      print("FETCH", len(data[0][1]), "bytes, flags", data[0][0].decode().split("FLAGS ", 1)[1].split(")")[0] + ")")
      typ, data = m.logout()
      assert typ == "BYE", (typ, data)
      print("LOGOUT ok")
      """;

  @TempDir Path workingDirectory;
  @TempDir Path outputs;
  private final List<Process> started = new ArrayList<>();
  private int port;
  private int lmtpPort;

  @BeforeEach
  void choosePorts() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket lmtpProbe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
      lmtpPort = lmtpProbe.getLocalPort();
    }
    assertNotEquals(DaemonCommand.DEV_IMAP_PORT, port, "tests never take the dev port");
    assertNotEquals(DaemonCommand.DEV_LMTP_PORT, lmtpPort, "tests never take the dev port");
  }

  @AfterEach
  void stopWhatIsLeft() {
    for (Process process : started) {
      process.destroyForcibly();
    }
  }

  @Test
  void imaplibTalksToTheDevDaemonAndTheMailSurvivesARestart() throws Exception {
    Assumptions.assumeTrue(onPath("python3"), "python3 not installed: skipping the imaplib smoke test");

    Daemon first = startDaemon();
    assertTrue(first.stdout().contains("tern: development mode, data in " + workingDirectory.resolve("tern-data")),
        first.stdout());
    String hint = first.hint().get(STOP_SECONDS, TimeUnit.SECONDS);
    String hinted = run(List.of("bash", "-c", hint.substring("tern: try ".length()).trim()), null);
    assertTrue(hinted.contains("('OK', [b'") && hinted.contains("INBOX"), "the printed python3 hint: " + hinted);

    String output = python("first");
    System.out.println("imaplib, first start:\n" + output);
    assertTrue(output.contains("LIST Archive Drafts INBOX Junk Sent Trash"), output);
    assertTrue(output.contains("APPEND [APPENDUID "), output);
    assertTrue(output.contains("EXISTS 1"), output);
    assertTrue(output.contains("LOGOUT ok"), output);
    assertTrue(Files.isDirectory(workingDirectory.resolve("tern-data")), "./tern-data in the working directory");

    // SIGTERM: a connected client gets BYE, and the daemon is gone within a few seconds.
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
      client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(STOP_SECONDS));
      BufferedReader lines = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
      assertTrue(lines.readLine().startsWith("* OK"), "greeting");
      long stopping = System.nanoTime();
      first.process().destroy();
      assertTrue(first.process().waitFor(STOP_SECONDS, TimeUnit.SECONDS),
          "the daemon did not stop within " + STOP_SECONDS + " s of SIGTERM");
      long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
      List<String> afterTerm = new ArrayList<>();
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        afterTerm.add(line);
      }
      assertTrue(afterTerm.stream().anyMatch(line -> line.startsWith("* BYE")), "no BYE on SIGTERM: " + afterTerm);
      int exit = first.process().exitValue();
      assertTrue(exit == 0 || exit == 128 + 15, "exit code after SIGTERM: " + exit + "\n" + first.stderr());
      System.out.println("dev daemon stopped " + stopMillis + " ms after SIGTERM, exit code " + exit);
    }

    Daemon second = startDaemon();
    String again = python("again");
    System.out.println("imaplib, after the restart:\n" + again);
    assertTrue(again.contains("EXISTS 1"), "the message survived the restart: " + again);
    assertTrue(again.contains("FETCH "), again);
    String lmtpHint = second.lmtpHint().get(STOP_SECONDS, TimeUnit.SECONDS);
    assertTrue(lmtpHint.startsWith("tern: LMTP on 127.0.0.1:" + lmtpPort + " "), lmtpHint);
    String delivered = run(List.of("bash", "-c", lmtpHint.substring(lmtpHint.indexOf(":  ") + 3).trim()), null);
    assertEquals("{}", delivered.trim(), "the printed smtplib one-liner delivers (no recipient refused)");
    second.process().destroy();
    assertTrue(second.process().waitFor(STOP_SECONDS, TimeUnit.SECONDS), "second daemon did not stop");
  }

  // ---- the daemon ----

  /** A running launcher; {@code hint} completes with the "tern: try ..." line, {@code lmtpHint} with "LMTP on". */
  private record Daemon(Process process, StringBuilder out, Path errFile, CompletableFuture<String> hint,
      CompletableFuture<String> lmtpHint) {
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
  }

  /** Starts {@code <repository>/tern --dev daemon} and waits for its "IMAP on" line. */
  private Daemon startDaemon() throws Exception {
    Path launcher = launcher();
    Path errFile = Files.createTempFile(outputs, "tern-daemon-", ".stderr");
    ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--dev", "daemon")
        .directory(workingDirectory.toFile())
        .redirectError(errFile.toFile());
    builder.environment().put("TERN_DEV_IMAP_PORT", Integer.toString(port));
    builder.environment().put("TERN_DEV_LMTP_PORT", Integer.toString(lmtpPort));
    Process process = builder.start();
    started.add(process);
    process.getOutputStream().close();
    StringBuilder out = new StringBuilder();
    CompletableFuture<String> listening = new CompletableFuture<>();
    CompletableFuture<String> hint = new CompletableFuture<>();
    CompletableFuture<String> lmtpHint = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader reader = process.inputReader(StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          synchronized (out) {
            out.append(line).append('\n');
          }
          if (line.contains("IMAP on ")) {
            listening.complete(line);
          } else if (line.startsWith("tern: try ")) {
            hint.complete(line);
          } else if (line.startsWith("tern: LMTP on ")) {
            lmtpHint.complete(line);
          }
        }
        listening.completeExceptionally(new IOException("stdout closed"));
        hint.completeExceptionally(new IOException("stdout closed without a try-this line"));
        lmtpHint.completeExceptionally(new IOException("stdout closed without an LMTP line"));
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
    });
    Daemon daemon = new Daemon(process, out, errFile, hint, lmtpHint);
    String line;
    try {
      line = listening.get(START_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      fail("no 'IMAP on' line (" + e + "); alive: " + process.isAlive() + "\nstdout:\n" + daemon.stdout()
          + "\nstderr:\n" + daemon.stderr());
      throw e;
    }
    assertTrue(line.contains("IMAP on 127.0.0.1:" + port + " "), line);
    return daemon;
  }

  /** The launcher at the repository's top: the property failsafe sets, else next to this module. */
  private static Path launcher() {
    String configured = System.getProperty("tern.launcher");
    Path launcher = (configured != null ? Path.of(configured) : Path.of("..", "tern")).toAbsolutePath().normalize();
    assertTrue(Files.isExecutable(launcher), "launcher missing: " + launcher);
    return launcher;
  }

  // ---- python ----

  private String python(String mode) throws Exception {
    return run(List.of("python3", "-", Integer.toString(port), mode), IMAPLIB_SCRIPT);
  }

  /** Runs a command with this stdin, returns stdout and stderr together; fails unless it exits 0. */
  private String run(List<String> command, String stdin) throws Exception {
    Path output = Files.createTempFile(outputs, "client-", ".out");
    Process process = new ProcessBuilder(command)
        .directory(workingDirectory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    started.add(process);
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!process.waitFor(PYTHON_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(command + " did not finish in " + PYTHON_SECONDS + " s: " + Files.readString(output));
    }
    String text = Files.readString(output);
    Files.delete(output);
    assertEquals(0, process.exitValue(), () -> command + " failed:\n" + text);
    return text;
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }
}
