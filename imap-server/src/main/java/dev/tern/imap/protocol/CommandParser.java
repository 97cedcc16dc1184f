package dev.tern.imap.protocol;

import dev.tern.imap.protocol.Command.ListReturn;
import dev.tern.imap.protocol.Command.ListSelect;
import dev.tern.imap.protocol.Command.StoreMode;
import dev.tern.imap.protocol.FetchAttribute.BodySection;
import dev.tern.imap.protocol.FetchAttribute.Partial;
import dev.tern.imap.protocol.FetchAttribute.Section;
import dev.tern.imap.protocol.FetchAttribute.SectionText;
import dev.tern.imap.protocol.FetchAttribute.Simple;
import dev.tern.imap.protocol.SearchKey.Comparison;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses one complete command in wire form (as {@link ImapFrame.CommandBytes} carries it: lines
 * joined by CRLF, literals inline after their {@code {n}} header) into a {@link Command}, or into a
 * {@link ParseError}; it never throws. For APPEND the input ends at the message literal's header.
 */
public final class CommandParser {

  /** Mailbox names in modified UTF-7 (the default until {@code ENABLE UTF8=ACCEPT}). */
  public static final CommandParser MUTF7 = new CommandParser(false);
  /** Mailbox names in UTF-8 (after {@code ENABLE UTF8=ACCEPT}). */
  public static final CommandParser UTF8 = new CommandParser(true);

  private static final int MAX_DEPTH = 64;

  private final boolean utf8Names;

  private CommandParser(boolean utf8Names) {
    this.utf8Names = utf8Names;
  }

  public ParseResult parse(byte[] command) {
    Cursor in = new Cursor(command);
    String tag = null;
    try {
      tag = in.tag();
      in.sp();
      String name = in.atom().toUpperCase(Locale.ROOT);
      Command parsed = switch (name) {
        case "UID" -> {
          in.sp();
          String sub = in.atom().toUpperCase(Locale.ROOT);
          yield switch (sub) {
            case "FETCH", "SEARCH", "STORE", "COPY", "MOVE", "EXPUNGE" -> command(in, tag, sub, true);
            default -> throw new Bad("unknown UID command: " + sub);
          };
        }
        default -> command(in, tag, name, false);
      };
      in.end();
      return parsed;
    } catch (Bad e) {
      return e.toError(tag);
    }
  }

  private Command command(Cursor in, String tag, String name, boolean uid) {
    return switch (name) {
      case "CAPABILITY" -> new Command.Capability(tag);
      case "NOOP" -> new Command.Noop(tag);
      case "LOGOUT" -> new Command.Logout(tag);
      case "STARTTLS" -> new Command.StartTls(tag);
      case "AUTHENTICATE" -> authenticate(in, tag);
      case "LOGIN" -> {
        in.sp();
        String user = in.astring();
        in.sp();
        yield new Command.Login(tag, user, in.astring());
      }
      case "SELECT" -> select(in, tag, false);
      case "EXAMINE" -> select(in, tag, true);
      case "CREATE" -> create(in, tag);
      case "DELETE" -> new Command.Delete(tag, mailboxArg(in));
      case "RENAME" -> {
        MailboxArg from = mailboxArg(in);
        yield new Command.Rename(tag, from, mailboxArg(in));
      }
      case "SUBSCRIBE" -> new Command.Subscribe(tag, mailboxArg(in));
      case "UNSUBSCRIBE" -> new Command.Unsubscribe(tag, mailboxArg(in));
      case "LIST" -> list(in, tag);
      case "LSUB" -> {
        in.sp();
        String reference = pattern(in.astring());
        in.sp();
        yield new Command.Lsub(tag, reference, pattern(listMailbox(in)));
      }
      case "STATUS" -> {
        MailboxArg mailbox = mailboxArg(in);
        in.sp();
        yield new Command.Status(tag, mailbox, statusItems(in));
      }
      case "APPEND" -> append(in, tag);
      case "CHECK" -> new Command.Check(tag);
      case "CLOSE" -> new Command.Close(tag);
      case "UNSELECT" -> new Command.Unselect(tag);
      case "EXPUNGE" -> {
        if (!uid) {
          yield new Command.Expunge(tag, null);
        }
        in.sp();
        yield new Command.Expunge(tag, in.sequenceSet());
      }
      case "SEARCH" -> search(in, tag, uid);
      case "FETCH" -> fetch(in, tag, uid);
      case "STORE" -> store(in, tag, uid);
      case "COPY" -> {
        in.sp();
        SequenceSet set = in.sequenceSet();
        yield new Command.Copy(tag, uid, set, mailboxArg(in));
      }
      case "MOVE" -> {
        in.sp();
        SequenceSet set = in.sequenceSet();
        yield new Command.Move(tag, uid, set, mailboxArg(in));
      }
      case "IDLE" -> new Command.Idle(tag);
      case "ENABLE" -> {
        List<String> capabilities = new ArrayList<>();
        do {
          in.sp();
          capabilities.add(in.atom().toUpperCase(Locale.ROOT));
        } while (!in.atEnd());
        yield new Command.Enable(tag, capabilities);
      }
      case "NAMESPACE" -> new Command.Namespace(tag);
      case "ID" -> id(in, tag);
      default -> throw new Bad("unknown command: " + name);
    };
  }

