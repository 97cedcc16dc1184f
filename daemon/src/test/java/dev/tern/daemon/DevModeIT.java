package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's dev-mode command as a user runs it: the repository's {@code ./tern --dev daemon}
 * launcher in a fresh working directory (so {@code ./tern-data} lands there), on free ports
 * through {@code TERN_DEV_IMAP_PORT}, {@code TERN_DEV_LMTP_PORT} and {@code TERN_DEV_AUTH_PORT},
 * driven by Python's {@code imaplib} (and one SMTP-AUTH-style request on the auth socket); then
 * SIGTERM, and a second start that still has the mail and takes the printed LMTP one-liner
 * ({@code smtplib}). Runs in {@code verify} (failsafe), after the jar is built.
 */
class DevModeIT {

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

  /** What Postfix sends: the handshake, then an unsecured AUTH PLAIN (dev mode allows plaintext). */
  private static final String AUTH_SCRIPT = """
      import base64, socket, sys
      s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
      resp = base64.b64encode(b"\\0alice\\0hunter2").decode()
      s.sendall(("VERSION\\t1\\t1\\nCPID\\t4242\\nAUTH\\t1\\tPLAIN\\tservice=smtp\\tnologin\\tresp=%s\\n" % resp).encode())
      lines = s.makefile("r", encoding="utf-8")
      for line in lines:
          if line.startswith(("OK\\t", "FAIL\\t")):
              print("AUTH", line.strip().replace("\\t", " "))
              break
      """;

  /** What IMAP shows of the mail the LMTP one-liner delivered: the trace headers LMTP added. */
  private static final String DELIVERED_SCRIPT = """
      import imaplib, sys
      m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
      m.login("alice", "hunter2")
      typ, data = m.select("INBOX")
      print("EXISTS", int(data[0]))
      typ, data = m.fetch(data[0].decode(), "(BODY.PEEK[HEADER.FIELDS (RETURN-PATH DELIVERED-TO SUBJECT)])")
      print(data[0][1].decode().strip().replace("\\r\\n", " | "))
      m.logout()
      """;

  @TempDir Path workingDirectory;
  @TempDir Path outputs;
  private final List<Process> started = new ArrayList<>();
  private int port;
  private int authPort;
  private int lmtpPort;

  @BeforeEach
  void choosePorts() throws IOException {
    int[] ports = DevDaemon.freePorts(3);
    port = ports[0];
    authPort = ports[1];
    lmtpPort = ports[2];
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

    DevDaemon first = startDaemon();
    assertTrue(first.stdout().contains("tern: development mode, data in " + workingDirectory.resolve("tern-data")),
        first.stdout());
    String hint = first.hint().get(STOP_SECONDS, TimeUnit.SECONDS);
    String hinted = run(List.of("bash", "-c", hint.substring("tern: try ".length()).trim()), null);
    assertTrue(hinted.contains("('OK', [b'") && hinted.contains("INBOX"), "the printed python3 hint: " + hinted);

    String authLine = first.stdout().lines().filter(l -> l.startsWith("tern: auth socket")).findFirst().orElseThrow();
    assertTrue(authLine.contains("smtpd_sasl_path = inet:127.0.0.1:" + authPort + ")"), authLine);
    String auth = run(List.of("python3", "-", Integer.toString(authPort)), AUTH_SCRIPT);
    assertEquals("AUTH OK 1 user=alice\n", auth, "the dev auth socket");

    String output = python("first");
    System.out.println("imaplib, first start:\n" + output);
    assertTrue(output.contains("LIST Archive Drafts INBOX Junk Sent Trash"), output);
    assertTrue(output.contains("APPEND [APPENDUID "), output);
    assertTrue(output.contains("EXISTS 1"), output);
    assertTrue(output.contains("LOGOUT ok"), output);
    assertTrue(Files.isDirectory(workingDirectory.resolve("tern-data")), "./tern-data in the working directory");

    // The pid file names the daemon; `tern --dev reload` signals it, and SIGHUP does not stop it.
    Path pidFile = workingDirectory.resolve("tern-data/tern.pid");
    assertEquals(first.process().pid(), Long.parseLong(Files.readString(pidFile).trim()), "the pid file");
    String reloaded = run(List.of(DevDaemon.launcher().toString(), "--dev", "reload"), null);
    assertTrue(reloaded.contains("tern: asked the daemon (pid " + first.process().pid() + ") to reload"), reloaded);
    String afterReload = python("again");
    assertTrue(afterReload.contains("EXISTS 1") && first.process().isAlive(), "serving after SIGHUP: " + afterReload);

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
      assertFalse(Files.exists(pidFile), "a graceful stop removes the pid file");
    }

    DevDaemon second = startDaemon();
    String again = python("again");
    System.out.println("imaplib, after the restart:\n" + again);
    assertTrue(again.contains("EXISTS 1"), "the message survived the restart: " + again);
    assertTrue(again.contains("FETCH "), again);
    String lmtpHint = second.stdout().lines().filter(l -> l.startsWith("tern: LMTP on ")).findFirst().orElseThrow();
    assertTrue(lmtpHint.startsWith("tern: LMTP on 127.0.0.1:" + lmtpPort + " "), lmtpHint);
    String delivered = run(List.of("bash", "-c", lmtpHint.substring(lmtpHint.indexOf(":  ") + 3).trim()), null);
    assertEquals("{}", delivered.trim(), "the printed smtplib one-liner delivers (no recipient refused)");
    String seen = run(List.of("python3", "-", Integer.toString(port)), DELIVERED_SCRIPT);
    assertEquals("EXISTS 2\nReturn-Path: <bob@example.tld> | Delivered-To: alice@example.tld | Subject: hello\n", seen,
        "IMAP sees the delivered mail with the headers LMTP added");
    second.process().destroy();
    assertTrue(second.process().waitFor(STOP_SECONDS, TimeUnit.SECONDS), "second daemon did not stop");
  }

  // ---- the daemon ----

  private DevDaemon startDaemon() throws Exception {
    DevDaemon daemon = DevDaemon.start(workingDirectory, outputs,
        Map.of("TERN_DEV_IMAP_PORT", port, "TERN_DEV_AUTH_PORT", authPort, "TERN_DEV_LMTP_PORT", lmtpPort),
        List.of("IMAP on 127.0.0.1:" + port + " ", "tern: auth socket", "tern: LMTP on "));
    started.add(daemon.process());
    return daemon;
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
