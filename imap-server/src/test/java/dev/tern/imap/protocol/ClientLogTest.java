package dev.tern.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tern.imap.protocol.FetchAttribute.BodySection;
import dev.tern.imap.protocol.FetchAttribute.Partial;
import dev.tern.imap.protocol.FetchAttribute.Section;
import dev.tern.imap.protocol.FetchAttribute.SectionText;
import dev.tern.imap.protocol.FetchAttribute.Simple;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every command in {@code ../shared/data/imap_commands_dataset.log} (what Thunderbird, Apple Mail,
 * Outlook, Mailspring… sent to Aerogramme, as imap-codec's debug notation) is turned back into
 * wire form, sent through the frame decoder and parser, and must give the record the log
 * describes.
 */
class ClientLogTest {

  @Test
  void everyLoggedClientCommandParsesToTheRightRecord() throws IOException {
    Path log = sharedData().resolve("imap_commands_dataset.log");
    Assumptions.assumeTrue(Files.isRegularFile(log), "../shared/data not present, skipping the real client log");
    List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
    List<String> failures = new ArrayList<>();
    int parsed = 0;
    int n = 0;
    for (String line : lines) {
      String tag = "t" + (++n);
      Expected expected;
      try {
        expected = translate(tag, new DebugReader(line).command());
      } catch (RuntimeException e) {
        failures.add("cannot translate: " + line + " (" + e + ")");
        continue;
      }
      ParseResult result = decodeAndParse(expected.wire());
      if (result.equals(expected.command())) {
        parsed++;
      } else {
        failures.add(expected.wire().trim() + "\n   expected " + expected.command() + "\n   got      " + result);
      }
    }
    System.out.println("real client log: " + parsed + " of " + lines.size() + " commands parse to the expected record");
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + lines.size() + " logged commands failed:\n" + String.join("\n", failures));
    }
  }

  static Path sharedData() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    return dir == null ? Path.of("/nonexistent") : dir.resolveSibling("shared").resolve("data");
  }

  private static ParseResult decodeAndParse(String wire) {
    EmbeddedChannel channel = new EmbeddedChannel(new ImapFrameDecoder());
    channel.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.UTF_8));
    ImapFrame frame = channel.readInbound();
    ParseResult result = switch (frame) {
      case ImapFrame.CommandBytes c -> CommandParser.MUTF7.parse(c.bytes());
      case ImapFrame.AppendStart a -> {
        ImapFrame chunk = channel.readInbound();
        ((ImapFrame.AppendChunk) chunk).release();
        assertInstanceOf(ImapFrame.AppendEnd.class, channel.readInbound());
        yield CommandParser.MUTF7.parse(a.prefix());
      }
      default -> throw new AssertionError("unexpected frame " + frame);
    };
    channel.finishAndReleaseAll();
    return result;
  }

  record Expected(String wire, Command command) {}

  // ---- imap-codec debug notation: Name, Name(args), Name { field: value }, [items]+, "text", 12, (a, b) ----

  record Node(String name, List<Node> args, Map<String, Node> fields) {
    Node arg(int i) {
      return args.get(i);
    }

    Node field(String f) {
      Node v = fields.get(f);
      if (v == null) {
        throw new IllegalArgumentException("no field " + f + " in " + name);
      }
      return v;
    }

    boolean is(String n) {
      return name.equals(n);
    }
  }

  static final class DebugReader {
    private final String s;
    private int p;

    DebugReader(String s) {
      this.s = s;
    }

    Node command() {
      return value();
    }

    private void ws() {
      while (p < s.length() && s.charAt(p) == ' ') {
        p++;
      }
    }

    private Node value() {
      ws();
      char c = s.charAt(p);
      if (c == '[') {
        p++;
        List<Node> items = items(']');
        if (p < s.length() && s.charAt(p) == '+') {
          p++;
        }
        return new Node("[]", items, Map.of());
      }
      if (c == '(') {
        p++;
        return new Node("()", items(')'), Map.of());
      }
      if (c == '"') {
        StringBuilder sb = new StringBuilder();
        p++;
        while (s.charAt(p) != '"') {
          if (s.charAt(p) == '\\') {
            p++;
          }
          sb.append(s.charAt(p++));
        }
        p++;
        return new Node("\"", List.of(new Node(sb.toString(), List.of(), Map.of())), Map.of());
      }
      if (s.startsWith("/* REDACTED */", p)) {
        p += "/* REDACTED */".length();
        return new Node("REDACTED", List.of(), Map.of());
      }
      int start = p;
      while (p < s.length() && " ,()[]{}".indexOf(s.charAt(p)) < 0) {
        p++;
      }
      String name = s.substring(start, p);
      if (p < s.length() && s.charAt(p) == '(') {
        p++;
        return new Node(name, items(')'), Map.of());
      }
      if (s.startsWith(" {", p)) {
        p += 2;
        Map<String, Node> fields = new LinkedHashMap<>();
        while (true) {
          ws();
          if (s.charAt(p) == '}') {
            p++;
            break;
          }
          int colon = s.indexOf(": ", p);
          String field = s.substring(p, colon);
          p = colon + 2;
          fields.put(field, value());
          ws();
          if (s.charAt(p) == ',') {
            p++;
          }
        }
        return new Node(name, List.of(), fields);
      }
      return new Node(name, List.of(), Map.of());
    }

    private List<Node> items(char close) {
      List<Node> items = new ArrayList<>();
      ws();
      while (s.charAt(p) != close) {
        items.add(value());
        ws();
        if (s.charAt(p) == ',') {
          p++;
        }
        ws();
      }
      p++;
      return items;
    }
  }

  // ---- translation to wire form and to the record the parser should give ----

  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
      "Nov", "Dec"};

  private static Expected translate(String tag, Node c) {
    String t = tag + " ";
    return switch (c.name()) {
      case "Capability" -> new Expected(t + "CAPABILITY\r\n", new Command.Capability(tag));
      case "Check" -> new Expected(t + "CHECK\r\n", new Command.Check(tag));
      case "Close" -> new Expected(t + "CLOSE\r\n", new Command.Close(tag));
      case "Idle" -> new Expected(t + "IDLE\r\n", new Command.Idle(tag));
      case "Logout" -> new Expected(t + "LOGOUT\r\n", new Command.Logout(tag));
      case "Noop" -> new Expected(t + "NOOP\r\n", new Command.Noop(tag));
      case "Unselect" -> new Expected(t + "UNSELECT\r\n", new Command.Unselect(tag));
      case "Expunge" -> new Expected(t + "EXPUNGE\r\n", new Command.Expunge(tag, null));
      case "Create" -> {
        String[] m = mailbox(c.field("mailbox"));
        yield new Expected(t + "CREATE " + m[0] + "\r\n", new Command.Create(tag, new MailboxArg(m[1]), List.of()));
      }
      case "Subscribe" -> {
        String[] m = mailbox(c.field("mailbox"));
        yield new Expected(t + "SUBSCRIBE " + m[0] + "\r\n", new Command.Subscribe(tag, new MailboxArg(m[1])));
      }
      case "Select", "Examine" -> {
        String[] m = mailbox(c.field("mailbox"));
        boolean condStore = !c.field("modifiers").args().isEmpty();
        yield new Expected(t + c.name().toUpperCase(Locale.ROOT) + " " + m[0] + (condStore ? " (CONDSTORE)" : "") + "\r\n",
            new Command.Select(tag, new MailboxArg(m[1]), c.is("Examine"), condStore, null));
      }
      case "Status" -> {
        String[] m = mailbox(c.field("mailbox"));
        List<StatusItem> items = c.field("item_names").args().stream()
            .map(i -> StatusItem.valueOf(i.name().toUpperCase(Locale.ROOT))).toList();
        yield new Expected(t + "STATUS " + m[0] + " (" + String.join(" ", items.stream().map(Enum::name).toList()) + ")\r\n",
            new Command.Status(tag, new MailboxArg(m[1]), items));
      }
      case "Login" -> {
        String[] user = astring(c.field("username"));
        yield new Expected(t + "LOGIN " + user[0] + " \"hunter 2\"\r\n", new Command.Login(tag, user[1], "hunter 2"));
      }
      case "Enable" -> {
        List<String> caps = c.field("capabilities").args().stream()
            .map(n -> n.is("CondStore") ? "CONDSTORE" : n.is("Utf8") ? "UTF8=ACCEPT" : n.name().toUpperCase(Locale.ROOT))
            .toList();
        yield new Expected(t + "ENABLE " + String.join(" ", caps) + "\r\n", new Command.Enable(tag, caps));
      }
      case "Move" -> {
        String set = sequenceSet(c.field("sequence_set"));
        String[] m = mailbox(c.field("mailbox"));
        boolean uid = c.field("uid").is("true");
        yield new Expected(t + (uid ? "UID " : "") + "MOVE " + set + " " + m[0] + "\r\n",
            new Command.Move(tag, uid, SequenceSet.parse(set), new MailboxArg(m[1])));
      }
      case "List", "Lsub" -> {
        String[] reference = mailbox(c.field("reference"));
        Node w = c.field("mailbox_wildcard");
        String[] pattern = w.is("Token") ? new String[] {text(w.arg(0).arg(0)), text(w.arg(0).arg(0))} : astring(w);
        if (c.is("Lsub")) {
          yield new Expected(t + "LSUB " + reference[0] + " " + pattern[0] + "\r\n",
              new Command.Lsub(tag, reference[1], pattern[1]));
        }
        List<StatusItem> status = new ArrayList<>();
        StringBuilder ret = new StringBuilder();
        for (Node option : c.field("return").args()) {
          if (!option.is("Status")) {
            throw new IllegalArgumentException("return option " + option.name());
          }
          option.arg(0).args().forEach(i -> status.add(StatusItem.valueOf(i.name().toUpperCase(Locale.ROOT))));
          ret.append(" RETURN (STATUS (").append(String.join(" ", status.stream().map(Enum::name).toList())).append("))");
        }
        yield new Expected(t + "LIST " + reference[0] + " " + pattern[0] + ret + "\r\n",
            new Command.ListMailboxes(tag, reference[1], List.of(pattern[1]), Set.of(),
                status.isEmpty() ? Set.of() : Set.of(Command.ListReturn.STATUS), status));
      }
      case "Store" -> {
        String set = sequenceSet(c.field("sequence_set"));
        boolean uid = c.field("uid").is("true");
        Command.StoreMode mode = switch (c.field("kind").name()) {
          case "Add" -> Command.StoreMode.ADD;
          case "Remove" -> Command.StoreMode.REMOVE;
          default -> Command.StoreMode.REPLACE;
        };
        boolean silent = c.field("response").is("Silent");
        List<Flag> flags = c.field("flags").args().stream().map(ClientLogTest::flag).toList();
        String wire = t + (uid ? "UID " : "") + "STORE " + set + " " + (mode == Command.StoreMode.ADD ? "+"
            : mode == Command.StoreMode.REMOVE ? "-" : "") + "FLAGS" + (silent ? ".SILENT" : "") + " ("
            + String.join(" ", flags.stream().map(Flag::name).toList()) + ")\r\n";
        yield new Expected(wire, new Command.Store(tag, uid, SequenceSet.parse(set), mode, silent, flags, -1));
      }
      case "Append" -> {
        String[] m = mailbox(c.field("mailbox"));
        List<Flag> flags = c.field("flags").args().stream().map(ClientLogTest::flag).toList();
        Node date = c.field("date");
        OffsetDateTime time = date.is("Some") ? OffsetDateTime.parse(date.arg(0).name()) : null;
        String message = "Subject: hi\r\n\r\nhello\r\n";
        String wire = t + "APPEND " + m[0] + " (" + String.join(" ", flags.stream().map(Flag::name).toList()) + ")"
            + (time == null ? "" : " \"" + ImapDates.formatDateTime(time) + "\"") + " {" + message.length() + "+}\r\n"
            + message + "\r\n";
        yield new Expected(wire, new Command.Append(tag, new MailboxArg(m[1]), flags, time, message.length(), false));
      }
      case "Search" -> {
        boolean uid = c.field("uid").is("true");
        Node criteria = c.field("criteria");
        List<String> wire = new ArrayList<>();
        SearchKey key;
        if (criteria.is("And")) {
          List<SearchKey> keys = new ArrayList<>();
          for (Node k : criteria.arg(0).args()) {
            wire.add(searchWire(k));
            keys.add(searchKey(k));
          }
          key = new SearchKey.And(keys);
        } else {
          wire.add(searchWire(criteria));
          key = searchKey(criteria);
        }
        yield new Expected(t + (uid ? "UID " : "") + "SEARCH " + String.join(" ", wire) + "\r\n",
            new Command.Search(tag, uid, null, key));
      }
      case "Fetch" -> {
        boolean uid = c.field("uid").is("true");
        String set = sequenceSet(c.field("sequence_set"));
        List<String> wire = new ArrayList<>();
        List<FetchAttribute> attributes = new ArrayList<>();
        for (Node item : c.field("macro_or_item_names").arg(0).args()) {
          fetchItem(item, wire, attributes);
        }
        long changedSince = -1;
        String modifiers = "";
        for (Node modifier : c.field("modifiers").args()) {
          changedSince = Long.parseLong(modifier.arg(0).name());
          modifiers = " (CHANGEDSINCE " + changedSince + ")";
        }
        yield new Expected(t + (uid ? "UID " : "") + "FETCH " + set + " (" + String.join(" ", wire) + ")" + modifiers + "\r\n",
            new Command.Fetch(tag, uid, SequenceSet.parse(set), attributes, changedSince, false));
      }
      default -> throw new IllegalArgumentException("unknown command " + c.name());
    };
  }

  private static void fetchItem(Node item, List<String> wire, List<FetchAttribute> attributes) {
    Simple simple = switch (item.name()) {
      case "Uid" -> Simple.UID;
      case "Flags" -> Simple.FLAGS;
      case "Envelope" -> Simple.ENVELOPE;
      case "InternalDate" -> Simple.INTERNALDATE;
      case "Rfc822Size" -> Simple.RFC822_SIZE;
      case "Rfc822Header" -> Simple.RFC822_HEADER;
      case "Rfc822" -> Simple.RFC822;
      case "Rfc822Text" -> Simple.RFC822_TEXT;
      case "BodyStructure" -> Simple.BODYSTRUCTURE;
      case "Body" -> Simple.BODY;
      case "ModSeq" -> Simple.MODSEQ;
      default -> null;
    };
    if (simple != null) {
      wire.add(simple.wireName());
      attributes.add(simple);
      return;
    }
    if (!item.is("BodyExt")) {
      throw new IllegalArgumentException("fetch item " + item.name());
    }
    boolean peek = item.field("peek").is("true");
    Node sectionNode = item.field("section");
    Section section = Section.WHOLE;
    String spec = "";
    if (sectionNode.is("Some")) {
      Node s = sectionNode.arg(0);
      List<Integer> part = new ArrayList<>();
      Node partNode = s.is("Part") ? s.arg(0) : s.arg(0).is("Some") ? s.arg(0).arg(0) : null;
      if (partNode != null) {
        partNode.arg(0).args().forEach(n -> part.add(Integer.parseInt(n.name())));
      }
      String prefix = String.join(".", part.stream().map(String::valueOf).toList());
      String dot = prefix.isEmpty() ? "" : prefix + ".";
      switch (s.name()) {
        case "Part" -> {
          spec = prefix;
          section = new Section(part, SectionText.NONE, List.of());
        }
        case "Header" -> {
          spec = dot + "HEADER";
          section = new Section(part, SectionText.HEADER, List.of());
        }
        case "Text" -> {
          spec = dot + "TEXT";
          section = new Section(part, SectionText.TEXT, List.of());
        }
        case "Mime" -> {
          spec = dot + "MIME";
          section = new Section(part, SectionText.MIME, List.of());
        }
        case "HeaderFields", "HeaderFieldsNot" -> {
          List<String[]> fields = s.arg(1).args().stream().map(ClientLogTest::astring).toList();
          boolean not = s.is("HeaderFieldsNot");
          spec = dot + (not ? "HEADER.FIELDS.NOT" : "HEADER.FIELDS") + " ("
              + String.join(" ", fields.stream().map(f -> f[0]).toList()) + ")";
          section = new Section(part, not ? SectionText.HEADER_FIELDS_NOT : SectionText.HEADER_FIELDS,
              fields.stream().map(f -> f[1]).toList());
        }
        default -> throw new IllegalArgumentException("section " + s.name());
      }
    }
    Partial partial = null;
    String partialWire = "";
    Node partialNode = item.field("partial");
    if (partialNode.is("Some")) {
      Node pair = partialNode.arg(0);
      partial = new Partial(Long.parseLong(pair.arg(0).name()), Long.parseLong(pair.arg(1).name()));
      partialWire = "<" + partial.start() + "." + partial.count() + ">";
    }
    wire.add((peek ? "BODY.PEEK[" : "BODY[") + spec + "]" + partialWire);
    attributes.add(new BodySection(section, peek, partial));
  }

  private static String searchWire(Node k) {
    return switch (k.name()) {
      case "SequenceSet" -> sequenceSet(k.arg(0));
      case "Uid" -> "UID " + sequenceSet(k.arg(0));
      case "Not" -> "NOT " + searchWire(k.arg(0));
      case "And" -> "(" + String.join(" ", k.arg(0).args().stream().map(ClientLogTest::searchWire).toList()) + ")";
      case "Or" -> "OR " + searchWire(k.arg(0)) + " " + searchWire(k.arg(1));
      case "Since", "Before", "On", "SentSince", "SentBefore", "SentOn" -> k.name().toUpperCase(Locale.ROOT) + " "
          + imapDate(LocalDate.parse(k.arg(0).name()));
      case "Header" -> "HEADER " + astring(k.arg(0))[0] + " " + astring(k.arg(1))[0];
      case "Subject", "From", "To", "Cc", "Bcc", "Body", "Text" -> k.name().toUpperCase(Locale.ROOT) + " "
          + astring(k.arg(0))[0];
      default -> k.name().toUpperCase(Locale.ROOT);
    };
  }

  private static SearchKey searchKey(Node k) {
    return switch (k.name()) {
      case "SequenceSet" -> new SearchKey.Sequence(SequenceSet.parse(sequenceSet(k.arg(0))));
      case "Uid" -> new SearchKey.Uid(SequenceSet.parse(sequenceSet(k.arg(0))));
      case "Not" -> new SearchKey.Not(searchKey(k.arg(0)));
      case "And" -> new SearchKey.And(k.arg(0).args().stream().map(ClientLogTest::searchKey).toList());
      case "Or" -> new SearchKey.Or(searchKey(k.arg(0)), searchKey(k.arg(1)));
      case "Since", "Before", "On", "SentSince", "SentBefore", "SentOn" -> new SearchKey.Date(k.name().startsWith("Sent"),
          SearchKey.Comparison.valueOf(k.name().replace("Sent", "").toUpperCase(Locale.ROOT)),
          LocalDate.parse(k.arg(0).name()));
      case "Header" -> new SearchKey.Header(astring(k.arg(0))[1], astring(k.arg(1))[1]);
      case "Subject", "From", "To", "Cc", "Bcc" -> new SearchKey.Header(k.name().toUpperCase(Locale.ROOT), astring(k.arg(0))[1]);
      case "All" -> new SearchKey.All();
      case "Deleted" -> new SearchKey.HasFlag(Flag.DELETED, true);
      case "Undeleted" -> new SearchKey.HasFlag(Flag.DELETED, false);
      case "Seen" -> new SearchKey.HasFlag(Flag.SEEN, true);
      case "Unseen" -> new SearchKey.HasFlag(Flag.SEEN, false);
      case "Flagged" -> new SearchKey.HasFlag(Flag.FLAGGED, true);
      case "Unflagged" -> new SearchKey.HasFlag(Flag.FLAGGED, false);
      case "Answered" -> new SearchKey.HasFlag(Flag.ANSWERED, true);
      case "Unanswered" -> new SearchKey.HasFlag(Flag.ANSWERED, false);
      default -> throw new IllegalArgumentException("search key " + k.name());
    };
  }

  private static String imapDate(LocalDate d) {
    return d.getDayOfMonth() + "-" + MONTHS[d.getMonthValue() - 1] + "-" + d.getYear();
  }

  private static Flag flag(Node f) {
    return f.is("Keyword") ? Flag.of(text(f.arg(0).arg(0))) : Flag.of("\\" + f.name());
  }

  private static String sequenceSet(Node n) {
    List<String> parts = new ArrayList<>();
    for (Node r : n.arg(0).args()) {
      parts.add(r.is("Single") ? seqValue(r.arg(0)) : seqValue(r.arg(0)) + ":" + seqValue(r.arg(1)));
    }
    return String.join(",", parts);
  }

  private static String seqValue(Node v) {
    return v.is("Asterisk") ? "*" : v.arg(0).name();
  }

  /** {wire, value} of a Mailbox node. */
  private static String[] mailbox(Node m) {
    if (m.is("Inbox")) {
      return new String[] {"INBOX", "INBOX"};
    }
    return astring(m.arg(0).arg(0));
  }

  /** {wire, value} of an AString node: Atom(AtomExt("x")) or String(Quoted(Quoted("x"))). */
  private static String[] astring(Node a) {
    if (a.is("Atom")) {
      String v = text(a.arg(0).arg(0));
      return new String[] {v, v};
    }
    if (a.is("String")) {
      String v = text(a.arg(0).arg(0).arg(0));
      return new String[] {"\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"", v};
    }
    throw new IllegalArgumentException("astring " + a.name());
  }

  private static String text(Node quoted) {
    if (!quoted.is("\"")) {
      throw new IllegalArgumentException("expected a string, got " + quoted.name());
    }
    return quoted.arg(0).name();
  }
}