  private static Command authenticate(Cursor in, String tag) {
    in.sp();
    String mechanism = in.atom().toUpperCase(Locale.ROOT);
    String initial = null;
    if (!in.atEnd()) {
      in.sp();
      if (in.peekIs('=')) {
        in.pos++;
        initial = "";
      } else {
        int start = in.pos;
        while (!in.atEnd() && isBase64(in.peek())) {
          in.pos++;
        }
        if (in.pos == start) {
          throw new Bad("bad SASL initial response");
        }
        initial = in.text(start, in.pos);
      }
    }
    return new Command.Authenticate(tag, mechanism, initial);
  }

  private static boolean isBase64(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
        || c == '=';
  }

  private Command select(Cursor in, String tag, boolean readOnly) {
    MailboxArg mailbox = mailboxArg(in);
    boolean condStore = false;
    Command.QResync qresync = null;
    if (!in.atEnd()) {
      in.sp();
      in.expect('(');
      do {
        if (in.peekIs(')') && !condStore && qresync == null) {
          break;
        }
        String param = in.atom().toUpperCase(Locale.ROOT);
        switch (param) {
          case "CONDSTORE" -> condStore = true;
          case "QRESYNC" -> {
            in.sp();
            qresync = qresync(in);
          }
          default -> throw new Bad("unknown SELECT parameter: " + param);
        }
      } while (in.skipSp());
      in.expect(')');
    }
    return new Command.Select(tag, mailbox, readOnly, condStore, qresync);
  }

  private static Command.QResync qresync(Cursor in) {
    in.expect('(');
    long uidValidity = in.nzNumber();
    in.sp();
    long modSeq = in.nzNumber();
    SequenceSet knownUids = null;
    SequenceSet knownSequences = null;
    SequenceSet knownSequenceUids = null;
    if (in.skipSp()) {
      if (!in.peekIs('(')) {
        knownUids = in.sequenceSet();
        if (in.skipSp()) {
          in.expect('(');
        } else {
          in.expect(')');
          return new Command.QResync(uidValidity, modSeq, knownUids, null, null);
        }
      } else {
        in.expect('(');
      }
      knownSequences = in.sequenceSet();
      in.sp();
      knownSequenceUids = in.sequenceSet();
      in.expect(')');
    }
    in.expect(')');
    return new Command.QResync(uidValidity, modSeq, knownUids, knownSequences, knownSequenceUids);
  }

  private Command create(Cursor in, String tag) {
    MailboxArg mailbox = mailboxArg(in);
    List<String> uses = new ArrayList<>();
    if (!in.atEnd()) {
      in.sp();
      in.expect('(');
      String param = in.atom().toUpperCase(Locale.ROOT);
      if (!param.equals("USE")) {
        throw new Bad("unknown CREATE parameter: " + param);
      }
      in.sp();
      in.expect('(');
      do {
        in.expect('\\');
        uses.add("\\" + capitalise(in.atom()));
      } while (in.skipSp());
      in.expect(')');
      in.expect(')');
    }
    return new Command.Create(tag, mailbox, uses);
  }

