package dev.tern.imap.protocol;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed IMAP command. One record per command family, so a session can {@code switch}
 * exhaustively; UID variants are the same record with {@code uid == true}.
 */
public sealed interface Command extends ParseResult {

  String tag();

  record Capability(String tag) implements Command {}

  record Noop(String tag) implements Command {}

  record Logout(String tag) implements Command {}

  record StartTls(String tag) implements Command {}

  /**
   * @param initialResponse SASL-IR base64 text ({@code ""} for {@code =}), or null when absent
   */
  record Authenticate(String tag, String mechanism, String initialResponse) implements Command {}

  record Login(String tag, String user, String password) implements Command {
    @Override
    public String toString() {
      return "Login[tag=" + tag + ", user=" + user + ", password=<redacted>]";
    }
  }

  /**
   * SELECT ({@code readOnly == false}) or EXAMINE, with the CONDSTORE and QRESYNC parameters.
   *
   * @param qresync the QRESYNC parameters, or null
   */
  record Select(String tag, MailboxArg mailbox, boolean readOnly, boolean condStore, QResync qresync)
      implements Command {}

  /**
   * QRESYNC select parameter (RFC 7162 §3.2.5).
   *
   * @param knownUids null if absent
   * @param knownSequences null if absent; {@code knownSequenceUids} then null too
   */
  record QResync(long uidValidity, long modSeq, SequenceSet knownUids, SequenceSet knownSequences,
      SequenceSet knownSequenceUids) {}

  /** CREATE, with CREATE-SPECIAL-USE attributes ({@code \Sent}…) if any. */
  record Create(String tag, MailboxArg mailbox, List<String> specialUse) implements Command {
    public Create {
      specialUse = List.copyOf(specialUse);
    }
  }

  record Delete(String tag, MailboxArg mailbox) implements Command {}

  record Rename(String tag, MailboxArg from, MailboxArg to) implements Command {}

  record Subscribe(String tag, MailboxArg mailbox) implements Command {}

  record Unsubscribe(String tag, MailboxArg mailbox) implements Command {}

  /**
   * LIST, basic or extended (RFC 5258, RFC 5819, RFC 6154). Patterns are decoded like mailbox
   * names (left as sent if they are not valid modified UTF-7).
   *
   * @param statusItems the items of RETURN (STATUS (...)), empty if STATUS was not asked for
   */
  record ListMailboxes(String tag, String reference, List<String> patterns, Set<ListSelect> selection,
      Set<ListReturn> returns, List<StatusItem> statusItems) implements Command {
    public ListMailboxes {
      patterns = List.copyOf(patterns);
      selection = Set.copyOf(selection);
      returns = Set.copyOf(returns);
      statusItems = List.copyOf(statusItems);
    }
  }

  enum ListSelect { SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL_USE }

  enum ListReturn { SUBSCRIBED, CHILDREN, SPECIAL_USE, STATUS }

  record Lsub(String tag, String reference, String pattern) implements Command {}

  record Status(String tag, MailboxArg mailbox, List<StatusItem> items) implements Command {
    public Status {
      items = List.copyOf(items);
    }
  }

  /**
   * APPEND: everything but the message, which the decoder streams after this as
   * {@link ImapFrame.AppendChunk}s ending with {@link ImapFrame.AppendEnd}.
   *
   * @param date the INTERNALDATE to give, or null for now
   * @param size the message literal's length in bytes
   * @param binary a {@code ~{n}} literal8 (RFC 3516)
   */
  record Append(String tag, MailboxArg mailbox, List<Flag> flags, OffsetDateTime date, long size, boolean binary)
      implements Command {
    public Append {
      flags = List.copyOf(flags);
    }
  }

  record Check(String tag) implements Command {}

  record Close(String tag) implements Command {}

  record Unselect(String tag) implements Command {}

  /** EXPUNGE, or UID EXPUNGE (UIDPLUS) when {@code uids} is not null. */
  record Expunge(String tag, SequenceSet uids) implements Command {}

  /**
   * SEARCH. The charset is null (none given), {@code UTF-8} or {@code US-ASCII}; others are a
   * {@link ParseError} with BADCHARSET.
   */
  record Search(String tag, boolean uid, String charset, SearchKey key) implements Command {}

  /**
   * FETCH.
   *
   * @param changedSince CONDSTORE CHANGEDSINCE, or -1
   * @param vanished QRESYNC VANISHED modifier
   */
  record Fetch(String tag, boolean uid, SequenceSet set, List<FetchAttribute> attributes, long changedSince,
      boolean vanished) implements Command {
    public Fetch {
      attributes = List.copyOf(attributes);
    }
  }

  enum StoreMode { REPLACE, ADD, REMOVE }

  /**
   * STORE {@code FLAGS}, {@code +FLAGS} or {@code -FLAGS}, optionally {@code .SILENT}.
   *
   * @param unchangedSince CONDSTORE UNCHANGEDSINCE, or -1
   */
  record Store(String tag, boolean uid, SequenceSet set, StoreMode mode, boolean silent, List<Flag> flags,
      long unchangedSince) implements Command {
    public Store {
      flags = List.copyOf(flags);
    }
  }

  record Copy(String tag, boolean uid, SequenceSet set, MailboxArg mailbox) implements Command {}

  record Move(String tag, boolean uid, SequenceSet set, MailboxArg mailbox) implements Command {}

  record Idle(String tag) implements Command {}

  /** ENABLE; capability names upper-cased. */
  record Enable(String tag, List<String> capabilities) implements Command {
    public Enable {
      capabilities = List.copyOf(capabilities);
    }
  }

  record Namespace(String tag) implements Command {}

  /**
   * ID (RFC 2971).
   *
   * @param parameters field → value (null for NIL) in the order sent; null when the client sent NIL
   */
  record Id(String tag, Map<String, String> parameters) implements Command {
    public Id {
      parameters = parameters == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }
  }
}
