package dev.tern.bench.vs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What real clients sent, read from {@code ../shared/data}: how often each command came
 * ({@code imap_commands_summary.csv}, the "Raw" rows) and the distinct forms of FETCH, SEARCH,
 * STATUS, STORE, SELECT, LIST and ENABLE ({@code imap_commands_dataset.log}, a parser's debug dump
 * of each distinct command), translated back to IMAP. Sequence sets and modseqs are kept as
 * shapes, to be mapped onto the mailbox a load client has selected.
 */
final class Dataset {

  enum Verb {
    APPEND, CAPABILITY, CHECK, CLOSE, ENABLE, EXAMINE, EXPUNGE, FETCH, IDLE, LIST, LOGIN, LOGOUT, LSUB, MOVE,
    NOOP, SEARCH, SELECT, STATUS, STORE, UNSELECT
  }

  /** A sequence-set part as the client sent it: {@code to == STAR} for {@code *}, {@code from == STAR} too. */
  record SetPart(long from, long to) {
    static final long STAR = -1;
  }

  record FetchForm(boolean uid, List<SetPart> set, boolean changedSince, String items) {}

  record StoreForm(boolean uid, List<SetPart> set, boolean silent, String flags) {}

  record SelectForm(String mailbox, boolean condStore) {}

  record StatusForm(String mailbox, String items) {}

  final Map<Verb, Integer> weights = new EnumMap<>(Verb.class);
  final List<FetchForm> fetches = new ArrayList<>();
  final List<String> searches = new ArrayList<>();
  final List<StoreForm> stores = new ArrayList<>();
  final List<SelectForm> selects = new ArrayList<>();
  final List<StatusForm> statuses = new ArrayList<>();
  final List<String> lists = new ArrayList<>();
  final List<String> enables = new ArrayList<>();
  /** Commands in the summary this load leaves out, with their counts (see {@link #load}). */
  final Map<String, Integer> left = new LinkedHashMap<>();

  /**
   * Reads both files. LOGIN is not drawn but counted (each session starts with one, and a session
   * ends with LOGOUT, so their counts follow); CREATE and SUBSCRIBE are left out because repeating them
   * would make the mailbox list grow without end (3 of 4 630 commands each).
   */
  static Dataset load(Path data) throws IOException {
    Dataset d = new Dataset();
    for (String line : Files.readAllLines(data.resolve("imap_commands_summary.csv"), StandardCharsets.UTF_8)) {
      String[] f = line.split(",");
      if (f.length != 3 || !f[2].equals("Raw")) {
        continue;
      }
      String name = f[1].toUpperCase(Locale.ROOT);
      int count = Integer.parseInt(f[0]);
      try {
        d.weights.put(Verb.valueOf(name), count);
      } catch (IllegalArgumentException notDrawn) {
        d.left.put(name, count);
      }
    }
    for (String line : Files.readAllLines(data.resolve("imap_commands_dataset.log"), StandardCharsets.UTF_8)) {
      d.parse(line);
    }
    return d;
  }

  private static final Pattern MAILBOX = Pattern.compile(
      "mailbox: (Inbox|Other\\(MailboxOther\\((?:Atom\\(AtomExt\\(\"([^\"]*)\"\\)\\)|String\\(Quoted\\(Quoted\\(\"([^\"]*)\"\\)\\)\\))\\)\\))");

  private void parse(String line) {
    if (line.startsWith("Fetch {")) {
      fetches.add(new FetchForm(line.contains("uid: true }"), set(line), line.contains("ChangedSince("), items(line)));
    } else if (line.startsWith("Search {")) {
      searches.add((line.contains("uid: true }") ? "UID SEARCH " : "SEARCH ") + criteria(line));
    } else if (line.startsWith("Store {")) {
      stores.add(new StoreForm(line.contains("uid: true }"), set(line), line.contains("response: Silent"),
          flags(between(line, "flags: [", "]"))));
    } else if (line.startsWith("Select {")) {
      selects.add(new SelectForm(mailbox(line), line.contains("Condstore")));
    } else if (line.startsWith("Status {")) {
      statuses.add(new StatusForm(mailbox(line), statusItems(between(line, "item_names: [", "]"))));
    } else if (line.startsWith("List {")) {
      lists.add(list(line));
    } else if (line.startsWith("Enable {")) {
      enables.add(line.contains("CondStore") ? "ENABLE CONDSTORE" : "ENABLE UTF8=ACCEPT");
    }
  }

