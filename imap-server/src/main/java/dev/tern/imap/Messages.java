package dev.tern.imap;

import dev.tern.imap.protocol.Command;
import dev.tern.imap.protocol.FetchAttribute.BodySection;
import dev.tern.imap.protocol.FetchAttribute;
import dev.tern.imap.protocol.Flag;
import dev.tern.imap.protocol.ImapDates;
import dev.tern.imap.protocol.ImapFrame;
import dev.tern.imap.protocol.ImapWriter;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.mailbox.Account;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.Mailbox;
import dev.tern.mailbox.MailboxList;
import dev.tern.mailbox.MailboxName;
import dev.tern.mailbox.MailboxView;
import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.MessageMeta;
import dev.tern.mailbox.MessageStore;
import dev.tern.mailbox.UidIndex;
import dev.tern.mailbox.UidIndexOp.Added;
import dev.tern.mailbox.message.LineEndNormalizer;
import dev.tern.mailbox.message.MessageSummary;
import dev.tern.storage.ObjectNotFoundException;
import dev.tern.storage.PermanentStorageException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Commands on messages: FETCH (streamed, one message at a time), COPY, MOVE and APPEND (streamed
 * into the encrypted blob as the literal arrives).
 */
final class Messages {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Commands commands;

  Messages(Commands commands) {
    this.commands = commands;
  }

  private ImapWriter out() {
    return commands.out();
  }

  /** The UIDs a set names in the client's view, ascending; BAD for sequence numbers it does not know. */
  List<Long> resolve(boolean uid, SequenceSet set) {
    MailboxView view = commands.selection().view;
    int count = view.count();
    List<Long> uids = new ArrayList<>();
    if (!uid) {
      for (SequenceSet.Range range : set.ranges()) {
        long from = range.from() == SequenceSet.STAR ? count : range.from();
        long to = range.to() == SequenceSet.STAR ? count : range.to();
        if (Math.max(from, to) > count || Math.min(from, to) < 1) {
          throw ImapFailure.bad("Invalid message sequence number");
        }
      }
    }
    long lastUid = view.lastUid();
    for (int seq = 1; seq <= count; seq++) {
      long u = view.uidAt(seq);
      if (uid ? set.contains(u, lastUid) : set.contains(seq, count)) {
        uids.add(u);
      }
    }
    return uids;
  }

  // ---- FETCH ----

