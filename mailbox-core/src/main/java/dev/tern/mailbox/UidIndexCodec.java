package dev.tern.mailbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tern.log.LogCodec;
import dev.tern.mailbox.UidIndexOp.Added;
import dev.tern.mailbox.UidIndexOp.FlagAdd;
import dev.tern.mailbox.UidIndexOp.FlagDel;
import dev.tern.mailbox.UidIndexOp.FlagSet;
import dev.tern.mailbox.UidIndexOp.MailAdd;
import dev.tern.mailbox.UidIndexOp.MailDel;
import dev.tern.mailbox.UidIndexOp.RecentClaim;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The UID index's ops and checkpoints as CBOR (Jackson's streaming API: no object tree, so a
 * 100 000-message checkpoint is written and read one message at a time).
 *
 * <p>Format version 2, positional arrays so field names cost nothing:
 * <pre>
 * op         [kind, seen, ...]
 *   MailAdd  [0, seen, uidHint, [[idHigh, idLow, [flag...]], ...]]
 *   MailDel  [1, seen, [idHigh, idLow, idHigh, idLow, ...]]
 *   FlagAdd  [2, seen, [flag...], [idHigh, idLow, ...]]   FlagDel 3, FlagSet 4: same shape
 *   RecentClaim [5, seen, upTo]                            since version 2
 * state      [uidValidity, uidNext, s, opCount, concurrentOps,
 *             recentUpTo,                                  since version 2
 *             [[flag...], ...],                          distinct flag sets, referred to by index
 *             [uid, idHigh, idLow, flagSet, stamp, ...],   live messages in UID order
 *             [first, last, stamp, ...]]                   expunged UID ranges
 * </pre>
 * Version 1 is version 2 without {@code RecentClaim} and without {@code recentUpTo}; it is still
 * read (as {@code recentUpTo} 0, no claim yet), so stores written before \Recent was kept in the
 * log keep working. A reader rejects anything else with an {@link IOException}; the log reports
 * the object as unreadable rather than guessing.
 */
public final class UidIndexCodec implements LogCodec<UidIndex, UidIndexOp> {

  static final int VERSION = 2;
  /** The oldest version still read. */
  static final int OLDEST_VERSION = 1;
  /** The first version with {@link RecentClaim} and {@code recentUpTo}. */
  private static final int RECENT_SINCE = 2;
  private static final int MAIL_ADD = 0;
  private static final int MAIL_DEL = 1;
  private static final int FLAG_ADD = 2;
  private static final int FLAG_DEL = 3;
  private static final int FLAG_SET = 4;
  private static final int RECENT_CLAIM = 5;

  @Override
  public int formatVersion() {
    return VERSION;
  }

  // ---- ops ----

  @Override
  public void writeOp(UidIndexOp op, OutputStream out) throws IOException {
    try (JsonGenerator gen = CborReader.FACTORY.createGenerator(out)) {
      gen.writeStartArray();
      switch (op) {
        case MailAdd add -> {
          header(gen, MAIL_ADD, add.seen());
          gen.writeNumber(add.uidHint());
          gen.writeStartArray();
          for (Added added : add.messages()) {
            gen.writeStartArray();
            gen.writeNumber(added.message().high());
            gen.writeNumber(added.message().low());
            writeFlags(gen, added.flags());
            gen.writeEndArray();
          }
          gen.writeEndArray();
        }
        case MailDel del -> {
          header(gen, MAIL_DEL, del.seen());
          writeIds(gen, del.messages());
        }
        case FlagAdd flagAdd -> flagOp(gen, FLAG_ADD, flagAdd.seen(), flagAdd.flags(), flagAdd.messages());
        case FlagDel flagDel -> flagOp(gen, FLAG_DEL, flagDel.seen(), flagDel.flags(), flagDel.messages());
        case FlagSet flagSet -> flagOp(gen, FLAG_SET, flagSet.seen(), flagSet.flags(), flagSet.messages());
        case RecentClaim claim -> {
          header(gen, RECENT_CLAIM, claim.seen());
          gen.writeNumber(claim.upTo());
        }
      }
      gen.writeEndArray();
    }
  }

