package dev.tern.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.StreamingAead;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connection's life: the spill file, store failures, a client that goes away, the idle
 * timeout, graceful shutdown, a client that sends everything at once and half-closes.
 */
class ConnectionTest {

  private static byte[] message(String subject, int bodyLines) {
    StringBuilder text = new StringBuilder("From: sender@example.org\r\nSubject: " + subject + "\r\n\r\n");
    for (int i = 0; i < bodyLines; i++) {
      text.append("line ").append(i).append(" of the secret body, with a marker: PLAINTEXT-MARKER\r\n");
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** LHLO, MAIL and the RCPTs, then DATA; returns after the 354. */
  private static void startData(LmtpClient client, String... recipients) {
    client.command("LHLO client.example");
    assertEquals("250 2.1.0 OK", client.command("MAIL FROM:<sender@example.org>"));
    for (String recipient : recipients) {
      assertEquals("250 2.1.5 OK", client.command("RCPT TO:<" + recipient + ">"));
    }
    assertEquals("354 OK", client.command("DATA"));
  }

  @Test
  void theMessageIsSpilledEncryptedAsItArrivesAndTheFileGoesAfterTheReplies() throws Exception {
    FaultyStore store = new FaultyStore();
    try (TestServer server = new TestServer(store, TestServer.standardUsers(), c -> c);
        LmtpClient client = server.connect()) {
      byte[] message = message("spilled", 5000); // ~330 kB: several stream segments
      store.close(1);
      startData(client, "alice@example.tld");
      client.sendRaw(LmtpClient.dotStuffed(message)).flush();
      store.awaitEntered(); // the delivery is sealing from the spill right now

      List<Path> spills = server.spills();
      assertEquals(1, spills.size());
      assertTrue(spills.get(0).getFileName().toString().matches("tern-lmtp-.*\\.spill"), spills.toString());
      assertEquals(StreamingAead.ciphertextLength(message.length), Files.size(spills.get(0)),
          "the whole message went through the file, encrypted");
      String onDisk = new String(Files.readAllBytes(spills.get(0)), StandardCharsets.ISO_8859_1);
      assertFalse(onDisk.contains("PLAINTEXT-MARKER"), "nothing in clear on disk");

      store.open();
      assertTrue(client.readLine().matches("250 2\\.0\\.0 <alice@example\\.tld> \\S+ Saved"));
      assertEquals(List.of(), server.spills(), "deleted once delivered");
      assertEquals(1, server.inbox("alice").size());
    }
  }

  @Test
  void aStoreFailureIsATemporaryReplyLeavesNothingAndTheNextDeliveryWorks() {
    FaultyStore store = new FaultyStore();
    try (TestServer server = new TestServer(store, TestServer.standardUsers(), c -> c);
        LmtpClient client = server.connect()) {
      store.failIncoming = true;
      startData(client, "alice@example.tld", "dave@example.tld");
      client.sendRaw(LmtpClient.dotStuffed(message("fails", 10)));
      assertEquals("451 4.3.0 <alice@example.tld> Temporary internal error", client.readLine());
      assertEquals("451 4.3.0 <dave@example.tld> Temporary internal error", client.readLine());
      assertEquals(List.of(), server.incoming("alice"));
      assertEquals(List.of(), server.incoming("dave"));
      assertEquals(List.of(), server.spills());

      store.failIncoming = false;
      assertEquals("250 2.1.0 OK", client.command("MAIL FROM:<sender@example.org>"));
      assertEquals("250 2.1.5 OK", client.command("RCPT TO:<alice@example.tld>"));
      assertEquals("354 OK", client.command("DATA"));
      client.sendRaw(LmtpClient.dotStuffed(message("works", 10)));
      assertTrue(client.readLine().startsWith("250 2.0.0 <alice@example.tld> "));
      List<byte[]> inbox = server.inbox("alice");
      assertEquals(1, inbox.size());
      assertTrue(new String(inbox.get(0), StandardCharsets.US_ASCII).contains("Subject: works"));
    }
  }

  @Test
  void aClientGoingAwayMidMessageLeavesNoSpillAndDeliversNothing() {
    try (TestServer server = new TestServer(); LmtpClient client = server.connect()) {
      startData(client, "alice@example.tld");
      byte[] message = message("cut short", 2000);
      client.sendRaw(java.util.Arrays.copyOf(message, message.length / 2));
      client.shutdownOutput();
      assertNull(client.readLine(), "the server closes once it has read to the end of the input");
      assertEquals(List.of(), server.spills());
      assertEquals(List.of(), server.incoming("alice"));
    }
  }

  @Test
  void silenceEndsTheConnectionWith421AlsoInsideTheMessage() {
    try (TestServer server = new TestServer(c -> c.withIdleTimeout(Duration.ofMillis(300)))) {
      try (LmtpClient client = server.connect()) {
        assertEquals("421 4.4.2 tern.test Disconnected for inactivity", client.readLine());
        assertNull(client.readLine());
      }
      try (LmtpClient client = server.connect()) {
        startData(client, "alice@example.tld");
        client.sendRaw("Subject: slow\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("421 4.4.2 tern.test Disconnected for inactivity", client.readLine());
        assertNull(client.readLine());
        assertEquals(List.of(), server.spills());
      }
    }
  }

  @Test
  void shutdownSaysGoodbyeToIdleClientsAndFinishesDeliveriesInFlight() throws Exception {
    FaultyStore store = new FaultyStore();
    try (TestServer server = new TestServer(store, TestServer.standardUsers(), c -> c);
        LmtpClient delivering = server.connect();
        LmtpClient idle = server.connect()) {
      idle.command("LHLO idle.example");
      store.close(1);
      startData(delivering, "alice@example.tld");
      delivering.sendRaw(LmtpClient.dotStuffed(message("in flight", 10))).flush();
      store.awaitEntered();

      Thread closing = Thread.ofVirtual().start(() -> server.server.close(Duration.ofSeconds(20)));
      assertEquals("421 4.3.2 tern.test Shutting down", idle.readLine());
      assertNull(idle.readLine());

      store.open();
      assertTrue(delivering.readLine().startsWith("250 2.0.0 <alice@example.tld> "), "the delivery finished");
      assertEquals("421 4.3.2 tern.test Shutting down", delivering.readLine());
      assertNull(delivering.readLine());
      closing.join();
      assertEquals(1, server.inbox("alice").size());
    }
  }

  @Test
  void aClientMaySendEverythingAtOnceAndHalfClose() {
    try (TestServer server = new TestServer(); LmtpClient client = server.connect()) {
      client.send("LHLO batch.example").send("MAIL FROM:<sender@example.org>").send("RCPT TO:<alice@example.tld>")
          .send("DATA").sendRaw(LmtpClient.dotStuffed(message("batch", 3))).send("QUIT");
      client.shutdownOutput();
      assertEquals(List.of("250-tern.test", "250-8BITMIME", "250-ENHANCEDSTATUSCODES", "250-PIPELINING",
          "250-SIZE " + LmtpConfig.DEFAULT_MAX_MESSAGE_SIZE, "250 SMTPUTF8"), client.readReply());
      assertEquals("250 2.1.0 OK", client.readLine());
      assertEquals("250 2.1.5 OK", client.readLine());
      assertEquals("354 OK", client.readLine());
      assertTrue(client.readLine().startsWith("250 2.0.0 <alice@example.tld> "));
      assertEquals("221 2.0.0 Bye", client.readLine());
      assertNull(client.readLine());
    }
  }
}
