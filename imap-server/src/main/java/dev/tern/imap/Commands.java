package dev.tern.imap;

import dev.tern.imap.protocol.Command;
import dev.tern.imap.protocol.CommandParser;
import dev.tern.imap.protocol.Flag;
import dev.tern.imap.protocol.ImapFrame;
import dev.tern.imap.protocol.ImapWriter.Status;
import dev.tern.imap.protocol.ImapWriter;
import dev.tern.imap.protocol.MailboxArg;
import dev.tern.imap.protocol.ParseError;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.imap.protocol.StatusItem;
import dev.tern.log.LogException;
import dev.tern.mailbox.Account;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.Mailbox;
import dev.tern.mailbox.MailboxId;
import dev.tern.mailbox.MailboxList;
import dev.tern.mailbox.MailboxName;
import dev.tern.mailbox.MailboxView;
import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.UidIndex;
import dev.tern.storage.StorageException;
import dev.tern.storage.TransientStorageException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IMAP commands of one session and the session's state (RFC 3501 §3: not authenticated,
 * authenticated, selected). Each command answers through {@link Out}; refusals throw
 * {@link ImapFailure} or a mailbox exception, which {@link ImapSession} turns into responses.
 */
final class Commands {

  private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

  static final String SYSTEM_FLAGS = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";

  private final ImapSession session;
  private final ImapWriter out;
  private final Messages messages;
  private final CondStore condStore;

  private Accounts.Lease lease;
  private Account account;
  private Selection selection;
  private final Authentication authentication;

  /** The selected mailbox as this session sees it. */
  final class Selection {
    final Account.Selected selected;
    final MailboxView view;
    final boolean readOnly;
    final Set<Long> recent = new TreeSet<>();
    final Consumer<dev.tern.log.LogChange> listener;

    Selection(Account.Selected selected, boolean readOnly) {
      this.selected = selected;
      this.view = new MailboxView(selected.mailbox(), selected.binding().uidValidityOffset());
      this.readOnly = readOnly;
      this.listener = change -> session.signal(ImapSession.Signal.MAILBOX_CHANGED);
      selected.mailbox().addListener(listener);
      claimRecent();
    }

    Mailbox mailbox() {
      return selected.mailbox();
    }

    /**
     * Takes \Recent for messages no session has been told of yet. EXAMINE shows them as recent
     * without taking the flag, which it must not cause to be lost (RFC 3501 §6.3.2), as Dovecot does.
     */
    void claimRecent() {
      long last = view.lastUid();
      if (last == 0) {
        return;
      }
      long before = mailbox().recentClaimedUpTo();
      if (!readOnly) {
        try {
          before = mailbox().claimRecent(last);
        } catch (StorageException | LogException e) {
          // The claim is a write now, and may fail. Then this session cannot tell whether another
          // was told first, and RFC 3501 §2.3.2 says to consider the messages recent; failing the
          // command instead would leave the view ahead of the client (its EXISTS unsent).
          LOG.warn("\\Recent claim in mailbox {} not written: {}", mailbox().id(), e.getMessage());
        }
      }
      for (int seq = view.count(); seq >= 1 && view.uidAt(seq) > before; seq--) {
        recent.add(view.uidAt(seq));
      }
    }

    void close() {
      mailbox().removeListener(listener);
    }
  }

  Commands(ImapSession session) {
    this.session = session;
    this.out = session.out;
    this.messages = new Messages(this);
    this.condStore = new CondStore(this);
    this.authentication = new Authentication(this);
  }

  CommandParser parser() {
    return CommandParser.MUTF7;
  }

  ImapWriter out() {
    return out;
  }

  Account account() {
    return account;
  }

  Selection selection() {
    return selection;
  }

  Messages messages() {
    return messages;
  }

  CondStore condStore() {
    return condStore;
  }

  ImapSession session() {
    return session;
  }

  // ---- greeting, capabilities, errors ----

  void greet() {
    out.status(null, Status.OK, new ResponseCode.Capability(capabilities()), "Tern ready.");
  }

  List<String> capabilities() {
    List<String> caps = new ArrayList<>(List.of("IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE",
        "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "CONDSTORE", "CHILDREN", "SPECIAL-USE", "LIST-EXTENDED",
        "LIST-STATUS"));
    if (account == null) {
      if (session.config.tls().isPresent() && !session.tlsActive) {
        caps.add("STARTTLS");
      }
      caps.add(authentication.loginAllowed() ? "AUTH=PLAIN" : "LOGINDISABLED");
    }
    return caps;
  }