  void fetch(Command.Fetch command) {
    Commands.Selection selection = commands.selection();
    MailboxView view = selection.view;
    CondStore condStore = commands.condStore();
    condStore.refuseVanished(command);
    List<Long> requested = resolve(command.uid(), command.set());
    // CHANGEDSINCE: only messages changed since, and MODSEQ as if asked for (RFC 7162 §3.1.4.1).
    // Filtered before \Seen is set below, which must not touch the messages left out.
    List<Long> uids = command.changedSince() < 0 ? requested
        : condStore.changedSince(requested, command.changedSince());
    List<FetchAttribute> attributes = new ArrayList<>(command.attributes());
    if (command.uid() && !attributes.contains(FetchAttribute.Simple.UID)) {
      attributes.add(0, FetchAttribute.Simple.UID);
    }
    if (command.changedSince() >= 0 && !attributes.contains(FetchAttribute.Simple.MODSEQ)) {
      attributes.add(FetchAttribute.Simple.MODSEQ);
    }
    boolean setsSeen = !selection.readOnly && attributes.stream().anyMatch(a -> a == FetchAttribute.Simple.RFC822
        || a == FetchAttribute.Simple.RFC822_TEXT || (a instanceof BodySection s && !s.peek()));
    Set<Long> seenNow = new HashSet<>();
    if (setsSeen) {
      List<MessageId> unseen = new ArrayList<>();
      selection.mailbox().read(state -> {
        for (long uid : uids) {
          UidIndex.Entry entry = state.byUid(uid);
          if (entry != null && !entry.flags().contains("\\Seen")) {
            unseen.add(entry.message());
            seenNow.add(uid);
          }
        }
        return null;
      });
      if (!unseen.isEmpty()) {
        selection.mailbox().storeFlags(unseen, Mailbox.FlagChange.ADD, Flags.of("\\Seen"));
      }
    }
    MessageStore store = commands.account().messages();
    boolean needsMeta = attributes.stream().anyMatch(a -> a != FetchAttribute.Simple.UID
        && a != FetchAttribute.Simple.FLAGS && a != FetchAttribute.Simple.MODSEQ);
    boolean vanished = false;
    for (long uid : uids) {
      UidIndex.Entry entry = selection.mailbox().read(state -> state.byUid(uid));
      if (entry == null) {
        continue; // expunged by another session; reported at the next command that may
      }
      MessageMeta meta = null;
      if (needsMeta) {
        try {
          meta = meta(store, entry.message());
        } catch (ObjectNotFoundException e) {
          if (stillPresent(selection.mailbox(), entry.message())) {
            throw e;
          }
          vanished = true; // expunged on another node and collected since
          continue;
        }
      }
      int seq = view.sequenceOf(uid);
      ImapWriter.Response response = out().untagged().number(seq).raw("FETCH").open();
      MessageSummary summary = null; // decoded once, for every structure item and section of the message
      boolean flagsSent = false;
      for (FetchAttribute attribute : attributes) {
        switch (attribute) {
          case FetchAttribute.Simple simple -> {
            switch (simple) {
              case UID -> response.raw("UID").number(uid);
              case FLAGS -> {
                response.raw("FLAGS (" + commands.flagsText(uid, entry.flags()) + ")");
                flagsSent = true;
              }
              case MODSEQ -> response.raw("MODSEQ (" + entry.modSeq() + ")");
              case INTERNALDATE -> {
                meta = meta != null ? meta : meta(store, entry.message());
                response.raw("INTERNALDATE").raw("\"" + ImapDates.formatDateTime(meta.internalDate()) + "\"");
              }
              case RFC822_SIZE -> {
                meta = meta != null ? meta : meta(store, entry.message());
                response.raw("RFC822.SIZE").number(meta.size());
              }
              case ENVELOPE, BODY, BODYSTRUCTURE -> {
                meta = meta != null ? meta : meta(store, entry.message());
                summary = summary != null ? summary : Structure.summary(meta);
                response.raw(simple.wireName());
                Structure.write(response, simple, summary);
              }
              case RFC822, RFC822_HEADER, RFC822_TEXT -> {
                meta = meta != null ? meta : meta(store, entry.message());
                FetchAttribute.Section whole = switch (simple) {
                  case RFC822_HEADER -> Sections.header();
                  case RFC822_TEXT -> Sections.text();
                  default -> Sections.whole();
                };
                summary = summary != null ? summary : Structure.summary(meta);
                body(response, simple.wireName(), store, entry.message(), summary, whole, null);
              }
            }
          }
          case BodySection section -> {
            String name = "BODY[" + Sections.spec(section.section()) + "]"
                + (section.partial() == null ? "" : "<" + section.partial().start() + ">");
            meta = meta != null ? meta : meta(store, entry.message());
            summary = summary != null ? summary : Structure.summary(meta);
            body(response, name, store, entry.message(), summary, section.section(), section.partial());
          }
        }
      }
      if (seenNow.contains(uid) && !flagsSent) {
        response.raw("FLAGS (" + commands.flagsText(uid, Flags.of("\\Seen").plus(entry.flags())) + ")");
      }
      if (seenNow.contains(uid) && condStore.enabled() && !attributes.contains(FetchAttribute.Simple.MODSEQ)) {
        response.raw("MODSEQ (" + entry.modSeq() + ")"); // the \Seen just set changed it (RFC 7162 §3.1)
      }
      response.close().end();
    }
    commands.reportChanges(command.uid(), seenNow);
    if (vanished) {
      throw ImapFailure.no(ResponseCode.Basic.EXPUNGEISSUED, "Some of the requested messages no longer exist.");
    }
  }