  @Override
  public UidIndexOp readOp(int formatVersion, InputStream in) throws IOException {
    CborReader.checkVersion("UID index", formatVersion, OLDEST_VERSION, VERSION);
    try (JsonParser parser = CborReader.FACTORY.createParser(in)) {
      CborReader r = new CborReader(parser);
      r.startArray();
      int kind = (int) r.number();
      long seen = r.number();
      UidIndexOp op = switch (kind) {
        case MAIL_ADD -> {
          long hint = r.number();
          List<Added> added = new ArrayList<>();
          r.startArray();
          while (r.nextIsNotEnd()) {
            r.expect(JsonToken.START_ARRAY);
            MessageId id = new MessageId(r.number(), r.number());
            added.add(new Added(id, r.flags()));
            r.endArray();
          }
          yield new MailAdd(added, hint, seen);
        }
        case MAIL_DEL -> new MailDel(r.ids(), seen);
        case FLAG_ADD -> {
          Flags flags = r.flags();
          yield new FlagAdd(r.ids(), flags, seen);
        }
        case FLAG_DEL -> {
          Flags flags = r.flags();
          yield new FlagDel(r.ids(), flags, seen);
        }
        case FLAG_SET -> {
          Flags flags = r.flags();
          yield new FlagSet(r.ids(), flags, seen);
        }
        case RECENT_CLAIM -> {
          if (formatVersion < RECENT_SINCE) {
            throw new IOException("UID index op kind " + kind + " in format version " + formatVersion);
          }
          yield new RecentClaim(r.number(), seen);
        }
        default -> throw new IOException("unknown UID index op kind " + kind);
      };
      r.endArray();
      r.end();
      return op;
    }
  }

  private static void header(JsonGenerator gen, int kind, long seen) throws IOException {
    gen.writeNumber(kind);
    gen.writeNumber(seen);
  }

  private static void flagOp(JsonGenerator gen, int kind, long seen, Flags flags, List<MessageId> messages)
      throws IOException {
    header(gen, kind, seen);
    writeFlags(gen, flags);
    writeIds(gen, messages);
  }

  private static void writeFlags(JsonGenerator gen, Flags flags) throws IOException {
    gen.writeStartArray();
    for (String name : flags.names()) {
      gen.writeString(name);
    }
    gen.writeEndArray();
  }

  private static void writeIds(JsonGenerator gen, List<MessageId> messages) throws IOException {
    gen.writeStartArray();
    for (MessageId message : messages) {
      gen.writeNumber(message.high());
      gen.writeNumber(message.low());
    }
    gen.writeEndArray();
  }

  // ---- checkpoints ----

  @Override
  public void writeState(UidIndex index, OutputStream out) throws IOException {
    try (JsonGenerator gen = CborReader.FACTORY.createGenerator(out)) {
      gen.writeStartArray();
      gen.writeNumber(index.uidValidity());
      gen.writeNumber(index.uidNext());
      gen.writeNumber(index.internalSequence());
      gen.writeNumber(index.opCount());
      gen.writeNumber(index.concurrentOps());
      gen.writeNumber(index.recentUpTo());

      Map<Flags, Integer> flagSets = new HashMap<>();
      List<Flags> ordered = new ArrayList<>();
      for (UidIndex.Entry entry : index.entries()) {
        if (flagSets.putIfAbsent(entry.flags(), ordered.size()) == null) {
          ordered.add(entry.flags());
        }
      }
      gen.writeStartArray();
      for (Flags flags : ordered) {
        writeFlags(gen, flags);
      }
      gen.writeEndArray();

      long concurrent = index.concurrentOps();
      gen.writeStartArray();
      for (UidIndex.Entry entry : index.entries()) {
        gen.writeNumber(entry.uid());
        gen.writeNumber(entry.message().high());
        gen.writeNumber(entry.message().low());
        gen.writeNumber(flagSets.get(entry.flags()));
        gen.writeNumber(entry.modSeq() - concurrent);
      }
      gen.writeEndArray();

      gen.writeStartArray();
      for (Expunged.Range range : index.expungedRanges()) {
        gen.writeNumber(range.first());
        gen.writeNumber(range.last());
        gen.writeNumber(range.stamp());
      }
      gen.writeEndArray();
      gen.writeEndArray();
    }
  }

  @Override
  public UidIndex readState(int formatVersion, InputStream in) throws IOException {
    CborReader.checkVersion("UID index", formatVersion, OLDEST_VERSION, VERSION);
    try (JsonParser parser = CborReader.FACTORY.createParser(in)) {
      CborReader r = new CborReader(parser);
      r.startArray();
      long uidValidity = r.number();
      long uidNext = r.number();
      long sequence = r.number();
      long opCount = r.number();
      long concurrentOps = r.number();
      long recentUpTo = formatVersion >= RECENT_SINCE ? r.number() : 0; // before: no claim was ever kept
      UidIndex index = UidIndex.restore(uidValidity, uidNext, sequence, opCount, concurrentOps, recentUpTo);
      List<Flags> flagSets = new ArrayList<>();
      r.startArray();
      while (r.nextIsNotEnd()) {
        flagSets.add(r.flagsAfterStart());
      }
      r.startArray();
      while (r.nextIsNotEnd()) {
        long uid = r.current();
        MessageId id = new MessageId(r.number(), r.number());
        long flagSet = r.number();
        if (flagSet < 0 || flagSet >= flagSets.size()) {
          throw new IOException("flag set " + flagSet + " not in the checkpoint's table");
        }
        index.restoreMessage(uid, id, flagSets.get((int) flagSet), r.number());
      }
      r.startArray();
      while (r.nextIsNotEnd()) {
        index.restoreExpunged(r.current(), r.number(), r.number());
      }
      r.endArray();
      r.end();
      return index;
    }
  }

}