  private static String capitalise(String atom) {
    return atom.substring(0, 1).toUpperCase(Locale.ROOT) + atom.substring(1).toLowerCase(Locale.ROOT);
  }

  private Command list(Cursor in, String tag) {
    in.sp();
    Set<ListSelect> selection = EnumSet.noneOf(ListSelect.class);
    if (in.peekIs('(')) {
      in.pos++;
      while (!in.peekIs(')')) {
        String option = in.atom().toUpperCase(Locale.ROOT);
        selection.add(switch (option) {
          case "SUBSCRIBED" -> ListSelect.SUBSCRIBED;
          case "REMOTE" -> ListSelect.REMOTE;
          case "RECURSIVEMATCH" -> ListSelect.RECURSIVEMATCH;
          case "SPECIAL-USE" -> ListSelect.SPECIAL_USE;
          default -> throw new Bad("unknown LIST selection option: " + option);
        });
        if (!in.skipSp()) {
          break;
        }
      }
      in.expect(')');
      in.sp();
      if (selection.contains(ListSelect.RECURSIVEMATCH)
          && !selection.contains(ListSelect.SUBSCRIBED) && !selection.contains(ListSelect.SPECIAL_USE)) {
        throw new Bad("RECURSIVEMATCH needs another selection option");
      }
    }
    String reference = pattern(in.astring());
    in.sp();
    List<String> patterns = new ArrayList<>();
    if (in.peekIs('(')) {
      in.pos++;
      do {
        patterns.add(pattern(listMailbox(in)));
      } while (in.skipSp());
      in.expect(')');
    } else {
      patterns.add(pattern(listMailbox(in)));
    }
    Set<ListReturn> returns = EnumSet.noneOf(ListReturn.class);
    List<StatusItem> statusItems = List.of();
    if (!in.atEnd()) {
      in.sp();
      String word = in.atom().toUpperCase(Locale.ROOT);
      if (!word.equals("RETURN")) {
        throw new Bad("expected RETURN");
      }
      in.sp();
      in.expect('(');
      while (!in.peekIs(')')) {
        String option = in.atom().toUpperCase(Locale.ROOT);
        switch (option) {
          case "SUBSCRIBED" -> returns.add(ListReturn.SUBSCRIBED);
          case "CHILDREN" -> returns.add(ListReturn.CHILDREN);
          case "SPECIAL-USE" -> returns.add(ListReturn.SPECIAL_USE);
          case "STATUS" -> {
            in.sp();
            returns.add(ListReturn.STATUS);
            statusItems = statusItems(in);
          }
          default -> throw new Bad("unknown LIST return option: " + option);
        }
        if (!in.skipSp()) {
          break;
        }
      }
      in.expect(')');
    }
    return new Command.ListMailboxes(tag, reference, patterns, selection, returns, statusItems);
  }

  private static String listMailbox(Cursor in) {
    if (in.peekIs('"') || in.peekIs('{')) {
      return in.string();
    }
    int start = in.pos;
    while (!in.atEnd() && Syntax.isListChar(in.peek())) {
      in.pos++;
    }
    if (in.pos == start) {
      throw new Bad("expected a mailbox pattern");
    }
    return in.text(start, in.pos);
  }

  private static List<StatusItem> statusItems(Cursor in) {
    in.expect('(');
    List<StatusItem> items = new ArrayList<>();
    do {
      String item = in.atom().toUpperCase(Locale.ROOT);
      try {
        items.add(StatusItem.valueOf(item));
      } catch (IllegalArgumentException e) {
        throw new Bad("unknown STATUS item: " + item);
      }
    } while (in.skipSp());
    in.expect(')');
    return items;
  }

  private Command append(Cursor in, String tag) {
    MailboxArg mailbox = mailboxArg(in);
    in.sp();
    List<Flag> flags = List.of();
    if (in.peekIs('(')) {
      flags = flagList(in);
      in.sp();
    }
    OffsetDateTime date = null;
    if (in.peekIs('"')) {
      date = dateTime(in);
      in.sp();
    }
    boolean binary = false;
    if (in.peekIs('~')) {
      in.pos++;
      binary = true;
    }
    in.expect('{');
    long size = in.number();
    in.skip('+');
    in.expect('}');
    if (!in.atEnd()) {
      throw new Bad("APPEND message literal must end the command");
    }
    return new Command.Append(tag, mailbox, flags, date, size, binary);
  }

