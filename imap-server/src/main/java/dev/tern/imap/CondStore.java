package dev.tern.imap;

import dev.tern.imap.protocol.Command;
import dev.tern.imap.protocol.FetchAttribute;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.SearchKey;
import dev.tern.imap.protocol.StatusItem;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.UidIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * CONDSTORE (RFC 7162 §3.1) for one connection: whether it is enabled, and what changes once it
 * is. Mod-sequences are the UID index's own (one per message, the same on every node that has
 * replayed the same log); nothing here counts anything.
 */
final class CondStore {

  private final Commands commands;
  private boolean enabled;

  CondStore(Commands commands) {
    this.commands = commands;
  }

  boolean enabled() {
    return enabled;
  }

  /**
   * Called before every command: a CONDSTORE enabling command (RFC 7162 §3.1) turns CONDSTORE on
   * for the rest of the connection. When that happens with a mailbox selected, the client has not
   * been told its HIGHESTMODSEQ yet as a CONDSTORE client, so it is told first, as Dovecot does. A
   * SELECT tells it in its own answer, and never of the mailbox it is leaving.
   */
  void before(Command command) {
    if (enabled || !enables(command)) {
      return;
    }
    enabled = true;
    Commands.Selection selection = commands.selection();
    if (selection != null && !(command instanceof Command.Select)) {
      highestModSeq(selection.view.highestModSeq());
    }
  }

  /** Whether {@code command} is a CONDSTORE enabling command in a state where it can run. */
  private boolean enables(Command command) {
    boolean authenticated = commands.account() != null;
    boolean selected = authenticated && commands.selection() != null;
    return switch (command) {
      case Command.Enable c -> authenticated && c.capabilities().contains("CONDSTORE");
      case Command.Select c -> authenticated && c.condStore();
      case Command.Status c -> authenticated && c.items().contains(StatusItem.HIGHESTMODSEQ);
      case Command.ListMailboxes c -> authenticated && c.statusItems().contains(StatusItem.HIGHESTMODSEQ);
      case Command.Fetch c -> selected && !c.vanished()
          && (c.changedSince() >= 0 || c.attributes().contains(FetchAttribute.Simple.MODSEQ));
      case Command.Store c -> selected && c.unchangedSince() >= 0;
      case Command.Search c -> selected && mentionsModSeq(c.key());
      default -> false;
    };
  }

  static boolean mentionsModSeq(SearchKey key) {
    return switch (key) {
      case SearchKey.ModSeq m -> true;
      case SearchKey.Not not -> mentionsModSeq(not.key());
      case SearchKey.Or or -> mentionsModSeq(or.left()) || mentionsModSeq(or.right());
      case SearchKey.And and -> and.keys().stream().anyMatch(CondStore::mentionsModSeq);
      default -> false;
    };
  }

  /** ENABLE: {@code * ENABLED} lists CONDSTORE whenever it is asked for, again too, as Dovecot does. */
  void enable(Command.Enable command) {
    boolean condStore = command.capabilities().contains("CONDSTORE");
    commands.out().untagged().raw(condStore ? "ENABLED CONDSTORE" : "ENABLED").end();
  }

  /** {@code * OK [HIGHESTMODSEQ n]}, in SELECT's answer or when CONDSTORE comes on. */
  void highestModSeq(long value) {
    commands.out().untagged().raw("OK").code(new ResponseCode.HighestModSeq(value)).text("Highest").end();
  }

  /**
   * FETCH's VANISHED modifier belongs to QRESYNC, which is neither advertised nor enabled, so a
   * client sending it gets BAD (RFC 7162 §3.2.6), as from Dovecot.
   */
  void refuseVanished(Command.Fetch command) {
    if (command.vanished()) {
      throw ImapFailure.bad("QRESYNC not enabled.");
    }
  }

  /** The UIDs of messages changed after {@code changedSince} (CHANGEDSINCE), in the order given. */
  List<Long> changedSince(List<Long> uids, long changedSince) {
    return commands.selection().mailbox().read(state -> {
      List<Long> changed = new ArrayList<>();
      for (long uid : uids) {
        UidIndex.Entry entry = state.byUid(uid);
        if (entry != null && entry.modSeq() > changedSince) {
          changed.add(uid);
        }
      }
      return changed;
    });
  }

  /**
   * A FETCH response telling of a flag change (a STORE's answer, another session's or node's
   * change): {@code UID} if asked, {@code MODSEQ} once CONDSTORE is enabled (RFC 7162 §3.1 — in
   * Dovecot's order, before FLAGS), and the flags unless {@code flags} is null (a silent STORE,
   * which under CONDSTORE still tells the new mod-sequence).
   */
  void flagsFetch(int sequence, long uid, boolean withUid, Flags flags, long modSeq) {
    StringBuilder items = new StringBuilder();
    if (withUid) {
      items.append("UID ").append(uid);
    }
    if (enabled) {
      items.append(items.isEmpty() ? "" : " ").append("MODSEQ (").append(modSeq).append(')');
    }
    if (flags != null) {
      items.append(items.isEmpty() ? "" : " ").append("FLAGS (").append(commands.flagsText(uid, flags)).append(')');
    }
    commands.out().untagged().number(sequence).raw("FETCH (" + items + ")").end();
  }
}
