package dev.tern.bench.vs;

import dev.tern.bench.vs.Dataset.SetPart;
import dev.tern.bench.vs.Dataset.Verb;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One simulated mail client of {@link MixedLoad}: logs in as its user, then draws commands with
 * the dataset's frequencies, in the states real clients send them (a FETCH or IDLE drawn with
 * nothing selected first SELECTs a mailbox, as a client would), and measures each round trip.
 * LOGOUT ends the session; the next one starts with a new connection and LOGIN.
 */
final class LoadClient {

  private static final List<String> MAILBOXES = List.of("INBOX", "Sent", "Drafts", "Archive", "Trash", "Junk");

  private final InetSocketAddress address;
  private final String user;
  private final String password;
  private final Dataset dataset;
  private final Mail mail;
  private final Random random;
  private final Verb[] draw;
  final Latencies latencies = new Latencies();
  private Wire wire;
  private String selected;
  private boolean readOnly;
  /** SELECTs sent because a command needed one: the next drawn SELECTs are skipped, to keep the mix. */
  private int selectDebt;
  boolean recording;

  LoadClient(InetSocketAddress address, String user, String password, Dataset dataset, Mail mail, long seed) {
    this.address = address;
    this.user = user;
    this.password = password;
    this.dataset = dataset;
    this.mail = mail;
    this.random = new Random(seed);
    int total = dataset.weights.entrySet().stream().filter(e -> e.getKey() != Verb.LOGIN)
        .mapToInt(Map.Entry::getValue).sum();
    draw = new Verb[total];
    int i = 0;
    for (Map.Entry<Verb, Integer> e : dataset.weights.entrySet()) {
      if (e.getKey() == Verb.LOGIN) {
        continue; // sent at the start of each session
      }
      for (int n = 0; n < e.getValue(); n++) {
        draw[i++] = e.getKey();
      }
    }
  }

  /** Runs until {@code deadline} (System.nanoTime()). */
  void run(long deadline) throws IOException {
    while (System.nanoTime() < deadline) {
      if (wire == null) {
        login();
      }
      step(draw[random.nextInt(draw.length)]);
    }
  }

  /** Ends the session in progress, if any. */
  void finish() throws IOException {
    if (wire != null) {
      wire.command("LOGOUT");
      wire.close();
      wire = null;
    }
  }

  private void login() throws IOException {
    wire = new Wire(address);
    selected = null;
    long start = System.nanoTime();
    Wire.Reply reply = wire.command("LOGIN \"" + user + "\" \"" + password + "\"");
    record(Verb.LOGIN, start, reply.tagged());
    if (!reply.ok()) {
      throw new IOException("LOGIN " + user + " refused: " + reply.tagged());
    }
  }

  private void step(Verb verb) throws IOException {
    switch (verb) {
      case CAPABILITY -> timed(verb, "CAPABILITY");
      case NOOP -> timed(verb, "NOOP");
      case ENABLE -> timed(verb, pick(dataset.enables));
      case LIST -> timed(verb, pick(dataset.lists));
      case LSUB -> timed(verb, "LSUB \"\" \"*\"");
      case STATUS -> {
        Dataset.StatusForm form = pick(dataset.statuses);
        timed(verb, "STATUS " + form.mailbox() + " " + form.items());
      }
      case SELECT -> {
        if (selectDebt > 0) {
          selectDebt--;
        } else {
          select();
        }
      }
      case EXAMINE -> {
        timed(verb, "EXAMINE INBOX");
        selected = "INBOX";
        readOnly = true;
      }
      case CHECK -> {
        ensureSelected(false);
        timed(verb, "CHECK");
      }
      case UNSELECT, CLOSE -> {
        ensureSelected(verb == Verb.CLOSE);
        timed(verb, verb.name());
        selected = null;
      }
      case EXPUNGE -> {
        ensureSelected(true);
        timed(verb, "EXPUNGE");
      }
      case FETCH -> {
        ensureSelected(false);
        Dataset.FetchForm form = pick(dataset.fetches);
        String command = (form.uid() ? "UID FETCH " : "FETCH ") + set(form.uid(), form.set()) + " " + form.items();
        if (form.changedSince()) {
          command += " (CHANGEDSINCE " + Math.max(1, wire.highestModSeq - random.nextInt(4)) + ")";
        }
        timed(verb, command);
      }
      case SEARCH -> {
        ensureSelected(false);
        timed(verb, pick(dataset.searches));
      }
      case STORE -> {
        ensureSelected(true);
        Dataset.StoreForm form = pick(dataset.stores);
        timed(verb, (form.uid() ? "UID STORE " : "STORE ") + set(form.uid(), form.set())
            + (form.silent() ? " +FLAGS.SILENT " : " +FLAGS ") + form.flags());
      }
      case MOVE -> {
        ensureSelected(true);
        String target = selected.equals("Archive") ? "INBOX" : "Archive";
        timed(verb, "UID MOVE " + set(true, List.of(new SetPart(1, 1))) + " " + target);
      }
      case IDLE -> {
        ensureSelected(false);
        idle();
      }
      case APPEND -> append();
      case LOGOUT -> {
        timed(verb, "LOGOUT");
        wire.close();
        wire = null;
      }
    }
  }

