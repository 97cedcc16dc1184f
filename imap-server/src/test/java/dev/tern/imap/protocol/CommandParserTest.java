package dev.tern.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.imap.protocol.Command.ListReturn;
import dev.tern.imap.protocol.Command.ListSelect;
import dev.tern.imap.protocol.Command.StoreMode;
import dev.tern.imap.protocol.FetchAttribute.BodySection;
import dev.tern.imap.protocol.FetchAttribute.Partial;
import dev.tern.imap.protocol.FetchAttribute.Section;
import dev.tern.imap.protocol.FetchAttribute.SectionText;
import dev.tern.imap.protocol.FetchAttribute.Simple;
import dev.tern.imap.protocol.SearchKey.And;
import dev.tern.imap.protocol.SearchKey.Comparison;
import dev.tern.imap.protocol.SearchKey.HasFlag;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {

  static ParseResult parse(String line) {
    return CommandParser.MUTF7.parse((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  static ParseError error(String line) {
    return assertInstanceOf(ParseError.class, parse(line), line);
  }

  private static MailboxArg mb(String name) {
    return new MailboxArg(name);
  }

  @Test
  void simpleCommands() {
    assertEquals(new Command.Capability("a1"), parse("a1 CAPABILITY"));
    assertEquals(new Command.Noop("a2"), parse("a2 noop"));
    assertEquals(new Command.Logout("a3"), parse("a3 LOGOUT"));
    assertEquals(new Command.StartTls("a4"), parse("a4 STARTTLS"));
    assertEquals(new Command.Check("a5"), parse("a5 CHECK"));
    assertEquals(new Command.Close("a6"), parse("a6 CLOSE"));
    assertEquals(new Command.Unselect("a7"), parse("a7 UNSELECT"));
    assertEquals(new Command.Expunge("a8", null), parse("a8 EXPUNGE"));
    assertEquals(new Command.Idle("a9"), parse("a9 IDLE"));
    assertEquals(new Command.Namespace("b1"), parse("b1 NAMESPACE"));
  }

  @Test
  void tagsMayContainOddCharacters() {
    assertEquals(new Command.Noop("A.1]x"), parse("A.1]x NOOP"));
    assertEquals("+", error("+ NOOP").text().isEmpty() ? "" : "+");
    assertNull(error("+ NOOP").tag());
    assertNull(error("").tag());
  }

  @Test
  void authenticateWithAndWithoutInitialResponse() {
    assertEquals(new Command.Authenticate("a", "PLAIN", null), parse("a AUTHENTICATE plain"));
    assertEquals(new Command.Authenticate("a", "PLAIN", "AGFsaWNlAGh1bnRlcjI="),
        parse("a AUTHENTICATE PLAIN AGFsaWNlAGh1bnRlcjI="));
    assertEquals(new Command.Authenticate("a", "PLAIN", ""), parse("a AUTHENTICATE PLAIN ="));
    assertEquals("a", error("a AUTHENTICATE PLAIN ab$c").tag());
  }

  @Test
  void loginWithAtomsQuotedStringsAndLiterals() {
    assertEquals(new Command.Login("a", "alice", "hunter2"), parse("a LOGIN alice hunter2"));
    assertEquals(new Command.Login("a", "al\"ice", "hu nter\\2"), parse("a LOGIN \"al\\\"ice\" \"hu nter\\\\2\""));
    assertEquals(new Command.Login("a", "alice@example.tld", "p\u00e4ss"),
        CommandParser.MUTF7.parse("a LOGIN \"alice@example.tld\" {5}\r\np\u00e4ss\r\n".getBytes(StandardCharsets.UTF_8)));
    assertFalse(new Command.Login("a", "u", "secret").toString().contains("secret"));
    assertEquals("a", error("a LOGIN alice").tag());
    assertEquals("a", error("a LOGIN \"unterminated").tag());
  }

  @Test
  void selectAndExamineWithCondstoreAndQresync() {
    assertEquals(new Command.Select("a", mb("INBOX"), false, false, null), parse("a SELECT inbox"));
    assertEquals(new Command.Select("a", mb("Sent"), true, false, null), parse("a EXAMINE \"Sent\""));
    assertEquals(new Command.Select("a", mb("INBOX"), false, true, null), parse("a SELECT INBOX (CONDSTORE)"));
    Command.Select q = assertInstanceOf(Command.Select.class,
        parse("a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1:10 5:50)))"));
    assertEquals(67890007L, q.qresync().uidValidity());
    assertEquals(20050715194045000L, q.qresync().modSeq());
    assertEquals("41,43:211,214:541", q.qresync().knownUids().toString());
    assertEquals("5:50", q.qresync().knownSequenceUids().toString());
    Command.Select q2 = assertInstanceOf(Command.Select.class, parse("a SELECT INBOX (QRESYNC (1 2))"));
    assertNull(q2.qresync().knownUids());
    assertEquals("a", error("a SELECT INBOX (FOO)").tag());
  }

  @Test
  void mailboxNamesAreDecodedFromModifiedUtf7() {
    assertEquals(new Command.Create("a", mb("Entw\u00fcrfe"), List.of()), parse("a CREATE Entw&APw-rfe"));
    assertEquals(new Command.Delete("a", mb("A&B")), parse("a DELETE A&-B"));
    assertEquals(new Command.Delete("a", mb("INBOX")), parse("a DELETE InBoX"));
    assertTrue(error("a DELETE Entw&APw").text().contains("UTF-7"));
    assertEquals(new Command.Delete("a", mb("Entw\u00fcrfe")),
        CommandParser.UTF8.parse("a DELETE Entw\u00fcrfe\r\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void createWithSpecialUse() {
    assertEquals(new Command.Create("a", mb("Sent Items"), List.of("\\Sent")),
        parse("a CREATE \"Sent Items\" (USE (\\sent))"));
    assertEquals(new Command.Create("a", mb("Mailspring.Snoozed"), List.of()), parse("a CREATE \"Mailspring.Snoozed\""));
  }

  @Test
  void renameSubscribeUnsubscribe() {
    assertEquals(new Command.Rename("a", mb("Old"), mb("New Name")), parse("a RENAME Old \"New Name\""));
    assertEquals(new Command.Subscribe("a", mb("Dataset")), parse("a SUBSCRIBE \"Dataset\""));
    assertEquals(new Command.Unsubscribe("a", mb("Dataset")), parse("a UNSUBSCRIBE Dataset"));
  }

  @Test
  void basicAndExtendedList() {
    assertEquals(new Command.ListMailboxes("a", "", List.of("*"), Set.of(), Set.of(), List.of()), parse("a LIST \"\" *"));
    assertEquals(new Command.ListMailboxes("a", "INBOX.", List.of("%"), Set.of(), Set.of(), List.of()),
        parse("a LIST \"INBOX.\" %"));
    assertEquals(new Command.ListMailboxes("a", "", List.of("*"), Set.of(), Set.of(ListReturn.STATUS),
        List.of(StatusItem.UNSEEN)), parse("a LIST \"\" \"*\" RETURN (STATUS (UNSEEN))"));
    assertEquals(new Command.ListMailboxes("a", "", List.of("INBOX", "Drafts/%"),
            Set.of(ListSelect.SUBSCRIBED, ListSelect.RECURSIVEMATCH),
            Set.of(ListReturn.CHILDREN, ListReturn.SPECIAL_USE, ListReturn.SUBSCRIBED), List.of()),
        parse("a LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (INBOX \"Drafts/%\") RETURN (CHILDREN SPECIAL-USE SUBSCRIBED)"));
    assertEquals(Set.of(ListSelect.SPECIAL_USE), ((Command.ListMailboxes) parse("a LIST (SPECIAL-USE) \"\" *")).selection());
    assertEquals(Set.of(), ((Command.ListMailboxes) parse("a LIST () \"\" *")).selection());
    assertEquals("a", error("a LIST (RECURSIVEMATCH) \"\" *").tag());
    assertEquals("a", error("a LIST (BOGUS) \"\" *").tag());
    assertEquals(new Command.Lsub("a", "", "*"), parse("a LSUB \"\" \"*\""));
  }

  @Test
  void status() {
    assertEquals(new Command.Status("a", mb("INBOX"), List.of(StatusItem.UNSEEN, StatusItem.MESSAGES, StatusItem.RECENT,
            StatusItem.UIDNEXT, StatusItem.UIDVALIDITY, StatusItem.HIGHESTMODSEQ)),
        parse("a STATUS INBOX (UNSEEN MESSAGES RECENT UIDNEXT UIDVALIDITY HIGHESTMODSEQ)"));
    assertEquals("a", error("a STATUS INBOX (BOGUS)").tag());
    assertEquals("a", error("a STATUS INBOX ()").tag());
  }

  @Test
  void appendPrefixEndsAtTheMessageLiteral() {
    assertEquals(new Command.Append("a", mb("Sent"), List.of(Flag.SEEN), null, 310, false),
        CommandParser.MUTF7.parse("a APPEND Sent (\\Seen) {310}".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(new Command.Append("a", mb("Sent"), List.of(Flag.SEEN, Flag.DRAFT),
            OffsetDateTime.of(2024, 2, 14, 14, 12, 35, 0, ZoneOffset.ofHours(1)), 5, false),
        CommandParser.MUTF7.parse("a APPEND \"Sent\" (\\seen \\Draft) \"14-Feb-2024 14:12:35 +0100\" {5+}"
            .getBytes(StandardCharsets.US_ASCII)));
    assertEquals(new Command.Append("a", mb("INBOX"), List.of(), null, 3, true),
        CommandParser.MUTF7.parse("a APPEND INBOX ~{3}".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(new Command.Append("a", mb("Drafts"), List.of(), OffsetDateTime.of(2024, 2, 7, 9, 0, 0, 0,
            ZoneOffset.ofHoursMinutes(-5, -30)), 3, false),
        CommandParser.MUTF7.parse("a APPEND {6+}\r\nDrafts \" 7-Feb-2024 09:00:00 -0530\" {3}"
            .getBytes(StandardCharsets.US_ASCII)));
    assertEquals("a", error("a APPEND INBOX \"31-Feb-2024 00:00:00 +0000\" {3}").tag());
  }

  @Test
  void uidExpunge() {
    assertEquals(new Command.Expunge("a", SequenceSet.parse("3:5,9")), parse("a UID EXPUNGE 3:5,9"));
    assertEquals("a", error("a UID EXPUNGE").tag());
  }

  @Test
  void searchKeysBuildATree() {
    Command.Search s = assertInstanceOf(Command.Search.class, parse("a SEARCH SINCE 7-Feb-2024 ALL"));
    assertEquals(new And(List.of(new SearchKey.Date(false, Comparison.SINCE, LocalDate.of(2024, 2, 7)),
        new SearchKey.All())), s.key());
    assertEquals(new Command.Search("a", true, null, new And(List.of(
            new SearchKey.Sequence(SequenceSet.parse("1:*")), new SearchKey.Not(new HasFlag(Flag.DELETED, true))))),
        parse("a UID SEARCH 1:* NOT DELETED"));
    assertEquals(new Command.Search("a", true, null, new And(List.of(
            new SearchKey.Header("Message-ID", "<x@y>"), new HasFlag(Flag.DELETED, false)))),
        parse("a UID SEARCH HEADER Message-ID <x@y> UNDELETED"));
    Command.Search all = assertInstanceOf(Command.Search.class, parse(
        "a SEARCH CHARSET utf-8 OR (ANSWERED FLAGGED) NOT (DRAFT SEEN) BCC b CC c FROM f TO t SUBJECT \"s s\" BODY b"
            + " TEXT t KEYWORD $Junk UNKEYWORD NonJunk NEW OLD RECENT UNANSWERED UNDRAFT UNFLAGGED UNSEEN"
            + " BEFORE \"1-Jan-2020\" ON 2-Jan-2020 SENTBEFORE 3-Jan-2020 SENTON 4-Jan-2020 SENTSINCE 5-Jan-2020"
            + " LARGER 100 SMALLER 2000 UID 1:5 2,4:* MODSEQ 620162338 MODSEQ \"/flags/\\\\draft\" all 620162338"));
    assertEquals("UTF-8", all.charset());
    List<SearchKey> keys = ((And) all.key()).keys();
    assertEquals(new SearchKey.Or(new And(List.of(new HasFlag(Flag.ANSWERED, true), new HasFlag(Flag.FLAGGED, true))),
        new SearchKey.Not(new And(List.of(new HasFlag(Flag.DRAFT, true), new HasFlag(Flag.SEEN, true))))), keys.get(0));
    assertEquals(new SearchKey.Header("BCC", "b"), keys.get(1));
    assertEquals(new SearchKey.Header("SUBJECT", "s s"), keys.get(5));
    assertEquals(new HasFlag(new Flag("$Junk"), true), keys.get(8));
    assertEquals(new HasFlag(new Flag("NonJunk"), false), keys.get(9));
    assertEquals(new SearchKey.Date(true, Comparison.SINCE, LocalDate.of(2020, 1, 5)), keys.get(21));
    assertEquals(new SearchKey.Size(true, 100), keys.get(22));
    assertEquals(new SearchKey.Uid(SequenceSet.parse("1:5")), keys.get(24));
    assertEquals(new SearchKey.Sequence(SequenceSet.parse("2,4:*")), keys.get(25));
    assertEquals(new SearchKey.ModSeq(620162338), keys.get(27));
    assertEquals(28, keys.size());
  }

  @Test
  void searchWithAnUnknownCharsetIsNoBadCharset() {
    ParseError e = error("a SEARCH CHARSET ISO-8859-1 SUBJECT x");
    assertEquals(ParseError.Status.NO, e.status());
    assertEquals(ResponseCode.BadCharset.UTF8_US_ASCII, e.code());
    assertEquals("a", e.tag());
    assertEquals(ParseError.Status.BAD, error("a SEARCH BOGUS").status());
    assertEquals(ParseError.Status.BAD, error("a SEARCH SINCE 7-Foo-2024").status());
    assertEquals(ParseError.Status.BAD, error("a SEARCH (ALL").status());
  }

  @Test
  void searchNestingIsBounded() {
    assertEquals("a", error("a SEARCH " + "NOT ".repeat(10_000) + "ALL").tag());
    assertEquals("a", error("a SEARCH " + "(".repeat(10_000) + "ALL" + ")".repeat(10_000)).tag());
  }

  @Test
  void fetchMacrosAndAttributes() {
    assertEquals(List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE, Simple.ENVELOPE),
        ((Command.Fetch) parse("a FETCH 1 ALL")).attributes());
    assertEquals(List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE),
        ((Command.Fetch) parse("a FETCH 1 fast")).attributes());
    assertEquals(List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE, Simple.ENVELOPE, Simple.BODY),
        ((Command.Fetch) parse("a FETCH 1 FULL")).attributes());
    assertEquals(List.of(Simple.UID), ((Command.Fetch) parse("a FETCH 1 UID")).attributes());
    Command.Fetch f = assertInstanceOf(Command.Fetch.class, parse("a UID FETCH 1:*,7 (ENVELOPE FLAGS INTERNALDATE RFC822"
        + " RFC822.HEADER RFC822.SIZE RFC822.TEXT BODY BODYSTRUCTURE UID MODSEQ BODY[] BODY.PEEK[HEADER]"
        + " BODY[HEADER.FIELDS (DATE From)] BODY.PEEK[HEADER.FIELDS.NOT (X-Spam)] BODY[TEXT]<0.2048> BODY[1.2.3]"
        + " BODY[1.MIME] BODY[2.HEADER] BODY[3.TEXT]<10.20> BODY[4.HEADER.FIELDS (To)])"));
    assertTrue(f.uid());
    assertEquals("1:*,7", f.set().toString());
    assertEquals(List.of(Simple.ENVELOPE, Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822, Simple.RFC822_HEADER,
        Simple.RFC822_SIZE, Simple.RFC822_TEXT, Simple.BODY, Simple.BODYSTRUCTURE, Simple.UID, Simple.MODSEQ,
        new BodySection(Section.WHOLE, false, null),
        new BodySection(new Section(List.of(), SectionText.HEADER, List.of()), true, null),
        new BodySection(new Section(List.of(), SectionText.HEADER_FIELDS, List.of("DATE", "From")), false, null),
        new BodySection(new Section(List.of(), SectionText.HEADER_FIELDS_NOT, List.of("X-Spam")), true, null),
        new BodySection(new Section(List.of(), SectionText.TEXT, List.of()), false, new Partial(0, 2048)),
        new BodySection(new Section(List.of(1, 2, 3), SectionText.NONE, List.of()), false, null),
        new BodySection(new Section(List.of(1), SectionText.MIME, List.of()), false, null),
        new BodySection(new Section(List.of(2), SectionText.HEADER, List.of()), false, null),
        new BodySection(new Section(List.of(3), SectionText.TEXT, List.of()), false, new Partial(10, 20)),
        new BodySection(new Section(List.of(4), SectionText.HEADER_FIELDS, List.of("To")), false, null)),
        f.attributes());
  }

  @Test
  void fetchModifiers() {
    Command.Fetch f = assertInstanceOf(Command.Fetch.class, parse("a UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 22)"));
    assertEquals(22, f.changedSince());
    assertFalse(f.vanished());
    Command.Fetch v = assertInstanceOf(Command.Fetch.class, parse("a UID FETCH 1:* FLAGS (CHANGEDSINCE 5 VANISHED)"));
    assertTrue(v.vanished());
    assertEquals(-1, ((Command.Fetch) parse("a FETCH 1 FLAGS")).changedSince());
    assertEquals("a", error("a FETCH 1:2 (FLAGS) (VANISHED)").tag());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a FETCH 1 BODY[MIME]", "a FETCH 1 BODY[0]", "a FETCH 1 BODY[HEADER.FIELDS]",
      "a FETCH 1 BODY.PEEK", "a FETCH 1 BODY[TEXT]<1>", "a FETCH 1 BODY[TEXT]<1.0>", "a FETCH 0 FLAGS",
      "a FETCH 1:2:3 FLAGS", "a FETCH 1 (FLAGS", "a FETCH 1 FOO", "a FETCH 1 ()", "a FETCH 4294967296 FLAGS",
      "a FETCH 1 BODY[1.BOGUS]", "a FETCH 1 FLAGS (CHANGEDSINCE)"})
  void malformedFetchIsBad(String line) {
    ParseError e = error(line);
    assertEquals("a", e.tag());
    assertEquals(ParseError.Status.BAD, e.status());
  }

  @Test
  void store() {
    assertEquals(new Command.Store("a", true, SequenceSet.parse("60:62"), StoreMode.ADD, false,
        List.of(Flag.DELETED, Flag.SEEN), -1), parse("a UID STORE 60:62 +FLAGS (\\Deleted \\Seen)"));
    assertEquals(new Command.Store("a", false, SequenceSet.parse("2"), StoreMode.REMOVE, true,
        List.of(new Flag("NonJunk")), -1), parse("a STORE 2 -FLAGS.SILENT NonJunk"));
    assertEquals(new Command.Store("a", false, SequenceSet.parse("2"), StoreMode.REPLACE, false,
        List.of(), -1), parse("a STORE 2 FLAGS ()"));
    assertEquals(new Command.Store("a", false, SequenceSet.parse("1:*"), StoreMode.ADD, false,
        List.of(Flag.SEEN, Flag.FLAGGED), 320162338), parse("a STORE 1:* (UNCHANGEDSINCE 320162338) +FLAGS \\Seen \\flagged"));
    assertEquals("a", error("a STORE 1 +FLAGS (\\*)").tag());
    assertEquals("a", error("a STORE 1 XFLAGS (\\Seen)").tag());
  }

  @Test
  void copyMove() {
    assertEquals(new Command.Copy("a", false, SequenceSet.parse("2:4"), mb("Trash")), parse("a COPY 2:4 Trash"));
    assertEquals(new Command.Move("a", true, SequenceSet.parse("29"), mb("Dataset")), parse("a UID MOVE 29 \"Dataset\""));
    assertEquals("a", error("a UID BOGUS 1").tag());
  }

  @Test
  void enableAndId() {
    assertEquals(new Command.Enable("a", List.of("CONDSTORE", "UTF8=ACCEPT")), parse("a ENABLE condstore UTF8=ACCEPT"));
    assertEquals("a", error("a ENABLE").tag());
    assertEquals(new Command.Id("a", null), parse("a ID NIL"));
    Command.Id id = assertInstanceOf(Command.Id.class, parse("a ID (\"name\" \"Thunderbird\" \"version\" NIL)"));
    Map<String, String> params = id.parameters();
    assertEquals("Thunderbird", params.get("name"));
    assertTrue(params.containsKey("version"));
    assertNull(params.get("version"));
  }

  @Test
  void unknownCommandsAndTrailingGarbageAreBad() {
    ParseError e = error("a XYZZY");
    assertEquals("a", e.tag());
    assertEquals(ParseError.Status.BAD, e.status());
    assertEquals("a", error("a NOOP extra").tag());
    assertEquals("a", error("a  NOOP").tag());
    assertEquals("a", error("a").tag());
    assertNull(error(" NOOP").tag());
  }
}
