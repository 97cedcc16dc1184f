package dev.tern.bench.vs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The side-by-side table of {@code scripts/bench-vs-dovecot}: reads the tools' {@code result}
 * lines ({@code <server> <key> <value> <unit>}) and prints one Markdown row per figure with both
 * servers, the ratio Tern/Dovecot and the target.
 */
@Command(name = "Table", mixinStandardHelpOptions = true)
public final class Table implements Callable<Integer> {

  @Option(names = "--results", required = true) Path results;
  @Option(names = "--machine", defaultValue = "") String machine;

  /** One row: the figure's key, what it is, whether more is better, and the target in words. */
  private record Row(String key, String label, boolean higherIsBetter, String target) {}

  private static final List<Row> ROWS = List.of(
      new Row("mixed_10_cmds_per_s", "Mixed workload, 10 clients: commands/s", true, "≥ 1.2× Dovecot"),
      new Row("mixed_10_p50", "… p50 round trip", false, ""),
      new Row("mixed_10_p99", "… p99 round trip", false, ""),
      new Row("mixed_50_cmds_per_s", "Mixed workload, 50 clients: commands/s", true, "≥ 1.2× Dovecot"),
      new Row("mixed_50_p50", "… p50 round trip", false, ""),
      new Row("mixed_50_p99", "… p99 round trip", false, ""),
      new Row("lmtp_deliveries_per_s", "LMTP, 10 clients, 20 kB, recipients offline: deliveries/s", true,
          "≥ 1.0× Dovecot"),
      new Row("lmtp_p50", "… p50 MAIL to 250", false, ""),
      new Row("lmtp_online_deliveries_per_s", "LMTP, recipients online (Tern also files into INBOX at once)", true,
          "≥ 1.0× Dovecot"),
      new Row("lmtp_online_p50", "… p50 MAIL to 250", false, ""),
      new Row("idle_bytes_per_connection", "Memory per idle IDLE connection (Tern: live heap; Dovecot: PSS)", false,
          "≤ 20 kB (Tern heap)"),
      new Row("idle_pss_bytes_per_connection", "… whole-process PSS per connection, both", false, ""),
      new Row("idle_connections", "… connections held", true, "10 000"),
      new Row("fetch_peak_growth", "Peak memory growth, FETCH 1:* BODY[] of 1 000 messages, 24 MB "
          + "(Tern: live heap; Dovecot: RSS of its imap process)", false, "≤ 2× largest message"),
      new Row("fetch_largest_message", "… largest message", false, ""),
      new Row("fetch_process_peak_rss_growth", "… serving process's peak RSS growth, both", false, ""),
      new Row("login_cold_p50", "LOGIN, cold (first after start): p50", false, ""),
      new Row("login_warm_p50", "LOGIN, warm: p50", false, "≤ 2 ms"),
      new Row("select_cold", "SELECT of the 100 000-message mailbox, cold", false, "≤ 1 s"),
      new Row("select_warm", "… warm", false, ""));

  public static void main(String[] args) {
    System.exit(new CommandLine(new Table()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String[]> values = new HashMap<>();
    for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3) {
        values.put(f[0] + " " + f[1], f);
      }
    }
    if (!machine.isBlank()) {
      System.out.println("Machine: " + machine + "\n");
    }
    System.out.println("| Figure | Tern | Dovecot | Tern/Dovecot | Target |");
    System.out.println("|---|---:|---:|---:|---|");
    for (Row row : ROWS) {
      String[] tern = values.get("tern " + row.key());
      String[] dovecot = values.get("dovecot " + row.key());
      if (tern == null && dovecot == null) {
        continue;
      }
      String ratio = "";
      if (tern != null && dovecot != null && Double.parseDouble(dovecot[2]) != 0) {
        double r = Double.parseDouble(tern[2]) / Double.parseDouble(dovecot[2]);
        ratio = String.format(Locale.ROOT, "%.2f× %s", r,
            row.higherIsBetter() == (r >= 1) ? "(Tern better)" : "(Dovecot better)");
        if (Math.abs(r - 1) < 0.005) {
          ratio = "1.00×";
        }
      }
      System.out.printf("| %s | %s | %s | %s | %s |%n", row.label(), show(tern), show(dovecot), ratio, row.target());
    }
    return 0;
  }

  private static String show(String[] f) {
    if (f == null) {
      return "—";
    }
    double v = Double.parseDouble(f[2]);
    String unit = f.length > 3 ? f[3] : "";
    if (unit.equals("B")) {
      return v >= 1e6 ? String.format(Locale.ROOT, "%.1f MB", v / 1e6)
          : v >= 1e3 ? String.format(Locale.ROOT, "%.1f kB", v / 1e3) : String.format(Locale.ROOT, "%.0f B", v);
    }
    String number = v >= 100 ? String.format(Locale.ROOT, "%,.0f", v).replace(',', ' ')
        : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    return number + (unit.isEmpty() ? "" : " " + unit);
  }
}
