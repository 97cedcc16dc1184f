package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.mailbox.Account;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.Mailbox;
import dev.tern.mailbox.MailboxName;
import dev.tern.mailbox.MessageId;
import dev.tern.storage.ForwardingObjectStore;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.TransientStorageException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SessionTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String last(List<String> lines) {
    return lines.get(lines.size() - 1);
  }

  @Test
  void greetingLoginSelectAppendFetch() {
    try (ImapClient client = server.connect()) {
      assertTrue(client.greeting.startsWith("* OK [CAPABILITY IMAP4rev1"), client.greeting);
      assertTrue(last(client.command("a", "LOGIN alice wrong")).startsWith("a NO [AUTHENTICATIONFAILED]"));
      client.login();
      List<String> list = client.command("b", "LIST \"\" *");
      assertTrue(list.contains("* LIST (\\HasNoChildren \\Sent) \"/\" Sent"), list.toString());
      String message = "From: a@example.tld\r\nSubject: hi\r\n\r\nhello\r\n";
      client.send("c APPEND INBOX (\\Flagged) {" + message.length() + "}\r\n");
      assertTrue(client.readLine().startsWith("+ "));
      client.send(message + "\r\n");
      String appended = last(client.until("c"));
      assertTrue(appended.matches("c OK \\[APPENDUID \\d+ 1\\] .*"), appended);
      List<String> select = client.command("d", "SELECT INBOX");
      assertTrue(select.contains("* 1 EXISTS"), select.toString());
      assertTrue(last(select).startsWith("d OK [READ-WRITE]"), select.toString());
      List<String> fetch = client.command("e", "FETCH 1 (UID FLAGS RFC822.SIZE BODY.PEEK[])");
      assertEquals("* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent) RFC822.SIZE " + message.length()
          + " BODY[] {" + message.length() + "}\r\n" + message + ")", fetch.get(0));
      List<String> header = client.command("f", "FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)])");
      assertEquals("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {15}\r\nSubject: hi\r\n\r\n FLAGS (\\Flagged \\Seen \\Recent))",
          header.get(0));
      assertTrue(last(client.command("g", "SEARCH SUBJECT hi FLAGGED")).startsWith("g OK"));
      assertEquals("* SEARCH 1", client.command("h", "SEARCH BODY hello").get(0));
      assertEquals("* SEARCH", client.command("i", "SEARCH BODY nothere").get(0));
      assertTrue(last(client.command("j", "LOGOUT")).startsWith("j OK"));
    }
  }

  @Test
  void aMessageExpungedAndCollectedOnAnotherNodeIsAnsweredAsExpunged() throws Exception {
    try (ImapClient client = server.connect(); ImapClient setup = server.connect()) {
      setup.login();
      setup.command("a", "CREATE Elsewhere");
      for (String subject : List.of("one", "two", "three")) {
        String message = "Subject: " + subject + "\r\n\r\nbody\r\n";
        setup.send("b APPEND Elsewhere {" + message.length() + "+}\r\n" + message + "\r\n");
        assertTrue(last(setup.until("b")).startsWith("b OK"));
      }
      client.login();
      client.command("c", "SELECT Elsewhere");

      try (Accounts.Lease other = server.node().login("alice", TestServer.PASSWORD).orElseThrow()) {
        Account account = other.account();
        Mailbox mailbox = account.select(MailboxName.of("Elsewhere")).mailbox();
        MessageId one = mailbox.read(state -> state.byUid(1).message());
        MessageId two = mailbox.read(state -> state.byUid(2).message());
        mailbox.expunge(List.of(one));
        account.messages().delete(one); // what the collector does once the grace has passed
        account.messages().delete(two); // lost without an expunge: a real failure

        List<String> fetch = client.command("d", "FETCH 1,3 (RFC822.SIZE)");
        assertEquals(List.of("* 3 FETCH (RFC822.SIZE 24)", "d NO [EXPUNGEISSUED] Some of the requested messages no longer exist."),
            fetch);
        List<String> lost = client.command("e", "FETCH 2 (BODY.PEEK[])");
        assertTrue(last(lost).startsWith("e NO [SERVERBUG]"), lost.toString());
        assertEquals(1, lost.size(), "nothing half-written before the failure: " + lost);
        List<String> noop = client.command("f", "NOOP");
        assertEquals("* 1 EXPUNGE", noop.get(0));
      }
    }
  }

  @Test
  void headerSearchesReadSummariesNotBlobsAndDecodeEncodedWordsAndUtf8() {
    try (ImapClient client = server.connect()) {
      client.login();
      client.command("a", "CREATE Headers");
      List<String> messages = List.of(
          "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\nFrom: Ann <ann@example.tld>\r\n\r\none\r\n",
          "Subject: Grüße aus Köln, roh\r\nFrom: Bob <bob@example.tld>\r\n\r\ntwo\r\n",
          "Subject: folded\r\n line\r\nFrom: Cy <cy@example.tld>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\n\r\nthree\r\n");
      for (String message : messages) {
        byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        client.send("b APPEND Headers {" + bytes.length + "+}\r\n");
        client.send(bytes);
        client.send("\r\n");
        assertTrue(last(client.until("b")).startsWith("b OK"));
      }
      client.command("c", "SELECT Headers");
      MemoryObjectStore store = (MemoryObjectStore) server.store;
      long getsBefore = store.requestCount(MemoryObjectStore.Request.GET);
      byte[] koeln = "köln".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      client.send("d SEARCH CHARSET UTF-8 SUBJECT {" + koeln.length + "+}\r\n");
      client.send(koeln);
      client.send("\r\n");
      List<String> found = client.until("d");
      assertEquals("* SEARCH 1 2", found.get(0), found.toString());
      assertEquals(List.of("* SEARCH 3", "e OK Search completed."),
          client.command("e", "SEARCH SUBJECT \"folded line\" FROM cy SENTON 23-Nov-2026"));
      assertEquals(messages.size(), store.requestCount(MemoryObjectStore.Request.GET) - getsBefore,
          "one summary read per message (the second search finds them in the node's cache), no blob");
    }
  }

  @Test
  void oddLineEndsAndNulAreServedAsDovecotServesThem() {
    try (ImapClient client = server.connect()) {
      client.login();
      client.command("a", "CREATE LineEnds");
      byte[] raw = "Subject: x\nLF only\n\nbody\rbare cr\nend\u0000nul\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      client.send("b APPEND LineEnds {" + raw.length + "+}\r\n");
      client.send(raw);
      client.send("\r\n");
      assertTrue(last(client.until("b")).startsWith("b OK"));
      client.command("c", "SELECT LineEnds");
      // The reference Dovecot's answer to the same APPEND, byte for byte (0x80 read as UTF-8 here).
      assertEquals("* 1 FETCH (RFC822.SIZE 46 BODY[] {46}\r\nSubject: x\r\nLF only\r\n\r\nbody\rbare cr\r\nend\uFFFDnul\r\n"
          + " BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 23 2 NIL NIL NIL NIL))",
          client.command("d", "FETCH 1 (RFC822.SIZE BODY.PEEK[] BODYSTRUCTURE)").get(0));
      assertEquals("* 1 FETCH (BODY[TEXT]<5> {8}\r\nbare cr\r)", client.command("e", "FETCH 1 BODY.PEEK[TEXT]<5.8>").get(0));
    }
  }

  @Test
  void aRecentClaimThatCannotBeWrittenLeavesTheMessageRecent() {
    FailingOpStore store = new FailingOpStore(new MemoryObjectStore());
    try (TestServer flaky = new TestServer(store, ImapConfig.dev()); ImapClient client = flaky.connect()) {
      client.login();
      String message = "Subject: x\r\n\r\nx\r\n";
      client.send("a APPEND INBOX {" + message.length() + "+}\r\n" + message + "\r\n");
      assertTrue(last(client.until("a")).startsWith("a OK"));

      store.failing = true;
      List<String> select = client.command("b", "SELECT INBOX");
      assertTrue(select.contains("* 1 RECENT"), select.toString());
      assertTrue(last(select).startsWith("b OK [READ-WRITE]"), select.toString());
      store.failing = false;
      // Nothing was claimed, so the next session is told of it too, and claims it.
      assertTrue(client.command("c", "SELECT INBOX").contains("* 1 RECENT"));
      assertTrue(client.command("d", "SELECT INBOX").contains("* 0 RECENT"));
    }
  }

  /** A store whose mailbox logs take no op while {@link #failing}: a \Recent claim cannot be written. */
  private static final class FailingOpStore extends ForwardingObjectStore {
    volatile boolean failing;

    FailingOpStore(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public void put(ObjectKey key, InputStream data, long length) {
      if (failing && key.value().contains("/log/mbx-") && key.value().contains("/op/")) {
        throw new TransientStorageException("put of " + key + " refused by the test", null);
      }
      delegate.put(key, data, length);
    }
  }
}