  /** Enters the authenticated state with a user's account, once its default mailboxes exist. */
  void loggedIn(Accounts.Lease lease) {
    try {
      lease.account().ensureDefaults();
    } catch (RuntimeException e) {
      // The LOGIN is answered NO (the store is unavailable, say): the session stays unauthenticated,
      // so the client can simply log in again.
      lease.close();
      throw e;
    }
    this.lease = lease;
    this.account = lease.account();
  }

  void parseError(ParseError error) {
    Status status = error.status() == ParseError.Status.NO ? Status.NO : Status.BAD;
    out.status(error.tag(), status, error.code(), error.text());
  }

  void tooBig(ImapFrame.TooBig tooBig) {
    String tag = tooBig.tag();
    switch (tooBig.limit()) {
      case LINE, COMMAND -> out.status(tag, Status.BAD, null, "Command line too long");
      case LITERAL, NON_SYNC_LITERAL -> out.status(tag, Status.NO, ResponseCode.Basic.TOOBIG, "Literal too large");
      case APPEND -> out.status(tag, Status.NO, ResponseCode.Basic.TOOBIG,
          "Message too large (limit " + session.config.limits().maxAppendSize() + " bytes)");
    }
  }

  // ---- dispatch ----

  void execute(Command command) {
    String tag = command.tag();
    condStore.before(command);
    switch (command) {
      case Command.Capability c -> {
        out.untagged().raw("CAPABILITY " + String.join(" ", capabilities())).end();
        ok(tag, "Capability completed.");
      }
      case Command.Noop c -> {
        if (selection != null) {
          account.mailboxes(); // learns a deletion of the selected mailbox
          selection.mailbox().sync();
        }
        reportChanges(true);
        ok(tag, "NOOP completed.");
      }
      case Command.Logout c -> {
        out.status(null, Status.BYE, null, "Logging out");
        ok(tag, "Logout completed.");
        throw new ImapSession.SessionEnded();
      }
      case Command.StartTls c -> authentication.startTls(tag);
      case Command.Login c -> authentication.login(tag, c.user(), c.password());
      case Command.Authenticate c -> authentication.authenticate(tag, c);
      case Command.Id c -> {
        out.untagged().raw("ID (\"name\" \"Tern\" \"vendor\" \"Tern\")").end();
        ok(tag, "ID completed.");
      }
      case Command.Enable c -> {
        requireAuthenticated();
        condStore.enable(c);
        ok(tag, "ENABLE completed.");
      }
      case Command.Namespace c -> {
        requireAuthenticated();
        out.untagged().raw("NAMESPACE ((\"\" \"/\")) NIL NIL").end();
        ok(tag, "NAMESPACE completed.");
      }
      case Command.Select c -> select(tag, c);
      case Command.Create c -> {
        requireAuthenticated();
        String name = c.mailbox().name();
        while (name.endsWith("/") && name.length() > 1) {
          name = name.substring(0, name.length() - 1); // RFC 3501: a trailing delimiter is dropped
        }
        account.create(mailboxName(name), Set.copyOf(c.specialUse()));
        ok(tag, "Create completed.");
      }
      case Command.Delete c -> {
        requireAuthenticated();
        MailboxName name = mailboxName(c.mailbox());
        if (selection != null && selection.selected.name().equals(name)) {
          deselect();
        }
        account.delete(name);
        ok(tag, "Delete completed.");
      }
      case Command.Rename c -> {
        requireAuthenticated();
        account.rename(mailboxName(c.from()), mailboxName(c.to()));
        ok(tag, "Rename completed.");
      }
      case Command.Subscribe c -> {
        requireAuthenticated();
        account.subscribe(mailboxName(c.mailbox()));
        ok(tag, "Subscribe completed.");
      }
      case Command.Unsubscribe c -> {
        requireAuthenticated();
        account.unsubscribe(mailboxName(c.mailbox()));
        ok(tag, "Unsubscribe completed.");
      }
      case Command.ListMailboxes c -> {
        requireAuthenticated();
        new Listing(this).list(c);
        ok(tag, "List completed.");
      }
      case Command.Lsub c -> {
        requireAuthenticated();
        new Listing(this).lsub(c);
        ok(tag, "Lsub completed.");
      }
      case Command.Status c -> status(tag, c);
      case Command.Append c -> throw ImapFailure.bad("APPEND without a message");
      case Command.Check c -> {
        requireSelected();
        selection.mailbox().sync();
        reportChanges(true);
        ok(tag, "Check completed.");
      }
      case Command.Close c -> {
        requireSelected();
        if (!selection.readOnly) {
          expungeDeleted(null, false);
        }
        deselect();
        ok(tag, "Close completed.");
      }
      case Command.Unselect c -> {
        requireSelected();
        deselect();
        ok(tag, "Unselect completed.");
      }
      case Command.Expunge c -> {
        requireSelected();
        requireWritable();
        expungeDeleted(c.uids(), true);
        ok(tag, "Expunge completed.");
      }
      case Command.Search c -> {
        requireSelected();
        new Search(this).run(c);
        reportChanges(c.uid());
        ok(tag, "Search completed.");
      }
      case Command.Fetch c -> {
        requireSelected();
        messages.fetch(c);
        reportChanges(c.uid());
        ok(tag, "Fetch completed.");
      }
      case Command.Store c -> {
        requireSelected();
        requireWritable();
        new StoreFlags(this).run(c);
      }
      case Command.Copy c -> {
        requireSelected();
        ResponseCode code = messages.copy(c.uid(), c.set(), mailboxName(c.mailbox()), false);
        reportChanges(c.uid());
        ok(tag, code, "Copy completed.");
      }
      case Command.Move c -> {
        requireSelected();
        requireWritable();
        ResponseCode code = messages.copy(c.uid(), c.set(), mailboxName(c.mailbox()), true);
        ok(tag, code, "Move completed.");
      }
      case Command.Idle c -> idle(tag);
    }
  }

