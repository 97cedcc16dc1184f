package dev.tern.imap;

import dev.tern.imap.protocol.Command;
import dev.tern.imap.protocol.SearchKey;
import dev.tern.mailbox.MailboxView;
import dev.tern.mailbox.MessageMeta;
import dev.tern.mailbox.MessageStore;
import dev.tern.mailbox.UidIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SEARCH, one message at a time: flags, UIDs, sequence numbers and mod-sequences come from the
 * index; sizes, dates and header fields from the message's summary; BODY and TEXT read the
 * message itself (decoded text parts, see {@link MessageText}). Strings match case-insensitively
 * as substrings (RFC 3501 §6.4.4).
 */
final class Search {

  private final Commands commands;

  Search(Commands commands) {
    this.commands = commands;
  }

  void run(Command.Search command) {
    MailboxView view = commands.selection().view;
    MessageStore store = commands.account().messages();
    List<Long> found = new ArrayList<>();
    long highestModSeq = 0;
    int count = view.count();
    for (int seq = 1; seq <= count; seq++) {
      long uid = view.uidAt(seq);
      UidIndex.Entry entry = commands.selection().mailbox().read(state -> state.byUid(uid));
      if (entry == null) {
        continue;
      }
      Candidate candidate = new Candidate(seq, entry, store, count, view.lastUid());
      if (matches(command.key(), candidate)) {
        found.add(command.uid() ? uid : seq);
        highestModSeq = Math.max(highestModSeq, entry.modSeq());
      }
    }
    StringBuilder line = new StringBuilder("SEARCH");
    for (long n : found) {
      line.append(' ').append(n);
    }
    if (!found.isEmpty() && CondStore.mentionsModSeq(command.key())) {
      line.append(" (MODSEQ ").append(highestModSeq).append(')'); // RFC 7162 §3.1.5
    }
    commands.out().untagged().raw(line.toString()).end();
  }

  /** One message under test; the summary and text are loaded only if a key needs them. */
  private final class Candidate {
    final int seq;
    final UidIndex.Entry entry;
    final MessageStore store;
    final int count;
    final long lastUid;
    MessageMeta meta;
    MessageText text;

    Candidate(int seq, UidIndex.Entry entry, MessageStore store, int count, long lastUid) {
      this.seq = seq;
      this.entry = entry;
      this.store = store;
      this.count = count;
      this.lastUid = lastUid;
    }

    MessageMeta meta() {
      if (meta == null) {
        try {
          meta = MessageMeta.fromBytes(store.getMeta(entry.message()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return meta;
    }

    MessageText text() {
      if (text == null) {
        text = MessageText.of(store, entry.message(), Structure.summary(meta()));
      }
      return text;
    }
  }

  private boolean matches(SearchKey key, Candidate c) {
    return switch (key) {
      case SearchKey.All all -> true;
      case SearchKey.HasFlag has -> {
        boolean set = has.flag().name().equalsIgnoreCase("\\Recent")
            ? commands.selection().recent.contains(c.entry.uid())
            : c.entry.flags().names().stream().anyMatch(f -> f.equalsIgnoreCase(has.flag().name()));
        yield set == has.set();
      }
      case SearchKey.Header header -> c.text().headerContains(header.field(), header.value());
      case SearchKey.Body body -> c.text().bodyContains(body.value());
      case SearchKey.Text text -> c.text().headerContains(null, text.value()) || c.text().bodyContains(text.value());
      case SearchKey.Date date -> {
        LocalDate day = date.sent() ? c.text().sentDate() : c.meta().internalDate().toLocalDate();
        if (day == null) {
          yield false;
        }
        yield switch (date.comparison()) {
          case BEFORE -> day.isBefore(date.date());
          case ON -> day.isEqual(date.date());
          case SINCE -> !day.isBefore(date.date());
        };
      }
      case SearchKey.Size size -> size.larger() ? c.meta().size() > size.size() : c.meta().size() < size.size();
      case SearchKey.Sequence sequence -> sequence.set().contains(c.seq, c.count);
      case SearchKey.Uid uid -> uid.set().contains(c.entry.uid(), c.lastUid);
      case SearchKey.ModSeq modSeq -> c.entry.modSeq() >= modSeq.modSeq();
      case SearchKey.Not not -> !matches(not.key(), c);
      case SearchKey.Or or -> matches(or.left(), c) || matches(or.right(), c);
      case SearchKey.And and -> and.keys().stream().allMatch(k -> matches(k, c));
    };
  }

  static String fold(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