  /**
   * The dataset's mailboxes mapped onto the ones every load user has: its own folders (Dataset,
   * Mailspring, Test…) become Archive, sub-folders of INBOX become Junk.
   */
  static String mailbox(String line) {
    Matcher m = MAILBOX.matcher(line);
    if (!m.find() || m.group(1).equals("Inbox")) {
      return "INBOX";
    }
    String name = m.group(2) != null ? m.group(2) : m.group(3);
    return switch (name) {
      case "INBOX", "Sent", "Drafts", "Trash", "Archive", "Junk" -> name;
      default -> name.startsWith("INBOX.") ? "Junk" : "Archive";
    };
  }

  private static final Pattern PART = Pattern.compile("(Single|Range)\\((Value\\((\\d+)\\)|Asterisk)(?:, (Value\\((\\d+)\\)|Asterisk))?\\)");

  private static List<SetPart> set(String line) {
    List<SetPart> parts = new ArrayList<>();
    Matcher m = PART.matcher(between(line, "sequence_set: SequenceSet([", "]+)"));
    while (m.find()) {
      long from = m.group(3) != null ? Long.parseLong(m.group(3)) : SetPart.STAR;
      long to = m.group(1).equals("Single") ? from : m.group(5) != null ? Long.parseLong(m.group(5)) : SetPart.STAR;
      parts.add(new SetPart(from, to));
    }
    return parts;
  }

  private static final Pattern ATOM = Pattern.compile("AtomExt\\(\"([^\"]*)\"\\)");

  static String items(String line) {
    String list = between(line, "MessageDataItemNames([", "]), uid");
    List<String> out = new ArrayList<>();
    for (String item : topLevel(list)) {
      out.add(item(item.trim()));
    }
    return out.size() == 1 ? out.get(0) : "(" + String.join(" ", out) + ")";
  }

  private static String item(String item) {
    if (!item.startsWith("BodyExt")) {
      return switch (item) {
        case "Uid" -> "UID";
        case "Flags" -> "FLAGS";
        case "Envelope" -> "ENVELOPE";
        case "InternalDate" -> "INTERNALDATE";
        case "Rfc822Size" -> "RFC822.SIZE";
        case "Rfc822Header" -> "RFC822.HEADER";
        case "Rfc822Text" -> "RFC822.TEXT";
        case "Rfc822" -> "RFC822";
        case "ModSeq" -> "MODSEQ";
        case "BodyStructure" -> "BODYSTRUCTURE";
        case "Body" -> "BODY";
        default -> throw new IllegalArgumentException("FETCH item not known: " + item);
      };
    }
    String section;
    if (item.contains("section: None")) {
      section = "";
    } else if (item.contains("Some(Header(None))")) {
      section = "HEADER";
    } else if (item.contains("Some(Text(None))")) {
      section = "TEXT";
    } else if (item.contains("HeaderFields(")) {
      List<String> names = new ArrayList<>();
      Matcher m = ATOM.matcher(item);
      while (m.find()) {
        names.add(m.group(1));
      }
      section = "HEADER.FIELDS (" + String.join(" ", names) + ")";
    } else if (item.contains("Part(Part([")) {
      section = between(item, "Part(Part([", "]").replace(", ", ".");
    } else {
      throw new IllegalArgumentException("FETCH section not known: " + item);
    }
    String partial = "";
    Matcher p = Pattern.compile("partial: Some\\(\\((\\d+), (\\d+)\\)\\)").matcher(item);
    if (p.find()) {
      partial = "<" + p.group(1) + "." + p.group(2) + ">";
    }
    return (item.contains("peek: true") ? "BODY.PEEK[" : "BODY[") + section + "]" + partial;
  }

  private static final Pattern DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");
  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

  private static String criteria(String line) {
    String c = between(line, "criteria: ", ", uid: ");
    if (c.startsWith("And([")) {
      c = c.substring("And([".length(), c.length() - "]+)".length());
    }
    List<String> out = new ArrayList<>();
    for (String key : topLevel(c)) {
      out.add(searchKey(key.trim()));
    }
    return String.join(" ", out);
  }

