package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.imap.protocol.ImapLimits;
import dev.tern.storage.MemoryObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input and limits: clear answers, the connection stays usable, nothing read whole. */
class LimitsTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    ImapLimits limits = new ImapLimits(1024, 1024, 4096, 10_000, 4096, true);
    server = new TestServer(new MemoryObjectStore(),
        new ImapConfig(limits, Optional.empty(), false, true, Duration.ofSeconds(5), Duration.ofMillis(1),
            Duration.ofMinutes(30)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String last(List<String> lines) {
    return lines.get(lines.size() - 1);
  }

  @Test
  void anOverlongLineIsRefusedAndTheConnectionStaysUsable() {
    try (ImapClient client = server.connect()) {
      client.send("a NOOP " + "x".repeat(5000) + "\r\n");
      assertTrue(client.readResponse().contains("BAD"));
      assertEquals("b OK NOOP completed.", last(client.command("b", "NOOP")));
    }
  }

  @Test
  void anOversizedLiteralIsRefusedWithoutBeingRead() {
    try (ImapClient client = server.connect()) {
      client.login();
      client.send("a LOGIN {2000}\r\n");
      assertEquals("a NO [TOOBIG] Literal too large", client.readResponse());
      assertEquals("b OK NOOP completed.", last(client.command("b", "NOOP")));
    }
  }

  @Test
  void anOversizedAppendIsRefusedBeforeTheClientSendsIt() {
    try (ImapClient client = server.connect()) {
      client.login();
      client.send("a APPEND INBOX {20000}\r\n");
      String answer = client.readResponse();
      assertTrue(answer.startsWith("a NO [TOOBIG]"), answer);
      // A non-synchronising one is read and dropped, then refused.
      client.send("b APPEND INBOX {20000+}\r\n" + "y".repeat(20000) + "\r\n");
      assertTrue(last(client.until("b")).startsWith("b NO [TOOBIG]"));
      assertEquals("c OK NOOP completed.", last(client.command("c", "NOOP")));
      List<String> status = client.command("d", "STATUS INBOX (MESSAGES)");
      assertEquals("* STATUS INBOX (MESSAGES 0)", status.get(0));
    }
  }

  @Test
  void wrongStateAndUnknownMailboxesGetTheirCodes() {
    try (ImapClient client = server.connect()) {
      assertEquals("a BAD Log in first.", last(client.command("a", "LIST \"\" *")));
      client.login();
      assertEquals("b BAD No mailbox selected.", last(client.command("b", "FETCH 1 FLAGS")));
      assertTrue(last(client.command("c", "EXAMINE nope")).startsWith("c NO [NONEXISTENT]"));
      assertTrue(last(client.command("d", "COPY 1 INBOX")).startsWith("d BAD"));
      assertTrue(last(client.command("e", "FETCH")).startsWith("e BAD"));
    }
  }
}