  void ok(String tag, String text) {
    out.status(tag, Status.OK, null, text);
  }

  void ok(String tag, ResponseCode code, String text) {
    out.status(tag, Status.OK, code, text);
  }

  // ---- state checks ----

  void requireAuthenticated() {
    if (account == null) {
      throw ImapFailure.bad("Log in first.");
    }
  }

  void requireSelected() {
    requireAuthenticated();
    if (selection == null) {
      throw ImapFailure.bad("No mailbox selected.");
    }
  }

  private void requireWritable() {
    if (selection.readOnly) {
      throw ImapFailure.no(ResponseCode.Basic.READ_ONLY, "Mailbox is read-only.");
    }
  }

  MailboxName mailboxName(MailboxArg arg) {
    return mailboxName(arg.name());
  }

  static MailboxName mailboxName(String name) {
    try {
      return MailboxName.of(name);
    } catch (IllegalArgumentException e) {
      throw ImapFailure.no(ResponseCode.Basic.CANNOT, "Invalid mailbox name: " + e.getMessage());
    }
  }

  // ---- selecting ----

  private void select(String tag, Command.Select command) {
    requireAuthenticated();
    if (selection != null) {
      deselect();
      out.untagged().raw("OK").code(ResponseCode.Basic.CLOSED).text("Previous mailbox closed.").end();
    }
    MailboxName name = mailboxName(command.mailbox());
    if (name.isInbox()) {
      account.fileIncoming(); // delivered mail is in INBOX once it is selected
    }
    Account.Selected selected = account.select(name);
    Selection opened = new Selection(selected, command.readOnly());
    selection = opened;
    MailboxView view = opened.view;
    Set<String> keywords = new TreeSet<>();
    long[] firstUnseen = {0};
    long[] uidNext = {0};
    opened.mailbox().read(state -> {
      int seq = 0;
      for (UidIndex.Entry entry : state.entries()) {
        seq++;
        for (String flag : entry.flags().names()) {
          if (!flag.startsWith("\\")) {
            keywords.add(flag);
          }
        }
        if (firstUnseen[0] == 0 && !entry.flags().contains("\\Seen")) {
          firstUnseen[0] = seq;
        }
      }
      uidNext[0] = state.uidNext();
      return null;
    });
    List<Flag> flags = new ArrayList<>();
    for (String flag : (SYSTEM_FLAGS + (keywords.isEmpty() ? "" : " " + String.join(" ", keywords))).split(" ")) {
      flags.add(Flag.of(flag));
    }
    out.untagged().raw("FLAGS").flags(flags).end();
    out.untagged().raw("OK").code(new ResponseCode.PermanentFlags(opened.readOnly ? List.of() : flags, !opened.readOnly))
        .text(opened.readOnly ? "Read-only mailbox." : "Flags permitted.").end();
    out.untagged().number(view.count()).raw("EXISTS").end();
    out.untagged().number(opened.recent.size()).raw("RECENT").end();
    if (firstUnseen[0] > 0) {
      out.untagged().raw("OK").code(new ResponseCode.Unseen(firstUnseen[0])).text("First unseen.").end();
    }
    out.untagged().raw("OK").code(new ResponseCode.UidValidity(view.uidValidity())).text("UIDs valid").end();
    out.untagged().raw("OK").code(new ResponseCode.UidNext(uidNext[0])).text("Predicted next UID").end();
    // Every mailbox keeps mod-sequences, so every SELECT tells HIGHESTMODSEQ (RFC 7162 §3.1.2.1),
    // CONDSTORE client or not, as Dovecot does for a mailbox with mod-sequences.
    condStore.highestModSeq(view.highestModSeq());
    ok(tag, opened.readOnly ? ResponseCode.Basic.READ_ONLY : ResponseCode.Basic.READ_WRITE,
        opened.readOnly ? "Examine completed." : "Select completed.");
  }