  private static String searchKey(String key) {
    if (key.startsWith("SequenceSet(")) {
      StringBuilder set = new StringBuilder();
      for (SetPart p : set("sequence_set: " + key.substring("SequenceSet(".length()))) {
        set.append(set.isEmpty() ? "" : ",").append(p.from() == SetPart.STAR ? "*" : p.from());
        if (p.to() != p.from()) {
          set.append(':').append(p.to() == SetPart.STAR ? "*" : p.to());
        }
      }
      return set.toString();
    }
    if (key.startsWith("Not(")) {
      return "NOT " + searchKey(key.substring(4, key.length() - 1));
    }
    if (key.startsWith("Since(") || key.startsWith("Before(")) {
      Matcher d = DATE.matcher(key);
      d.find();
      String date = Integer.parseInt(d.group(3)) + "-" + MONTHS[Integer.parseInt(d.group(2)) - 1] + "-" + d.group(1);
      return (key.startsWith("Since(") ? "SINCE " : "BEFORE ") + date;
    }
    if (key.startsWith("Header(")) {
      Matcher m = ATOM.matcher(key);
      m.find();
      String name = m.group(1);
      m.find();
      return "HEADER " + name + " \"" + m.group(1) + "\"";
    }
    return switch (key) {
      case "All" -> "ALL";
      case "Deleted" -> "DELETED";
      case "Undeleted" -> "UNDELETED";
      case "Unseen" -> "UNSEEN";
      case "Seen" -> "SEEN";
      case "Flagged" -> "FLAGGED";
      default -> throw new IllegalArgumentException("SEARCH key not known: " + key);
    };
  }

  private static String flags(String list) {
    List<String> out = new ArrayList<>();
    for (String f : topLevel(list)) {
      f = f.trim();
      if (f.startsWith("Keyword(")) {
        out.add(between(f, "Atom(\"", "\")"));
      } else {
        out.add("\\" + f);
      }
    }
    return "(" + String.join(" ", out) + ")";
  }

  private static String statusItems(String list) {
    List<String> out = new ArrayList<>();
    for (String item : topLevel(list)) {
      out.add(switch (item.trim()) {
        case "Messages" -> "MESSAGES";
        case "Recent" -> "RECENT";
        case "UidNext" -> "UIDNEXT";
        case "UidValidity" -> "UIDVALIDITY";
        case "Unseen" -> "UNSEEN";
        case "HighestModSeq" -> "HIGHESTMODSEQ";
        default -> throw new IllegalArgumentException("STATUS item not known: " + item);
      });
    }
    return "(" + String.join(" ", out) + ")";
  }

  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  private static String list(String line) {
    Matcher m = QUOTED.matcher(line);
    m.find();
    String reference = m.group(1);
    m.find();
    String pattern = m.group(1);
    // The dataset's server used "." as its separator; these mailboxes use "/".
    reference = reference.endsWith(".") ? reference.substring(0, reference.length() - 1) + "/" : reference;
    String command = "LIST \"" + reference + "\" \"" + pattern + "\"";
    return line.contains("Status([Unseen])") ? command + " RETURN (STATUS (UNSEEN))" : command;
  }

  /** Splits a comma-separated list at depth 0 of (), [] and {}. */
  private static List<String> topLevel(String list) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '(' || c == '[' || c == '{')) {
        depth++;
      } else if (!quoted && (c == ')' || c == ']' || c == '}')) {
        depth--;
      } else if (!quoted && c == ',' && depth == 0) {
        parts.add(list.substring(start, i));
        start = i + 1;
      }
    }
    if (start < list.length() && !list.substring(start).isBlank()) {
      parts.add(list.substring(start));
    }
    return parts;
  }

  private static String between(String text, String open, String close) {
    int from = text.indexOf(open);
    if (from < 0) {
      throw new IllegalArgumentException("no " + open + " in " + text);
    }
    from += open.length();
    int to = text.indexOf(close, from);
    return text.substring(from, to < 0 ? text.length() : to);
  }
}
