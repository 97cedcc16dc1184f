package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.User;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Mail delivered on this node (as LMTP does it) reaches a session idling on INBOX by itself. */
class DeliveryTest {

  private final TestServer server = new TestServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private void deliver(String text) {
    User alice = server.accounts.users().byAddress("alice@example.tld").orElseThrow();
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    server.accounts.deliver(alice, new ByteArrayInputStream(bytes), bytes.length);
  }

  @Test
  void aDeliveryIsFiledAndPushedToAnIdleSession() {
    try (ImapClient client = server.connect()) {
      client.login();
      assertTrue(client.command("a", "SELECT INBOX").contains("* 0 EXISTS"));
      client.send("b IDLE\r\n");
      assertTrue(client.readLine().startsWith("+ "));
      String message = "From: dave@example.tld\r\nSubject: pushed\r\n\r\nhi\r\n";
      deliver(message);
      assertEquals("* 1 EXISTS", client.readLine(), "filed in the background, signalled to IDLE");
      assertEquals("* 1 RECENT", client.readLine());
      client.send("DONE\r\n");
      assertEquals("b OK Idle completed.", client.until("b").getLast());
      List<String> fetch = client.command("c", "FETCH 1 (ENVELOPE RFC822.SIZE)");
      assertTrue(fetch.get(0).contains("\"pushed\"") && fetch.get(0).contains("RFC822.SIZE " + message.length()), fetch.get(0));
    }
  }

  @Test
  void mailDeliveredBeforeLoginIsInTheInbox() {
    deliver("Subject: waiting\r\n\r\nfor you\r\n");
    deliver("Subject: second\r\n\r\nx\r\n");
    try (ImapClient client = server.connect()) {
      client.login(); // STATUS and SELECT of INBOX file what waits (or wait for a filing under way)
      assertEquals("* STATUS INBOX (MESSAGES 2)", client.command("a", "STATUS INBOX (MESSAGES)").get(0));
    }
  }

  @Test
  void anIdleSessionHearsOfMailDeliveredThroughAnotherNode() {
    ImapConfig dev = ImapConfig.dev();
    ImapConfig quickPolls = new ImapConfig(dev.limits(), dev.tls(), dev.implicitTls(), dev.plaintextLogin(),
        java.time.Duration.ofMillis(200), dev.failedLoginDelay(), dev.idleTimeout());
    try (TestServer nodeA = new TestServer(new dev.tern.storage.MemoryObjectStore(), quickPolls);
        ImapClient client = nodeA.connect()) {
      client.login();
      assertTrue(client.command("a", "SELECT INBOX").contains("* 0 EXISTS"));
      client.send("b IDLE\r\n");
      assertTrue(client.readLine().startsWith("+ "));
      Accounts nodeB = nodeA.node(); // its own clock and logs, the same store
      User alice = nodeB.users().byAddress("alice@example.tld").orElseThrow();
      byte[] message = "Subject: via B\r\n\r\nhello A\r\n".getBytes(StandardCharsets.US_ASCII);
      nodeB.deliver(alice, new ByteArrayInputStream(message), message.length); // B files it: a cleartext root
      assertEquals("* 1 EXISTS", client.readLine(), "A's IDLE poll finds B's MailAdd in the log");
    }
  }
}