  /** Whether a message whose objects are gone is still in the mailbox, as the store says now. */
  private static boolean stillPresent(Mailbox mailbox, MessageId id) {
    mailbox.sync();
    return mailbox.read(state -> state.contains(id));
  }

  private static MessageMeta meta(MessageStore store, MessageId id) {
    try {
      return MessageMeta.fromBytes(store.getMeta(id));
    } catch (IOException e) {
      throw new PermanentStorageException("unreadable summary of message " + id, e);
    }
  }

  private static void body(ImapWriter.Response response, String name, MessageStore store, MessageId id,
      MessageSummary summary, FetchAttribute.Section section, FetchAttribute.Partial partial) {
    response.raw(name);
    Sections.write(response, store, id, summary, section, partial);
  }

  // ---- COPY / MOVE ----

  /** Copies (or moves) messages; returns the COPYUID code, or null when nothing was copied. */
  ResponseCode copy(boolean uid, SequenceSet set, MailboxName target, boolean move) {
    Commands.Selection selection = commands.selection();
    Account account = commands.account();
    if (account.mailboxes().lookup(target).isEmpty()) {
      throw ImapFailure.no(ResponseCode.Basic.TRYCREATE, "Mailbox doesn't exist: " + target.value());
    }
    List<Long> uids = resolve(uid, set);
    selection.mailbox().sync(); // never copy what another node expunged: its blob may be collected
    List<Long> sourceUids = new ArrayList<>();
    List<Added> added = new ArrayList<>();
    selection.mailbox().read(state -> {
      for (long u : uids) {
        UidIndex.Entry entry = state.byUid(u);
        if (entry != null) {
          sourceUids.add(u);
          added.add(new Added(entry.message(), entry.flags().minus(Flags.of("\\Recent"))));
        }
      }
      return null;
    });
    if (added.isEmpty()) {
      if (move) {
        commands.reportChanges(true);
      }
      return null;
    }
    Account.Selected destination = account.select(target);
    boolean sameMailbox = destination.mailbox().id().equals(selection.mailbox().id());
    List<Added> placing = sameMailbox ? duplicate(account.messages(), added) : added;
    Mailbox.Placed placed = destination.mailbox().add(placing);
    long uidValidity = destination.binding().uidValidity(placed.uidValidity());
    ResponseCode code = new ResponseCode.CopyUid(uidValidity, compress(sourceUids), compress(placed.uids()));
    if (move) {
      if (!sameMailbox) {
        selection.mailbox().expunge(added.stream().map(Added::message).toList());
      }
      out().untagged().raw("OK").code(code).text("Moved").end();
      commands.reportChanges(true);
      return null;
    }
    return code;
  }