  private void select() throws IOException {
    Dataset.SelectForm form = pick(dataset.selects);
    timed(Verb.SELECT, "SELECT " + form.mailbox() + (form.condStore() ? " (CONDSTORE)" : ""));
    selected = form.mailbox();
    readOnly = false;
  }

  private void ensureSelected(boolean writable) throws IOException {
    if (selected == null || (writable && readOnly)) {
      select();
      selectDebt++;
    }
  }

  /**
   * The client's set mapped onto this mailbox: {@code 1:*} stays, {@code n:*} asks for the last
   * few, and finite ranges keep their width at a random place among the messages there are.
   */
  private String set(boolean uid, List<SetPart> parts) {
    long top = uid ? Math.max(1, wire.uidNext - 1) : Math.max(1, wire.exists);
    StringBuilder out = new StringBuilder();
    for (SetPart p : parts) {
      out.append(out.isEmpty() ? "" : ",");
      if (p.from() == 1 && p.to() == SetPart.STAR) {
        out.append("1:*");
      } else if (p.to() == SetPart.STAR || p.from() == SetPart.STAR) {
        out.append(Math.max(1, top - random.nextInt(5))).append(":*");
      } else {
        long width = Math.min(top, Math.abs(p.to() - p.from()) + 1);
        long from = 1 + (long) (random.nextDouble() * (top - width + 1));
        out.append(from);
        if (width > 1) {
          out.append(':').append(from + width - 1);
        }
      }
    }
    return out.toString();
  }

  private void idle() throws IOException {
    String tag = wire.nextTag();
    long start = System.nanoTime();
    wire.send(tag + " IDLE\r\n");
    String line;
    while ((line = wire.readLine()) != null && !line.startsWith("+")) {
      if (line.startsWith(tag + " ")) {
        record(Verb.IDLE, start, line);
        return;
      }
    }
    wire.send("DONE\r\n");
    Wire.Reply reply = wire.readTagged(tag);
    record(Verb.IDLE, start, reply.tagged());
  }

  private void append() throws IOException {
    boolean draft = random.nextInt(4) == 0;
    int size = mail.size(random);
    Mail.Message message = Mail.message(random, size, user + "@example.tld");
    String tag = wire.nextTag();
    long start = System.nanoTime();
    wire.send((tag + " APPEND " + (draft ? "Drafts (\\Seen \\Draft)" : "Sent (\\Seen)") + " {" + message.bytes().length
        + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
    wire.send(message.bytes());
    wire.send("\r\n");
    Wire.Reply reply = wire.readTagged(tag);
    record(Verb.APPEND, start, reply.tagged());
  }

  private void timed(Verb verb, String command) throws IOException {
    long start = System.nanoTime();
    Wire.Reply reply = wire.command(command);
    record(verb, start, reply.tagged());
    if (!reply.ok() && (verb == Verb.SELECT || verb == Verb.EXAMINE)) {
      selected = null;
    }
  }

  private void record(Verb verb, long start, String tagged) {
    long nanos = System.nanoTime() - start;
    if (!recording) {
      return;
    }
    latencies.add(verb, nanos);
    String status = tagged.substring(tagged.indexOf(' ') + 1);
    if (!status.startsWith("OK")) {
      latencies.fail(verb, tagged);
    }
  }

  private <T> T pick(List<T> forms) {
    return forms.get(random.nextInt(forms.size()));
  }

  static List<String> mailboxes() {
    return MAILBOXES;
  }
}