  void deselect() {
    if (selection != null) {
      selection.close();
      selection = null;
    }
  }

  private void status(String tag, Command.Status command) {
    requireAuthenticated();
    if (mailboxName(command.mailbox()).isInbox()) {
      account.fileIncoming(); // counts include delivered mail
    }
    statusLine(command.mailbox().name(), command.items());
    ok(tag, "Status completed.");
  }

  /** Writes {@code * STATUS name (...)}, for STATUS and LIST-STATUS. */
  void statusLine(String name, List<StatusItem> requested) {
    Account.Selected selected = account.select(mailboxName(name));
    long uidValidity = selected.uidValidity();
    long claimed = selected.mailbox().recentClaimedUpTo(); // STATUS must not claim (RFC 3501 §6.3.10)
    Map<StatusItem, Long> values = selected.mailbox().read(state -> {
      Map<StatusItem, Long> result = new java.util.EnumMap<>(StatusItem.class);
      long unseen = 0;
      long recent = 0;
      for (UidIndex.Entry entry : state.entries()) {
        if (!entry.flags().contains("\\Seen")) {
          unseen++;
        }
        if (entry.uid() > claimed) {
          recent++;
        }
      }
      result.put(StatusItem.MESSAGES, (long) state.size());
      result.put(StatusItem.RECENT, recent);
      result.put(StatusItem.UIDNEXT, state.uidNext());
      result.put(StatusItem.UNSEEN, unseen);
      result.put(StatusItem.HIGHESTMODSEQ, state.highestModSeq());
      return result;
    });
    values.put(StatusItem.UIDVALIDITY, uidValidity);
    List<String> items = new ArrayList<>();
    for (StatusItem item : requested) {
      Long value = values.get(item);
      if (value == null) {
        throw ImapFailure.bad("STATUS " + item + " is not supported.");
      }
      items.add(item + " " + value);
    }
    out.untagged().raw("STATUS").mailbox(name).raw("(" + String.join(" ", items) + ")").end();
  }

  // ---- changes ----

  /** Tells the client what changed in the selected mailbox, expunges only if {@code mayExpunge}. */
  void reportChanges(boolean mayExpunge) {
    reportChanges(mayExpunge, Set.of());
  }

  void reportChanges(boolean mayExpunge, Set<Long> alreadyReported) {
    if (selection == null) {
      return;
    }
    MailboxId selectedId = selection.mailbox().id();
    if (account.mailboxesCached().mailboxes().values().stream().noneMatch(b -> b.id().equals(selectedId))) {
      // Its messages are no longer referenced and will be collected; Dovecot answers the same way.
      out.status(null, Status.BYE, null, "Selected mailbox was deleted, have to disconnect.");
      throw new ImapSession.SessionEnded();
    }
    for (MailboxView.Update update : selection.view.sync(mayExpunge)) {
      switch (update) {
        case MailboxView.Expunge e -> {
          out.untagged().number(e.sequence()).raw("EXPUNGE").end();
          selection.recent.remove(e.uid());
        }
        case MailboxView.Exists e -> {
          selection.claimRecent();
          out.untagged().number(e.count()).raw("EXISTS").end();
          out.untagged().number(selection.recent.size()).raw("RECENT").end();
        }
        case MailboxView.FlagsChanged f -> {
          if (!alreadyReported.contains(f.uid())) {
            condStore.flagsFetch(f.sequence(), f.uid(), true, f.flags(), f.modSeq());
          }
        }
        case MailboxView.UidValidityChanged u -> {
          out.status(null, Status.BYE, new ResponseCode.UidValidity(u.uidValidity()),
              "Concurrent changes on another server renumbered this mailbox; please resynchronise");
          throw new ImapSession.SessionEnded();
        }
      }
    }
  }