  /** A copy into the same mailbox needs new message ids: the same id names one message there. */
  private static List<Added> duplicate(MessageStore store, List<Added> originals) {
    List<Added> copies = new ArrayList<>(originals.size());
    for (Added original : originals) {
      MessageId copy = MessageId.random(RANDOM);
      long size = store.blobSize(original.message());
      try (InputStream in = store.openBlob(original.message())) {
        store.putBlob(copy, in, size);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      store.putMeta(copy, store.getMeta(original.message()));
      copies.add(new Added(copy, original.flags()));
    }
    return copies;
  }

  static SequenceSet compress(List<Long> numbers) {
    List<SequenceSet.Range> ranges = new ArrayList<>();
    long from = -1;
    long to = -1;
    for (long n : numbers) {
      if (from >= 0 && n == to + 1) {
        to = n;
        continue;
      }
      if (from >= 0) {
        ranges.add(new SequenceSet.Range(from, to));
      }
      from = n;
      to = n;
    }
    if (from >= 0) {
      ranges.add(new SequenceSet.Range(from, to));
    }
    return new SequenceSet(ranges);
  }

  // ---- APPEND ----

  void append(Command.Append command, ImapFrame.AppendStart start) {
    Account account = commands.account();
    MailboxName name = commands.mailboxName(command.mailbox());
    MessageId id = MessageId.random(RANDOM);
    MessageStore store = account.messages();
    long size = start.size();
    OffsetDateTime date = command.date() != null ? command.date() : OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
    MessageSummary summary = receive(store, id, size, date);
    store.putMeta(id, new MessageMeta(date, summary.size(), Summaries.Parsing.encode(summary)).toBytes());
    List<String> flagNames = command.flags().stream().map(Flag::name)
        .filter(f -> !f.equalsIgnoreCase("\\Recent")).toList();
    MailboxList.Binding binding = account.mailboxes().lookup(name)
        .orElseThrow(() -> ImapFailure.no(ResponseCode.Basic.TRYCREATE, "Mailbox doesn't exist: " + name.value()));
    Mailbox mailbox = account.mailbox(binding.id());
    Mailbox.Placed placed = mailbox.add(List.of(new Added(id, Flags.of(flagNames)))); // add() syncs first
    long uidValidity = binding.uidValidity(placed.uidValidity());
    if (commands.selection() != null && commands.selection().mailbox().id().equals(mailbox.id())) {
      commands.reportChanges(true);
    }
    commands.ok(command.tag(), new ResponseCode.AppendUid(uidValidity, placed.uids().get(0)), "Append completed.");
  }

  /**
   * Streams the APPEND literal, as its chunks arrive, into the encrypted blob and the summary
   * parser; returns the encoded summary once both are done and the blob is durable.
   */
  private MessageSummary receive(MessageStore store, MessageId id, long size, OffsetDateTime date) {
    PipedInputStream blobIn = new PipedInputStream(256 * 1024);
    PipedOutputStream blobOut;
    try {
      blobOut = new PipedOutputStream(blobIn);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Summaries.Parsing parsing = Summaries.start(date);
    LineEndNormalizer.Scan scan = new LineEndNormalizer.Scan();
    CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> store.putBlob(id, blobIn, size),
        runnable -> Thread.ofVirtual().name("append-" + id).start(runnable));
    byte[] trailer = null;
    boolean broken = false;
    try {
      while (trailer == null) {
        Object next = commands.session().next(-1);
        switch (next) {
          case ImapFrame.AppendChunk chunk -> {
            try {
              if (!broken) {
                byte[] bytes = new byte[chunk.content().readableBytes()];
                chunk.content().readBytes(bytes);
                blobOut.write(bytes);
                parsing.feed(bytes);
                scan.feed(bytes, 0, bytes.length);
              }
            } catch (IOException e) {
              broken = true; // the upload failed; keep consuming the literal, report below
            } finally {
              ReferenceCountUtil.release(chunk);
            }
          }
          case ImapFrame.AppendEnd end -> trailer = end.trailer();
          default -> ReferenceCountUtil.release(next);
        }
      }
    } finally {
      try {
        blobOut.close();
      } catch (IOException ignored) {
        // the reader is gone: the upload failed and says why below
      }
    }
    try {
      upload.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("storing the message failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImapSession.SessionEnded();
    }
    if (trailer.length > 0) {
      store.delete(id);
      throw ImapFailure.bad("Only one message per APPEND (MULTIAPPEND is not supported)");
    }
    MessageSummary summary = parsing.finish();
    if (scan.changes()) {
      // Odd line ends (bare LF, CR runs): store the message as Dovecot serves it, rewritten from
      // the raw copy just stored, which no op references yet. Clients send CRLF, so this is rare.
      try (InputStream normalised = new LineEndNormalizer(store.openBlob(id))) {
        store.putBlob(id, normalised, summary.physicalSize()); // fails unless exactly that long
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return summary;
  }
}