  private static OffsetDateTime dateTime(Cursor in) {
    String text = in.quoted();
    try {
      return ImapDates.parseDateTime(text);
    } catch (IllegalArgumentException e) {
      throw new Bad("bad date-time: " + text);
    }
  }

  private static List<Flag> flagList(Cursor in) {
    in.expect('(');
    List<Flag> flags = new ArrayList<>();
    while (!in.peekIs(')')) {
      flags.add(flag(in));
      if (!in.skipSp()) {
        break;
      }
    }
    in.expect(')');
    return flags;
  }

  private static Flag flag(Cursor in) {
    boolean system = in.peekIs('\\');
    if (system) {
      in.pos++;
    }
    String atom = in.atom();
    return Flag.of(system ? "\\" + atom : atom);
  }

  private Command search(Cursor in, String tag, boolean uid) {
    in.sp();
    String charset = null;
    int mark = in.pos;
    if (in.peekAtom().equalsIgnoreCase("CHARSET")) {
      in.atom();
      in.sp();
      charset = in.astring().toUpperCase(Locale.ROOT);
      if (!charset.equals("UTF-8") && !charset.equals("US-ASCII")) {
        throw new Bad(ParseError.Status.NO, ResponseCode.BadCharset.UTF8_US_ASCII, "unsupported charset " + charset);
      }
      in.sp();
    } else {
      in.pos = mark;
    }
    List<SearchKey> keys = new ArrayList<>();
    do {
      keys.add(searchKey(in, 0));
    } while (in.skipSp());
    return new Command.Search(tag, uid, charset, keys.size() == 1 ? keys.get(0) : new SearchKey.And(keys));
  }

  private static SearchKey searchKey(Cursor in, int depth) {
    if (depth > MAX_DEPTH) {
      throw new Bad("search keys nested too deeply");
    }
    if (in.peekIs('(')) {
      in.pos++;
      List<SearchKey> keys = new ArrayList<>();
      do {
        keys.add(searchKey(in, depth + 1));
      } while (in.skipSp());
      in.expect(')');
      return keys.size() == 1 ? keys.get(0) : new SearchKey.And(keys);
    }
    int c = in.peek();
    if ((c >= '0' && c <= '9') || c == '*') {
      return new SearchKey.Sequence(in.sequenceSet());
    }
    String name = in.atom().toUpperCase(Locale.ROOT);
    return switch (name) {
      case "ALL" -> new SearchKey.All();
      case "ANSWERED" -> new SearchKey.HasFlag(Flag.ANSWERED, true);
      case "DELETED" -> new SearchKey.HasFlag(Flag.DELETED, true);
      case "DRAFT" -> new SearchKey.HasFlag(Flag.DRAFT, true);
      case "FLAGGED" -> new SearchKey.HasFlag(Flag.FLAGGED, true);
      case "RECENT" -> new SearchKey.HasFlag(Flag.RECENT, true);
      case "SEEN" -> new SearchKey.HasFlag(Flag.SEEN, true);
      case "UNANSWERED" -> new SearchKey.HasFlag(Flag.ANSWERED, false);
      case "UNDELETED" -> new SearchKey.HasFlag(Flag.DELETED, false);
      case "UNDRAFT" -> new SearchKey.HasFlag(Flag.DRAFT, false);
      case "UNFLAGGED" -> new SearchKey.HasFlag(Flag.FLAGGED, false);
      case "UNSEEN" -> new SearchKey.HasFlag(Flag.SEEN, false);
      case "OLD" -> new SearchKey.HasFlag(Flag.RECENT, false);
      case "NEW" -> new SearchKey.And(List.of(new SearchKey.HasFlag(Flag.RECENT, true),
          new SearchKey.HasFlag(Flag.SEEN, false)));
      case "KEYWORD", "UNKEYWORD" -> {
        in.sp();
        yield new SearchKey.HasFlag(Flag.of(in.atom()), name.equals("KEYWORD"));
      }
      case "BCC", "CC", "FROM", "TO", "SUBJECT" -> {
        in.sp();
        yield new SearchKey.Header(name, in.astring());
      }
      case "HEADER" -> {
        in.sp();
        String field = in.astring();
        in.sp();
        yield new SearchKey.Header(field, in.astring());
      }
      case "BODY" -> {
        in.sp();
        yield new SearchKey.Body(in.astring());
      }
      case "TEXT" -> {
        in.sp();
        yield new SearchKey.Text(in.astring());
      }
      case "BEFORE" -> date(in, false, Comparison.BEFORE);
      case "ON" -> date(in, false, Comparison.ON);
      case "SINCE" -> date(in, false, Comparison.SINCE);
      case "SENTBEFORE" -> date(in, true, Comparison.BEFORE);
      case "SENTON" -> date(in, true, Comparison.ON);
      case "SENTSINCE" -> date(in, true, Comparison.SINCE);
      case "LARGER", "SMALLER" -> {
        in.sp();
        yield new SearchKey.Size(name.equals("LARGER"), in.number());
      }
      case "UID" -> {
        in.sp();
        yield new SearchKey.Uid(in.sequenceSet());
      }
      case "NOT" -> {
        in.sp();
        yield new SearchKey.Not(searchKey(in, depth + 1));
      }
      case "OR" -> {
        in.sp();
        SearchKey left = searchKey(in, depth + 1);
        in.sp();
        yield new SearchKey.Or(left, searchKey(in, depth + 1));
      }
      case "MODSEQ" -> {
        in.sp();
        if (in.peekIs('"')) {
          in.quoted();
          in.sp();
          String type = in.atom().toLowerCase(Locale.ROOT);
          if (!type.equals("priv") && !type.equals("shared") && !type.equals("all")) {
            throw new Bad("bad MODSEQ entry type: " + type);
          }
          in.sp();
        }
        yield new SearchKey.ModSeq(in.number());
      }
      default -> throw new Bad("unknown search key: " + name);
    };
  }

