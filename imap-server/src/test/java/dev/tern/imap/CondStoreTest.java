package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.Mailbox;
import dev.tern.mailbox.MailboxName;
import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.UidIndex;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONDSTORE where a transcript cannot reach: changes made by another node on the same store, and
 * IDLE pushes. The transcript {@code 06-condstore.txt} covers the commands themselves.
 */
class CondStoreTest {

  private static final Pattern HIGHESTMODSEQ = Pattern.compile("HIGHESTMODSEQ (\\d+)");
  private static final Pattern MODSEQ = Pattern.compile("^\\* \\d+ FETCH \\(.*MODSEQ \\((\\d+)\\)");

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

  private static void append(ImapClient client, String mailbox, String subject) {
    String message = "Subject: " + subject + "\r\n\r\nbody\r\n";
    client.send("ap APPEND " + mailbox + " {" + message.length() + "+}\r\n" + message + "\r\n");
    assertTrue(last(client.until("ap")).startsWith("ap OK"));
  }

  private static long highestModSeq(List<String> lines) {
    return number(HIGHESTMODSEQ, lines);
  }

  /** The MODSEQ of the first FETCH response among {@code lines}. */
  private static long modSeq(List<String> lines) {
    return number(MODSEQ, lines);
  }

  private static long number(Pattern pattern, List<String> lines) {
    for (String line : lines) {
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        return Long.parseLong(matcher.group(1));
      }
    }
    throw new AssertionError(pattern + " not in " + lines);
  }

  @Test
  void anotherNodesFlagChangeReachesTheClientWithTheModSeqEveryNodeGivesIt() {
    try (ImapClient client = server.connect();
        Accounts.Lease other = server.node().login("alice", TestServer.PASSWORD).orElseThrow()) {
      client.login();
      client.command("a", "CREATE Remote");
      append(client, "Remote", "one");
      append(client, "Remote", "two");
      long told = highestModSeq(client.command("b", "SELECT Remote (CONDSTORE)"));

      Mailbox there = other.account().select(MailboxName.of("Remote")).mailbox();
      there.sync();
      MessageId two = there.read(state -> state.byUid(2).message());
      there.storeFlags(List.of(two), Mailbox.FlagChange.ADD, Flags.of("$Done"));
      long modSeq = there.read(state -> state.modSeqOf(two));
      long highest = there.read(UidIndex::highestModSeq);
      assertTrue(modSeq > told, modSeq + " after " + told);

      List<String> noop = client.command("c", "NOOP");
      assertEquals(List.of("* 2 FETCH (UID 2 MODSEQ (" + modSeq + ") FLAGS ($Done \\Recent))", "c OK NOOP completed."),
          noop);
      List<String> changed = client.command("d", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + told + ")");
      assertEquals(List.of("* 2 FETCH (UID 2 FLAGS ($Done \\Recent) MODSEQ (" + modSeq + "))", "d OK Fetch completed."),
          changed);
      assertEquals(highest, highestModSeq(client.command("e", "STATUS Remote (HIGHESTMODSEQ)")));
    }
  }

  @Test
  void aConditionalStoreLosesToAChangeFromAnotherNodeItsSessionHadNotSeen() {
    try (ImapClient client = server.connect();
        Accounts.Lease other = server.node().login("alice", TestServer.PASSWORD).orElseThrow()) {
      client.login();
      client.command("a", "CREATE Race");
      append(client, "Race", "one");
      client.command("b", "SELECT Race (CONDSTORE)");
      long modSeq = modSeq(client.command("c", "FETCH 1 (MODSEQ)"));

      Mailbox there = other.account().select(MailboxName.of("Race")).mailbox();
      there.sync();
      MessageId one = there.read(state -> state.byUid(1).message());
      there.storeFlags(List.of(one), Mailbox.FlagChange.ADD, Flags.of("\\Answered"));

      // The session has not synced since; the STORE must still see the other node's change.
      List<String> store = client.command("d", "UID STORE 1 (UNCHANGEDSINCE " + modSeq + ") FLAGS (\\Deleted)");
      assertTrue(last(store).startsWith("d OK [MODIFIED 1] "), store.toString());
      there.sync();
      assertEquals(Flags.of("\\Answered"), there.read(state -> state.flagsOf(one)), "left alone");
    }
  }

  @Test
  void idlePushesCarryModSeqOnlyToSessionsThatEnabledCondStore() {
    try (ImapClient plain = server.connect(); ImapClient cond = server.connect();
        ImapClient writer = server.connect()) {
      writer.login();
      writer.command("a", "CREATE Pushed");
      append(writer, "Pushed", "one");
      writer.command("b", "SELECT Pushed");
      plain.login();
      plain.command("a", "SELECT Pushed");
      cond.login();
      cond.command("a", "ENABLE CONDSTORE");
      cond.command("b", "SELECT Pushed");
      plain.send("i IDLE\r\n");
      assertTrue(plain.readLine().startsWith("+ "));
      cond.send("i IDLE\r\n");
      assertTrue(cond.readLine().startsWith("+ "));

      List<String> store = writer.command("c", "STORE 1 +FLAGS (\\Flagged)");
      assertEquals("* 1 FETCH (FLAGS (\\Flagged \\Recent))", store.get(0), "the writer did not enable CONDSTORE");
      long modSeq = modSeq(writer.command("d", "FETCH 1 (MODSEQ)"));

      assertEquals("* 1 FETCH (UID 1 MODSEQ (" + modSeq + ") FLAGS (\\Flagged))", cond.readResponse());
      assertEquals("* 1 FETCH (UID 1 FLAGS (\\Flagged))", plain.readResponse());
      cond.send("DONE\r\n");
      assertEquals(List.of("i OK Idle completed."), cond.until("i"));
      plain.send("DONE\r\n");
      assertEquals(List.of("i OK Idle completed."), plain.until("i"));
    }
  }
}
