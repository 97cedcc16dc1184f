package dev.tern.bench.vs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Peak memory growth of a running server (Tern or Dovecot) during {@code FETCH 1:* BODY[]} over
 * a whole mailbox, read as it streams (bytes counted, never kept). First {@code FETCH 1:*
 * RFC822.SIZE} gives the largest message; then the baseline is taken, the FETCH runs, and the
 * peak growth is compared with the largest message. How the peak is seen depends on the server:
 * {@link JvmMemory} (live heap, with paused samples every {@code --sample-every} bytes and the
 * server's own collections) or {@link DovecotMemory} (peak RSS of the connection's {@code imap}
 * process).
 *
 * <p>{@code --fill N --total-bytes B} first fills the mailbox by APPEND when it is empty or
 * missing (it is created): N messages whose sizes are a random sample ({@code --seed}) of the
 * {@code size} column of {@code --sizes} (a CSV file, read at run time), scaled so they total B
 * bytes. The same seed gives the same messages on every server. A mailbox that already holds
 * messages is used as it is.
 *
 * <p>{@code --sample-every} bytes of the response, the client stops reading for {@code --pause-ms}
 * and the JVM's live heap is sampled ({@link JvmMemory}); 0 turns the pauses off.
 *
 * <p>{@code BODY[]} sets {@code \Seen}, so the first run on fresh messages also writes 1 000 flag
 * changes; {@code --peek} fetches {@code BODY.PEEK[]} instead.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.tern.bench.vs.FetchPeak --kind jvm|dovecot --pid PID
 *     --host 127.0.0.1 --port PORT --user USER --password PASSWORD --mailbox MAILBOX
 *     [--fill 1000 --total-bytes 24000000 [--sizes /work/shared/data/mailbox_email_sizes.csv] [--seed 1]]
 *     [--sample-every 262144] [--pause-ms 200] [--peek]
 * </pre>
 *
 * The Tern daemon needs no flag; {@code TERN_JAVA_OPTS="-XX:NativeMemoryTracking=summary -Xmn8m"}
 * makes Netty's direct memory visible and the daemon's own collections frequent (see
 * {@link JvmMemory}). Netty pools its direct memory: the first large FETCH after the daemon starts
 * grows the pool once (about 3.4 MB here), later ones reuse it.
 *
 * <p>Output: human lines, then {@code result fetch_peak_growth B B} (Tern: live heap; Dovecot:
 * RSS), {@code result fetch_largest_message B B}, {@code result fetch_peak_ratio R x} (growth /
 * largest), {@code result fetch_messages N count}, {@code result fetch_total_bytes B B},
 * {@code result fetch_process_peak_rss_growth B B} (both: the serving process's peak RSS growth)
 * and for a JVM {@code result fetch_peak_direct_growth B B}.
 */
public final class FetchPeak {

  private FetchPeak() {
  }

  public static void main(String[] argv) throws Exception {
    Set<String> options = new HashSet<>(Target.OPTIONS);
    options.addAll(Set.of("mailbox", "fill", "total-bytes", "sizes", "seed", "sample-every", "pause-ms"));
    Args args = new Args(argv, options, Set.of("peek"));
    Target target = Target.of(args);
    String mailbox = args.required("mailbox");
    long sampleEvery = args.number("sample-every", 256 * 1024);
    long pauseMillis = args.number("pause-ms", 200);
    String section = args.flag("peek") ? "BODY.PEEK[]" : "BODY[]";

    try (ServerMemory memory = target.memory(); ImapClient client = target.login(64 * 1024)) {
      System.out.println("measuring " + memory.describe());
      if (args.flag("fill")) {
        fill(client, mailbox, args.integer("fill", 1000), args.number("total-bytes", 24_000_000),
            Path.of(args.get("sizes", "/work/shared/data/mailbox_email_sizes.csv")), args.number("seed", 1));
      }
      long exists = client.select(mailbox);
      if (exists <= 0) {
        throw new IOException(mailbox + " is empty");
      }
      long largest = 0;
      long total = 0;
      for (String line : client.command("FETCH 1:* RFC822.SIZE")) {
        int at = line.indexOf("RFC822.SIZE ");
        if (line.startsWith("* ") && at > 0) {
          String rest = line.substring(at + "RFC822.SIZE ".length());
          long size = Long.parseLong(rest.replaceAll("[^0-9].*$", ""));
          largest = Math.max(largest, size);
          total += size;
        }
      }
      System.out.printf("%s: %d messages, %s in all, the largest %s%n", mailbox, exists, Target.mib(total),
          Target.kib(largest));

      ServerMemory.PeakWatch watch = memory.watchPeak(client);
      boolean pauses = watch.samplesOnPause() && sampleEvery > 0;
      long[] nextSample = {sampleEvery};
      long start = System.nanoTime();
      ImapClient.Streamed streamed = client.stream("FETCH 1:* " + section, read -> {
        if (pauses && read >= nextSample[0]) {
          nextSample[0] = read + sampleEvery;
          pause(pauseMillis); // the server fills the socket buffers and blocks on its writes
          watch.sample();
        }
      });
      double seconds = (System.nanoTime() - start) / 1e9;
      ServerMemory.Peak peak = watch.finish();
      System.out.printf("FETCH 1:* %s: %d responses, %s of literals (%s on the wire) in %.1f s%n", section,
          streamed.untagged(), Target.mib(streamed.literalBytes()), Target.mib(streamed.bytes()), seconds);
      if (streamed.literalBytes() != total) {
        System.out.println("NOTE: the literals total " + streamed.literalBytes() + " bytes, RFC822.SIZE " + total);
      }
      System.out.println("method: " + peak.method());
      for (Map.Entry<String, Long> part : peak.parts().entrySet()) {
        System.out.println("  " + part.getKey() + " = " + part.getValue());
      }
      double ratio = (double) peak.growth() / largest;
      System.out.printf(Locale.ROOT, "peak growth %s over a baseline of %s = %.2f × the largest message (%s)%n",
          Target.kib(peak.growth()), Target.mib(peak.baseline()), ratio, Target.kib(largest));
      Target.result("fetch_peak_growth", peak.growth(), "B");
      Target.result("fetch_largest_message", largest, "B");
      Target.result("fetch_peak_ratio", ratio, "x");
      Target.result("fetch_messages", exists, "count");
      Target.result("fetch_total_bytes", total, "B");
      if (peak.parts().containsKey("direct_peak_growth")) {
        Target.result("fetch_peak_direct_growth", peak.parts().get("direct_peak_growth"), "B");
      }
      Target.result("fetch_process_peak_rss_growth", peak.parts().getOrDefault("process_peak_rss_growth",
          peak.growth()), "B");
    }
  }

  /** Creates the mailbox if needed and fills it when it is empty. */
  private static void fill(ImapClient client, String mailbox, int count, long totalBytes, Path sizesFile, long seed)
      throws IOException {
    client.tryCommand("CREATE \"" + mailbox + "\"");
    long exists = client.select(mailbox);
    if (exists > 0) {
      System.out.println(mailbox + " already holds " + exists + " messages: not filling it");
      return;
    }
    List<Long> sizes = sizes(sizesFile, count, totalBytes, new Random(seed));
    Random text = new Random(seed);
    long start = System.nanoTime();
    long appended = 0;
    for (int i = 0; i < sizes.size(); i++) {
      byte[] message = message(i, sizes.get(i), text);
      client.append(mailbox, message);
      appended += message.length;
    }
    System.out.printf("filled %s: %d messages, %s, in %.1f s%n", mailbox, sizes.size(), Target.mib(appended),
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * {@code count} sizes drawn at random (without replacement while the file has enough) from the
   * file's {@code size} column, scaled to total {@code totalBytes}, in a random order.
   */
  static List<Long> sizes(Path file, int count, long totalBytes, Random random) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split(","));
    int column = header.indexOf("size");
    if (column < 0) {
      throw new IOException(file + " has no size column");
    }
    List<Long> all = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        all.add(Long.parseLong(line.split(",")[column].trim()));
      }
    }
    List<Long> sample = new ArrayList<>(count);
    if (all.size() >= count) {
      Collections.shuffle(all, random);
      sample.addAll(all.subList(0, count));
    } else {
      for (int i = 0; i < count; i++) {
        sample.add(all.get(random.nextInt(all.size())));
      }
    }
    double sum = sample.stream().mapToLong(Long::longValue).sum();
    List<Long> scaled = new ArrayList<>(count);
    for (long size : sample) {
      scaled.add(Math.max(400, Math.round(size * totalBytes / sum)));
    }
    return scaled;
  }

  /** A plain-text message of exactly {@code size} bytes (CRLF lines), at least its headers. */
  static byte[] message(int index, long size, Random random) {
    StringBuilder text = new StringBuilder((int) size + 100);
    text.append("From: Fetch Peak <fetchpeak@example.tld>\r\n")
        .append("To: bench@example.tld\r\n")
        .append("Subject: message ").append(index).append(" of the FETCH peak mailbox\r\n")
        .append("Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n")
        .append("Message-ID: <fetchpeak-").append(index).append("@example.tld>\r\n")
        .append("MIME-Version: 1.0\r\n")
        .append("Content-Type: text/plain; charset=us-ascii\r\n")
        .append("\r\n");
    String letters = "abcdefghijklmnopqrstuvwxyz     ";
    long left;
    while ((left = size - text.length()) >= 2) {
      long line = Math.min(76, left - 2);
      if (left - line - 2 == 1) {
        line--; // never leave a single byte: an empty line ends the message instead
      }
      for (int i = 0; i < line; i++) {
        text.append(letters.charAt(random.nextInt(letters.length())));
      }
      text.append("\r\n");
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