  private static SearchKey date(Cursor in, boolean sent, Comparison comparison) {
    in.sp();
    String text;
    if (in.peekIs('"')) {
      text = in.quoted();
    } else {
      int start = in.pos;
      while (!in.atEnd() && Syntax.isAtomChar(in.peek())) {
        in.pos++;
      }
      text = in.text(start, in.pos);
    }
    try {
      LocalDate date = ImapDates.parseDate(text);
      return new SearchKey.Date(sent, comparison, date);
    } catch (IllegalArgumentException e) {
      throw new Bad("bad date: " + text);
    }
  }

  private static Command fetch(Cursor in, String tag, boolean uid) {
    in.sp();
    SequenceSet set = in.sequenceSet();
    in.sp();
    List<FetchAttribute> attributes = new ArrayList<>();
    if (in.peekIs('(')) {
      in.pos++;
      do {
        attributes.add(fetchAttribute(in));
      } while (in.skipSp());
      in.expect(')');
    } else {
      int mark = in.pos;
      String word = in.fetchName();
      switch (word) {
        case "ALL" -> attributes.addAll(List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE, Simple.ENVELOPE));
        case "FAST" -> attributes.addAll(List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE));
        case "FULL" -> attributes.addAll(
            List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE, Simple.ENVELOPE, Simple.BODY));
        default -> {
          in.pos = mark;
          attributes.add(fetchAttribute(in));
        }
      }
    }
    long changedSince = -1;
    boolean vanished = false;
    if (!in.atEnd()) {
      in.sp();
      in.expect('(');
      do {
        String modifier = in.atom().toUpperCase(Locale.ROOT);
        switch (modifier) {
          case "CHANGEDSINCE" -> {
            in.sp();
            changedSince = in.number();
          }
          case "VANISHED" -> vanished = true;
          default -> throw new Bad("unknown FETCH modifier: " + modifier);
        }
      } while (in.skipSp());
      in.expect(')');
      if (vanished && (!uid || changedSince < 0)) {
        throw new Bad("VANISHED needs UID FETCH with CHANGEDSINCE");
      }
    }
    return new Command.Fetch(tag, uid, set, attributes, changedSince, vanished);
  }

  private static FetchAttribute fetchAttribute(Cursor in) {
    String name = in.fetchName();
    return switch (name) {
      case "ENVELOPE" -> Simple.ENVELOPE;
      case "FLAGS" -> Simple.FLAGS;
      case "INTERNALDATE" -> Simple.INTERNALDATE;
      case "RFC822" -> Simple.RFC822;
      case "RFC822.HEADER" -> Simple.RFC822_HEADER;
      case "RFC822.SIZE" -> Simple.RFC822_SIZE;
      case "RFC822.TEXT" -> Simple.RFC822_TEXT;
      case "BODYSTRUCTURE" -> Simple.BODYSTRUCTURE;
      case "UID" -> Simple.UID;
      case "MODSEQ" -> Simple.MODSEQ;
      case "BODY" -> in.peekIs('[') ? bodySection(in, false) : Simple.BODY;
      case "BODY.PEEK" -> {
        if (!in.peekIs('[')) {
          throw new Bad("BODY.PEEK needs a section");
        }
        yield bodySection(in, true);
      }
      default -> throw new Bad("unknown FETCH attribute: " + name);
    };
  }

  private static BodySection bodySection(Cursor in, boolean peek) {
    in.expect('[');
    List<Integer> part = new ArrayList<>();
    SectionText text = SectionText.NONE;
    List<String> fields = List.of();
    if (!in.peekIs(']')) {
      String spec = in.fetchName();
      String[] pieces = spec.split("\\.", -1);
      int i = 0;
      while (i < pieces.length && !pieces[i].isEmpty() && Character.isDigit(pieces[i].charAt(0))) {
        part.add(partNumber(pieces[i]));
        i++;
      }
      String rest = String.join(".", java.util.Arrays.copyOfRange(pieces, i, pieces.length));
      text = switch (rest) {
        case "" -> SectionText.NONE;
        case "HEADER" -> SectionText.HEADER;
        case "HEADER.FIELDS" -> SectionText.HEADER_FIELDS;
        case "HEADER.FIELDS.NOT" -> SectionText.HEADER_FIELDS_NOT;
        case "TEXT" -> SectionText.TEXT;
        case "MIME" -> {
          if (part.isEmpty()) {
            throw new Bad("MIME needs a part number");
          }
          yield SectionText.MIME;
        }
        default -> throw new Bad("bad section: " + spec);
      };
      if (part.isEmpty() && text == SectionText.NONE) {
        throw new Bad("bad section: " + spec);
      }
      if (text == SectionText.HEADER_FIELDS || text == SectionText.HEADER_FIELDS_NOT) {
        in.sp();
        in.expect('(');
        List<String> names = new ArrayList<>();
        do {
          names.add(in.astring());
        } while (in.skipSp());
        in.expect(')');
        fields = names;
      }
    }
    in.expect(']');
    Partial partial = null;
    if (in.peekIs('<')) {
      in.pos++;
      long start = in.number();
      in.expect('.');
      long count = in.nzNumber();
      in.expect('>');
      partial = new Partial(start, count);
    }
    return new BodySection(new Section(part, text, fields), peek, partial);
  }

  private static int partNumber(String digits) {
    if (digits.length() > 9 || digits.charAt(0) == '0') {
      throw new Bad("bad part number: " + digits);
    }
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        throw new Bad("bad part number: " + digits);
      }
    }
    return Integer.parseInt(digits);
  }

  private static Command store(Cursor in, String tag, boolean uid) {
    in.sp();
    SequenceSet set = in.sequenceSet();
    in.sp();
    long unchangedSince = -1;
    if (in.peekIs('(')) {
      in.pos++;
      String modifier = in.atom().toUpperCase(Locale.ROOT);
      if (!modifier.equals("UNCHANGEDSINCE")) {
        throw new Bad("unknown STORE modifier: " + modifier);
      }
      in.sp();
      unchangedSince = in.number();
      in.expect(')');
      in.sp();
    }
    StoreMode mode = StoreMode.REPLACE;
    if (in.peekIs('+')) {
      mode = StoreMode.ADD;
      in.pos++;
    } else if (in.peekIs('-')) {
      mode = StoreMode.REMOVE;
      in.pos++;
    }
    String item = in.atom().toUpperCase(Locale.ROOT);
    boolean silent = switch (item) {
      case "FLAGS" -> false;
      case "FLAGS.SILENT" -> true;
      default -> throw new Bad("unknown STORE item: " + item);
    };
    in.sp();
    List<Flag> flags;
    if (in.peekIs('(')) {
      flags = flagList(in);
    } else {
      flags = new ArrayList<>();
      do {
        flags.add(flag(in));
      } while (in.skipSp());
    }
    return new Command.Store(tag, uid, set, mode, silent, flags, unchangedSince);
  }

  private static Command id(Cursor in, String tag) {
    in.sp();
    if (!in.peekIs('(')) {
      String nil = in.atom();
      if (!nil.equalsIgnoreCase("NIL")) {
        throw new Bad("expected NIL or a parameter list");
      }
      return new Command.Id(tag, null);
    }
    in.pos++;
    Map<String, String> parameters = new LinkedHashMap<>();
    while (!in.peekIs(')')) {
      String field = in.string();
      in.sp();
      parameters.put(field, in.nstring());
      if (!in.skipSp()) {
        break;
      }
      if (parameters.size() > 30) {
        throw new Bad("too many ID parameters");
      }
    }
    in.expect(')');
    return new Command.Id(tag, parameters);
  }

  private MailboxArg mailboxArg(Cursor in) {
    in.sp();
    String raw = in.astring();
    if (raw.isEmpty()) {
      throw new Bad("empty mailbox name");
    }
    if (utf8Names || raw.equalsIgnoreCase("INBOX")) {
      return new MailboxArg(raw);
    }
    Optional<String> decoded = ModifiedUtf7.decode(raw);
    if (decoded.isEmpty()) {
      throw new Bad("mailbox name is not valid modified UTF-7");
    }
    return new MailboxArg(decoded.get());
  }

  private String pattern(String raw) {
    return utf8Names ? raw : ModifiedUtf7.decode(raw).orElse(raw);
  }

  /** A parse failure; cheap (no stack trace), caught in {@link #parse}. */
  private static final class Bad extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ParseError.Status status;
    private final ResponseCode code;

    Bad(String message) {
      this(ParseError.Status.BAD, null, message);
    }

    Bad(ParseError.Status status, ResponseCode code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }

    ParseError toError(String tag) {
      return new ParseError(tag, status, code, getMessage());
    }
  }

  /** A position in the command bytes. Atoms in astrings may hold UTF-8 (RFC 6855 clients do send it). */
  private static final class Cursor {
    private final byte[] b;
    private final int end;
    int pos;

    Cursor(byte[] bytes) {
      b = bytes;
      int e = bytes.length;
      if (e > 0 && bytes[e - 1] == '\n') {
        e--;
        if (e > 0 && bytes[e - 1] == '\r') {
          e--;
        }
      }
      end = e;
    }

    boolean atEnd() {
      return pos >= end;
    }

    int peek() {
      if (pos >= end) {
        throw new Bad("unexpected end of command");
      }
      return b[pos] & 0xFF;
    }

    boolean peekIs(char c) {
      return pos < end && b[pos] == c;
    }

    void expect(char c) {
      if (!peekIs(c)) {
        throw new Bad(atEnd() ? "expected '" + c + "' at end of command" : "expected '" + c + "' at " + describe());
      }
      pos++;
    }

    void skip(char c) {
      if (peekIs(c)) {
        pos++;
      }
    }

    void sp() {
      expect(' ');
    }

    boolean skipSp() {
      if (peekIs(' ')) {
        pos++;
        return true;
      }
      return false;
    }

    void end() {
      if (!atEnd()) {
        throw new Bad("unexpected " + describe());
      }
    }

    String describe() {
      int stop = Math.min(end, pos + 20);
      StringBuilder sb = new StringBuilder("'");
      for (int i = pos; i < stop; i++) {
        int c = b[i] & 0xFF;
        sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
      }
      return sb.append(stop < end ? "...'" : "'").toString();
    }

    String text(int from, int to) {
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    String tag() {
      int start = pos;
      while (pos < end && Syntax.isTagChar(b[pos] & 0xFF)) {
        pos++;
      }
      if (pos == start) {
        throw new Bad("missing tag");
      }
      if (pos < end && b[pos] != ' ') {
        pos = start;
        throw new Bad("invalid tag");
      }
      return text(start, pos);
    }

    String atom() {
      int start = pos;
      while (pos < end && Syntax.isAtomChar(b[pos] & 0xFF)) {
        pos++;
      }
      if (pos == start) {
        throw new Bad(atEnd() ? "missing argument" : "expected an atom at " + describe());
      }
      return text(start, pos);
    }

    String peekAtom() {
      int p = pos;
      while (p < end && Syntax.isAtomChar(b[p] & 0xFF)) {
        p++;
      }
      return text(pos, p);
    }

    /** A FETCH item or section name: letters, digits and dots, upper-cased. */
    String fetchName() {
      int start = pos;
      while (pos < end) {
        int c = b[pos];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-') {
          pos++;
        } else {
          break;
        }
      }
      if (pos == start) {
        throw new Bad(atEnd() ? "missing FETCH attribute" : "expected a FETCH attribute at " + describe());
      }
      return text(start, pos).toUpperCase(Locale.ROOT);
    }

    long number() {
      int start = pos;
      long n = 0;
      while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
        if (pos - start >= 18) {
          throw new Bad("number too large");
        }
        n = n * 10 + (b[pos] - '0');
        pos++;
      }
      if (pos == start) {
        throw new Bad(atEnd() ? "missing number" : "expected a number at " + describe());
      }
      return n;
    }

    long nzNumber() {
      long n = number();
      if (n == 0) {
        throw new Bad("expected a non-zero number");
      }
      return n;
    }

    SequenceSet sequenceSet() {
      int start = pos;
      while (pos < end && ((b[pos] >= '0' && b[pos] <= '9') || b[pos] == ':' || b[pos] == ',' || b[pos] == '*')) {
        pos++;
      }
      if (pos == start) {
        throw new Bad(atEnd() ? "missing sequence set" : "expected a sequence set at " + describe());
      }
      try {
        return SequenceSet.parse(text(start, pos));
      } catch (IllegalArgumentException e) {
        throw new Bad(e.getMessage());
      }
    }

    String astring() {
      if (peekIs('"') || peekIs('{')) {
        return string();
      }
      int start = pos;
      while (pos < end && (Syntax.isAstringChar(b[pos] & 0xFF) || b[pos] < 0)) {
        pos++;
      }
      if (pos == start) {
        throw new Bad(atEnd() ? "missing argument" : "expected a string at " + describe());
      }
      return text(start, pos);
    }

    String nstring() {
      if (peekIs('"') || peekIs('{')) {
        return string();
      }
      String nil = atom();
      if (!nil.equalsIgnoreCase("NIL")) {
        throw new Bad("expected a string or NIL");
      }
      return null;
    }

    String string() {
      if (peekIs('"')) {
        return quoted();
      }
      if (peekIs('{')) {
        return literal();
      }
      throw new Bad(atEnd() ? "missing string" : "expected a string at " + describe());
    }

    String quoted() {
      expect('"');
      byte[] out = new byte[end - pos];
      int n = 0;
      while (true) {
        if (pos >= end) {
          throw new Bad("unterminated quoted string");
        }
        byte c = b[pos++];
        if (c == '"') {
          return new String(out, 0, n, StandardCharsets.UTF_8);
        }
        if (c == '\\') {
          if (pos >= end || (b[pos] != '"' && b[pos] != '\\')) {
            throw new Bad("bad escape in quoted string");
          }
          c = b[pos++];
        } else if (c == '\r' || c == '\n' || c == 0) {
          throw new Bad("CR, LF or NUL in quoted string");
        }
        out[n++] = c;
      }
    }

    String literal() {
      expect('{');
      long size = number();
      skip('+');
      expect('}');
      if (end - pos < 2 || b[pos] != '\r' || b[pos + 1] != '\n') {
        throw new Bad("literal header must end the line");
      }
      pos += 2;
      if (size > end - pos) {
        throw new Bad("literal shorter than announced");
      }
      int start = pos;
      pos += (int) size;
      for (int i = start; i < pos; i++) {
        if (b[i] == 0) {
          throw new Bad("NUL in literal");
        }
      }
      return text(start, pos);
    }
  }
}