  String flagsText(long uid, Flags flags) {
    List<String> names = new ArrayList<>(flags.names());
    if (selection != null && selection.recent.contains(uid)) {
      names.add("\\Recent");
    }
    return String.join(" ", names);
  }

  // ---- expunge ----

  private void expungeDeleted(SequenceSet uids, boolean report) {
    MailboxView view = selection.view;
    List<MessageId> doomed = new ArrayList<>();
    selection.mailbox().read(state -> {
      for (UidIndex.Entry entry : state.entries()) {
        if (entry.flags().contains("\\Deleted") && view.sequenceOf(entry.uid()) > 0
            && (uids == null || uids.contains(entry.uid(), view.lastUid()))) {
          doomed.add(entry.message());
        }
      }
      return null;
    });
    if (!doomed.isEmpty()) {
      selection.mailbox().expunge(doomed);
    }
    if (report) {
      reportChanges(true);
    }
  }

  // ---- IDLE ----

  private void idle(String tag) {
    requireAuthenticated();
    session.decoder.startIdle();
    out.continuation("idling");
    long poll = session.config.pollInterval().toMillis();
    long deadline = System.nanoTime() + session.config.idleTimeout().toNanos();
    while (true) {
      Object next = session.next(poll);
      if (next instanceof ImapFrame.IdleDone done) {
        if (!done.done()) {
          throw ImapFailure.bad("Expected DONE.");
        }
        break;
      }
      if (next == null) {
        if (System.nanoTime() > deadline) {
          out.status(null, Status.BYE, null, "Idle for too long");
          throw new ImapSession.SessionEnded();
        }
        if (selection != null) {
          // Other nodes' changes (this node's arrive as signals), one sync per period for all the
          // sessions polling the mailbox here; the list too, for a deletion of the selected mailbox.
          try {
            account.pollMailboxes(session.config.pollInterval());
            selection.mailbox().poll(session.config.pollInterval());
          } catch (TransientStorageException e) {
            // The client is idle, not waiting for an answer: stay in IDLE and poll again next time
            // rather than end it with a NO it did not ask for.
            LOG.warn("IDLE poll of mailbox {} failed, trying again: {}", selection.mailbox().id(), e.getMessage());
          }
        }
      } else if (next instanceof ImapFrame frame) {
        ReferenceCountUtil.release(frame);
        continue;
      }
      reportChanges(true);
      out.flush();
    }
    reportChanges(true);
    ok(tag, "Idle completed.");
  }

  // ---- APPEND ----

  void append(Command.Append command, ImapFrame.AppendStart start) {
    try {
      requireAuthenticated();
      MailboxName name = mailboxName(command.mailbox());
      Optional<MailboxList.Binding> binding = account.mailboxes().lookup(name);
      if (binding.isEmpty()) {
        throw ImapFailure.no(ResponseCode.Basic.TRYCREATE, "Mailbox doesn't exist: " + name.value());
      }
    } catch (RuntimeException e) {
      skipAppendLiteral(start);
      throw e;
    }
    if (start.synchronising()) {
      session.decoder.acceptAppendLiteral();
      out.continuation("Ready for literal data");
    }
    messages.append(command, start);
  }

  /** Consumes (and drops) an APPEND message the session refuses. */
  void skipAppendLiteral(ImapFrame.AppendStart start) {
    if (start.synchronising()) {
      session.decoder.rejectAppendLiteral();
      return;
    }
    while (true) {
      Object next = session.next(-1);
      ReferenceCountUtil.release(next);
      if (next instanceof ImapFrame.AppendEnd) {
        return;
      }
    }
  }

  // ---- end ----

  void close() {
    deselect();
    if (lease != null) {
      lease.close();
      lease = null;
      account = null;
    }
  }
}
