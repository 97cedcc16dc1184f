package dev.tern.lmtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a recipient finds in INBOX, read back the way IMAP reads it (login, file the incoming
 * queue, open the blob): the message as sent, after Dovecot-style trace headers written for that
 * recipient, byte for byte.
 */
class DeliveryTest {

  private static final Pattern SAVED = Pattern.compile("250 2\\.0\\.0 <([^>]+)> (\\S+) Saved");

  /** Dot-stuffed on the wire, binary-ish and 8-bit content, a last line that is a lone dot. */
  private static final byte[] MESSAGE = ("From: Sender <sender@example.org>\r\n"
      + "To: alice@example.tld, bob+news@example.tld\r\n"
      + "Subject: =?UTF-8?Q?d=C3=A9j=C3=A0?= vu\r\n"
      + "Message-ID: <delivery-test@example.org>\r\n"
      + "\r\n"
      + ".leading dot\r\n"
      + "..two dots\r\n"
      + "caf\u00e9 in UTF-8, a tab\there\r\n"
      + ".\r\n"
      + "\r\n").getBytes(StandardCharsets.UTF_8);

  @Test
  void eachRecipientGetsTheMessageAfterItsOwnTraceHeaders() {
    try (TestServer server = new TestServer(); LmtpClient client = server.connect()) {
      client.command("LHLO client.example");
      client.send("MAIL FROM:<sender@example.org> BODY=8BITMIME SIZE=" + MESSAGE.length)
          .send("RCPT TO:<alice@example.tld>")
          .send("RCPT TO:<bob+news@Example.TLD>")
          .send("DATA");
      assertEquals("250 2.1.0 OK", client.readLine());
      assertEquals("250 2.1.5 OK", client.readLine());
      assertEquals("250 2.1.5 OK", client.readLine());
      assertEquals("354 OK", client.readLine());
      client.sendRaw(LmtpClient.dotStuffed(MESSAGE));
      Matcher alice = saved(client.readLine());
      Matcher bob = saved(client.readLine());
      assertEquals("alice@example.tld", alice.group(1));
      assertEquals("bob+news@Example.TLD", bob.group(1));
      String transaction = alice.group(2); // the first recipient's id is the transaction's
      assertEquals(transaction + ":R2", bob.group(2));
      assertTrue(transaction.matches("[A-Za-z0-9+/]{22}"), "a Dovecot-style id: " + transaction);

      assertInbox(server, "alice", expected("sender@example.org", "alice@example.tld", transaction, false));
      assertInbox(server, "bob", expected("sender@example.org", "bob+news@Example.TLD", transaction, false));
      assertEquals(List.of(), server.spills(), "the spill file is gone");
    }
  }

  @Test
  void theNullSenderAndSmtpUtf8AndANameThatIsNoDomainAreWrittenAsDovecotWritesThem() {
    try (TestServer server = new TestServer(); LmtpClient client = server.connect()) {
      client.command("LHLO not..a.domain");
      assertEquals("250 2.1.0 OK", client.command("MAIL FROM:<> SMTPUTF8"));
      assertEquals("250 2.1.5 OK", client.command("RCPT TO:<dave@example.tld>"));
      assertEquals("354 OK", client.command("DATA"));
      client.sendRaw(LmtpClient.dotStuffed(MESSAGE));
      Matcher dave = saved(client.readLine());
      byte[] headers = ("Return-Path: <>\r\n"
          + "Delivered-To: dave@example.tld\r\n"
          + "Received: from unknown ([127.0.0.1])\r\n"
          + "\tby tern.test with UTF8LMTP\r\n"
          + "\tid " + dave.group(2) + "\r\n"
          + "\t(envelope-from <>)\r\n"
          + "\tfor <dave@example.tld>; " + TestServer.DATE + "\r\n").getBytes(StandardCharsets.UTF_8);
      assertInbox(server, "dave", concat(headers, MESSAGE));
    }
  }

  /** The trace headers of the reference Dovecot's one-recipient delivery, written out independently. */
  private static byte[] expected(String sender, String recipient, String transaction, boolean utf8) {
    String headers = "Return-Path: <" + sender + ">\r\n"
        + "Delivered-To: " + recipient + "\r\n"
        + "Received: from client.example ([127.0.0.1])\r\n"
        + "\tby tern.test with " + (utf8 ? "UTF8LMTP" : "LMTP") + "\r\n"
        + "\tid " + transaction + "\r\n"
        + "\t(envelope-from <" + sender + ">)\r\n"
        + "\tfor <" + recipient + ">; " + TestServer.DATE + "\r\n";
    return concat(headers.getBytes(StandardCharsets.UTF_8), MESSAGE);
  }

  private static void assertInbox(TestServer server, String login, byte[] expected) {
    List<byte[]> inbox = server.inbox(login);
    assertEquals(1, inbox.size(), login + "'s INBOX");
    assertArrayEquals(expected, inbox.get(0), () -> login + " got\n" + new String(inbox.get(0), StandardCharsets.UTF_8)
        + "\nexpected\n" + new String(expected, StandardCharsets.UTF_8));
  }

  private static Matcher saved(String reply) {
    Matcher matcher = SAVED.matcher(reply);
    assertTrue(matcher.matches(), reply);
    return matcher;
  }

  static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
