package dev.tern.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real LMTP clients against the real wiring: Python's {@code smtplib.LMTP} and {@code swaks
 * --protocol LMTP}; each skips, saying so, when its program is not installed.
 */
class RealClientsTest {

  private static final long SECONDS = 60;

  /**
   * One recipient through {@code send_message}; then a two-recipient transaction by hand, since
   * smtplib reads only one reply after DATA and LMTP sends one per recipient (RFC 2033 4.2).
   */
  private static final String SMTPLIB_SCRIPT = """
      import smtplib, sys
      from email.message import EmailMessage
      port = int(sys.argv[1])
      msg = EmailMessage()
      msg["From"] = "sender@example.org"
      msg["To"] = "alice@example.tld"
      msg["Subject"] = "from smtplib"
      msg["Message-ID"] = "<smtplib-1@example.org>"
      msg.set_content("Hello from smtplib.\\n.a line starting with a dot\\n")
      lmtp = smtplib.LMTP("127.0.0.1", port)
      code, text = lmtp.ehlo("python.example")
      assert code == 250 and b"PIPELINING" in text, (code, text)
      refused = lmtp.send_message(msg, "sender@example.org", ["alice@example.tld"])
      print("send_message refused", refused)
      code, _ = lmtp.mail("sender@example.org")
      assert code == 250
      for rcpt in ("alice@example.tld", "nobody@example.tld", "bob@example.tld"):
          print("RCPT", rcpt, lmtp.rcpt(rcpt)[0])
      code, text = lmtp.data(b"Subject: two recipients\\r\\nMessage-ID: <smtplib-2@example.org>\\r\\n\\r\\nHi both.\\r\\n")
      print("DATA reply 1", code, text.decode())
      code, text = lmtp.getreply()
      print("DATA reply 2", code, text.decode())
      lmtp.quit()
      print("done")
      """;

  @TempDir Path scratch;

  @Test
  void pythonSmtplibDelivers() throws Exception {
    Assumptions.assumeTrue(onPath("python3"), "python3 not installed: skipping the smtplib.LMTP test");
    try (TestServer server = new TestServer()) {
      String output = run(List.of("python3", "-", Integer.toString(server.address.getPort())), SMTPLIB_SCRIPT);
      System.out.println("smtplib.LMTP:\n" + output);
      assertTrue(output.contains("send_message refused {}"), output);
      assertTrue(output.contains("RCPT nobody@example.tld 550"), output);
      assertTrue(output.contains("DATA reply 1 250 2.0.0 <alice@example.tld> "), output);
      assertTrue(output.contains("DATA reply 2 250 2.0.0 <bob@example.tld> "), output);
      assertTrue(output.contains("done"), output);
      List<String> alice = texts(server.inbox("alice"));
      assertEquals(2, alice.size());
      assertTrue(alice.get(0).contains("Message-ID: <smtplib-1@example.org>"), alice.get(0));
      assertTrue(alice.get(0).contains("\r\n.a line starting with a dot\r\n"), "unstuffed: " + alice.get(0));
      assertTrue(alice.get(0).startsWith("Return-Path: <sender@example.org>\r\nDelivered-To: alice@example.tld\r\n"
          + "Received: from python.example ([127.0.0.1])\r\n"), alice.get(0));
      assertTrue(alice.get(1).contains("Subject: two recipients"));
      List<String> bob = texts(server.inbox("bob"));
      assertEquals(1, bob.size());
      assertTrue(bob.get(0).contains("Delivered-To: bob@example.tld\r\n"), bob.get(0));
    }
  }

  @Test
  void swaksDelivers() throws Exception {
    Assumptions.assumeTrue(onPath("swaks"), "swaks not installed: skipping the swaks --protocol LMTP test");
    try (TestServer server = new TestServer()) {
      String output = run(List.of("swaks", "--server", "127.0.0.1", "--port", Integer.toString(server.address.getPort()),
          "--protocol", "LMTP", "--helo", "swaks.example", "--from", "sender@example.org",
          "--to", "alice@example.tld,dave@example.tld", "--header", "Subject: from swaks",
          "--body", "Hello from swaks."), null);
      System.out.println("swaks:\n" + output);
      assertTrue(output.contains("<-  250 2.0.0 <alice@example.tld> "), output);
      assertTrue(output.contains("<-  250 2.0.0 <dave@example.tld> "), output);
      assertTrue(output.contains("<-  221 2.0.0 Bye"), output);
      for (String login : List.of("alice", "dave")) {
        List<String> inbox = texts(server.inbox(login));
        assertEquals(1, inbox.size(), login);
        assertTrue(inbox.get(0).contains("Subject: from swaks"), inbox.get(0));
        assertTrue(inbox.get(0).contains("Delivered-To: " + login + "@example.tld\r\n"), inbox.get(0));
      }
    }
  }

  private static List<String> texts(List<byte[]> messages) {
    return messages.stream().map(m -> new String(m, StandardCharsets.UTF_8)).toList();
  }

  /** Runs a command with this stdin, returns stdout and stderr together; fails unless it exits 0. */
  private String run(List<String> command, String stdin) throws Exception {
    Path output = Files.createTempFile(scratch, "client-", ".out");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!process.waitFor(SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish in " + SECONDS + " s: " + Files.readString(output));
    }
    String text = Files.readString(output);
    assertEquals(0, process.exitValue(), () -> command + " failed:\n" + text);
    return text;
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }
}
