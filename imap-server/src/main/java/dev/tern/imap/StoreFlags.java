package dev.tern.imap;

import dev.tern.imap.protocol.Command;
import dev.tern.imap.protocol.Flag;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.Mailbox;
import dev.tern.mailbox.MailboxView;
import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.UidIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * STORE and UID STORE (RFC 3501 §6.4.6), with CONDSTORE's UNCHANGEDSINCE (RFC 7162 §3.1.3):
 * messages changed since the given mod-sequence are left alone and named in {@code [MODIFIED]}.
 */
final class StoreFlags {

  private final Commands commands;

  StoreFlags(Commands commands) {
    this.commands = commands;
  }

  /** Runs the STORE and answers it, tagged response included. */
  void run(Command.Store command) {
    Commands.Selection selection = commands.selection();
    CondStore condStore = commands.condStore();
    MailboxView view = selection.view;
    List<Long> uids = commands.messages().resolve(command.uid(), command.set());
    List<String> names = command.flags().stream().map(Flag::name).filter(n -> !n.equalsIgnoreCase("\\Recent")).toList();
    Map<MessageId, Long> uidOf = new HashMap<>();
    List<MessageId> ids = new ArrayList<>();
    selection.mailbox().read(state -> {
      for (long uid : uids) {
        UidIndex.Entry entry = state.byUid(uid);
        if (entry != null) {
          ids.add(entry.message());
          uidOf.put(entry.message(), uid);
        }
      }
      return null;
    });
    Mailbox.FlagChange change = switch (command.mode()) {
      case ADD -> Mailbox.FlagChange.ADD;
      case REMOVE -> Mailbox.FlagChange.REMOVE;
      case REPLACE -> Mailbox.FlagChange.REPLACE;
    };
    long unchangedSince = command.unchangedSince() >= 0 ? command.unchangedSince() : Long.MAX_VALUE;
    Mailbox.Stored stored = ids.isEmpty() ? new Mailbox.Stored(Set.of(), Set.of())
        : selection.mailbox().storeFlags(ids, change, Flags.of(names), unchangedSince);
    Set<Long> modified = new HashSet<>();
    stored.modified().forEach(id -> modified.add(uidOf.get(id)));
    Set<Long> changed = new HashSet<>();
    stored.changed().forEach(id -> changed.add(uidOf.get(id)));

    // Answers: without .SILENT, every message stored (not those left alone: their flags are not
    // what was asked, and Dovecot sends nothing for them either); with .SILENT under CONDSTORE,
    // the new mod-sequence of each message changed (RFC 7162 §3.1.3), and nothing else.
    Set<Long> reported = new HashSet<>();
    boolean answer = !command.silent() || condStore.enabled();
    if (answer) {
      selection.mailbox().read(state -> {
        for (long uid : uids) {
          UidIndex.Entry entry = state.byUid(uid);
          int seq = view.sequenceOf(uid);
          if (entry == null || seq == 0 || modified.contains(uid) || (command.silent() && !changed.contains(uid))) {
            continue;
          }
          condStore.flagsFetch(seq, uid, command.uid(), command.silent() ? null : entry.flags(), entry.modSeq());
          reported.add(uid);
        }
        return null;
      });
    } else {
      reported.addAll(uids);
    }
    // MODIFIED names sequence numbers as the client knows them now, before any EXPUNGE below.
    List<Long> numbers = new ArrayList<>();
    for (long uid : uids) {
      if (modified.contains(uid)) {
        numbers.add(command.uid() ? uid : view.sequenceOf(uid));
      }
    }
    commands.reportChanges(command.uid(), reported);
    if (numbers.isEmpty()) {
      commands.ok(command.tag(), "Store completed.");
    } else {
      commands.ok(command.tag(), new ResponseCode.Modified(Messages.compress(numbers)), "Conditional STORE failed.");
    }
  }
}
