package dev.tern.mailbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tern.log.LogCodec;
import dev.tern.mailbox.MailboxList.Binding;
import dev.tern.mailbox.MailboxListOp.Create;
import dev.tern.mailbox.MailboxListOp.Delete;
import dev.tern.mailbox.MailboxListOp.Rename;
import dev.tern.mailbox.MailboxListOp.SetSpecialUse;
import dev.tern.mailbox.MailboxListOp.Subscribe;
import dev.tern.mailbox.MailboxListOp.Unsubscribe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The mailbox list's ops and checkpoints as CBOR, positional like {@link UidIndexCodec}.
 *
 * <p>Format version 1:
 * <pre>
 * Create [0, name, idHigh, idLow, uidValidity, [use...]]     Delete [1, name, idHigh, idLow, uidValidityNow]
 * Rename [2, from, to, idHigh, idLow, uidValidityNow]         Subscribe [3, name]   Unsubscribe [4, name]
 * SetSpecialUse [5, name, idHigh, idLow, [use...]]
 * state  [[name, idHigh, idLow, offset, firstUidValidity, [use...]]..., [name, floor]..., [name...]]
 * </pre>
 */
public final class MailboxListCodec implements LogCodec<MailboxList, MailboxListOp> {

  static final int VERSION = 1;

  @Override
  public int formatVersion() {
    return VERSION;
  }

  @Override
  public void writeOp(MailboxListOp op, OutputStream out) throws IOException {
    try (JsonGenerator gen = CborReader.FACTORY.createGenerator(out)) {
      gen.writeStartArray();
      switch (op) {
        case Create create -> {
          gen.writeNumber(0);
          gen.writeString(create.name().value());
          writeId(gen, create.id());
          gen.writeNumber(create.uidValidity());
          writeStrings(gen, create.specialUse());
        }
        case Delete delete -> {
          gen.writeNumber(1);
          gen.writeString(delete.name().value());
          writeId(gen, delete.id());
          gen.writeNumber(delete.uidValidityNow());
        }
        case Rename rename -> {
          gen.writeNumber(2);
          gen.writeString(rename.from().value());
          gen.writeString(rename.to().value());
          writeId(gen, rename.id());
          gen.writeNumber(rename.uidValidityNow());
        }
        case Subscribe subscribe -> {
          gen.writeNumber(3);
          gen.writeString(subscribe.name().value());
        }
        case Unsubscribe unsubscribe -> {
          gen.writeNumber(4);
          gen.writeString(unsubscribe.name().value());
        }
        case SetSpecialUse set -> {
          gen.writeNumber(5);
          gen.writeString(set.name().value());
          writeId(gen, set.id());
          writeStrings(gen, set.specialUse());
        }
      }
      gen.writeEndArray();
    }
  }

  @Override
  public MailboxListOp readOp(int formatVersion, InputStream in) throws IOException {
    CborReader.checkVersion("mailbox list", formatVersion, VERSION);
    try (JsonParser parser = CborReader.FACTORY.createParser(in)) {
      CborReader r = new CborReader(parser);
      r.startArray();
      int kind = (int) r.number();
      MailboxListOp op = switch (kind) {
        case 0 -> new Create(name(r), id(r), r.number(), r.strings());
        case 1 -> new Delete(name(r), id(r), r.number());
        case 2 -> new Rename(name(r), name(r), id(r), r.number());
        case 3 -> new Subscribe(name(r));
        case 4 -> new Unsubscribe(name(r));
        case 5 -> new SetSpecialUse(name(r), id(r), r.strings());
        default -> throw new IOException("unknown mailbox list op kind " + kind);
      };
      r.endArray();
      r.end();
      return op;
    }
  }

  @Override
  public void writeState(MailboxList list, OutputStream out) throws IOException {
    try (JsonGenerator gen = CborReader.FACTORY.createGenerator(out)) {
      gen.writeStartArray();
      gen.writeStartArray();
      for (Map.Entry<MailboxName, Binding> entry : list.mailboxes().entrySet()) {
        Binding binding = entry.getValue();
        gen.writeStartArray();
        gen.writeString(entry.getKey().value());
        writeId(gen, binding.id());
        gen.writeNumber(binding.uidValidityOffset());
        gen.writeNumber(binding.firstUidValidity());
        writeStrings(gen, binding.specialUse());
        gen.writeEndArray();
      }
      gen.writeEndArray();
      gen.writeStartArray();
      for (Map.Entry<MailboxName, Long> floor : list.uidValidityFloors().entrySet()) {
        gen.writeString(floor.getKey().value());
        gen.writeNumber(floor.getValue());
      }
      gen.writeEndArray();
      gen.writeStartArray();
      for (MailboxName name : list.subscriptions()) {
        gen.writeString(name.value());
      }
      gen.writeEndArray();
      gen.writeEndArray();
    }
  }

  @Override
  public MailboxList readState(int formatVersion, InputStream in) throws IOException {
    CborReader.checkVersion("mailbox list", formatVersion, VERSION);
    try (JsonParser parser = CborReader.FACTORY.createParser(in)) {
      CborReader r = new CborReader(parser);
      r.startArray();
      Map<MailboxName, Binding> bindings = new HashMap<>();
      r.startArray();
      while (r.nextIsNotEnd()) {
        r.expect(JsonToken.START_ARRAY);
        MailboxName name = name(r);
        Binding binding = new Binding(id(r), r.number(), r.number(), r.strings());
        r.endArray();
        if (bindings.put(name, binding) != null) {
          throw new IOException("mailbox " + name.value() + " twice in one checkpoint");
        }
      }
      Map<MailboxName, Long> floors = new HashMap<>();
      r.startArray();
      while (r.nextIsNotEnd()) {
        floors.put(new MailboxName(r.currentString()), r.number());
      }
      Set<MailboxName> subscriptions = new TreeSet<>();
      r.startArray();
      while (r.nextIsNotEnd()) {
        subscriptions.add(new MailboxName(r.currentString()));
      }
      r.endArray();
      r.end();
      return MailboxList.restore(bindings, floors, subscriptions);
    }
  }

  private static MailboxName name(CborReader r) throws IOException {
    return new MailboxName(r.string());
  }

  private static MailboxId id(CborReader r) throws IOException {
    return new MailboxId(r.number(), r.number());
  }

  private static void writeId(JsonGenerator gen, MailboxId id) throws IOException {
    gen.writeNumber(id.high());
    gen.writeNumber(id.low());
  }

  private static void writeStrings(JsonGenerator gen, Set<String> strings) throws IOException {
    gen.writeStartArray();
    for (String s : new TreeSet<>(strings)) {
      gen.writeString(s);
    }
    gen.writeEndArray();
  }

}
