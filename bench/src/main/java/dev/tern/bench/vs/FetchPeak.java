package dev.tern.bench.vs;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Peak memory growth of a running server (Tern or Dovecot) during {@code FETCH 1:* BODY[]} over
 * a whole mailbox, read as it streams (bytes counted, never kept). First {@code FETCH 1:*
 * RFC822.SIZE} gives the largest message; then the baseline is taken, the FETCH runs, and the
 * peak growth is compared with the largest message. How the peak is seen depends on the server:
 * {@link JvmMemory} (live heap, with paused samples every {@code --sample-every} bytes and the
 * server's own collections) or {@link DovecotMemory} (peak RSS of the connection's {@code imap}
 * process).
 *
 * <p>The mailbox is filled beforehand by {@link Populate} (e.g. {@code --user-format big --users 1
 * --mailboxes INBOX=1000 --total-bytes 24000000}), the same messages on every server.
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
@Command(name = "FetchPeak", mixinStandardHelpOptions = true)
public final class FetchPeak implements Callable<Integer> {

  @Mixin Target target;
  @Option(names = "--mailbox", required = true) String mailbox;
  @Option(names = "--sample-every", defaultValue = "262144", description = "bytes between paused samples, 0: none")
  long sampleEvery;
  @Option(names = "--pause-ms", defaultValue = "200") long pauseMillis;
  @Option(names = "--peek", description = "BODY.PEEK[] rather than BODY[]") boolean peek;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FetchPeak()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String section = peek ? "BODY.PEEK[]" : "BODY[]";
    try (ServerMemory memory = target.memory(); ImapClient client = target.login(64 * 1024)) {
      System.out.println("measuring " + memory.describe());
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
    return 0;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
