package dev.tern.bench.vs;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The memory of a running Dovecot, a tree of processes under its master: {@code imap-login} and
 * {@code auth} for logins, one {@code imap} process per connection (with the default
 * {@code client_limit = 1}), {@code anvil}, {@code log}, {@code config}…
 *
 * <p><b>Footprint</b> (the idle figure): the sum of the proportional set size ({@code Pss} in
 * {@code /proc/<pid>/smaps_rollup}) of the master and all its descendants. PSS charges each
 * process its private pages plus its share of the pages it shares, so the code and shared
 * libraries that 10 000 {@code imap} processes map count once in the sum, not 10 000 times as RSS
 * would. Beside it: the page tables of those processes ({@code VmPTE}), kernel memory that no
 * PSS counts (nor the 16 kB kernel stack of each process).
 *
 * <p><b>Peak</b> (the FETCH figure): the {@code imap} process serving the connection is the one
 * holding the server end of its TCP socket (found through {@code /proc/net/tcp} and the
 * processes' descriptors, so no process title setting is needed). Its peak resident set is reset
 * to its current one ({@code echo 5 > /proc/<pid>/clear_refs}) just before the command, and the
 * growth is {@code VmHWM} after it minus {@code VmRSS} before. Needs root (or the processes' user).
 */
final class DovecotMemory implements ServerMemory {

  private final long master;

  private DovecotMemory(long master) {
    this.master = master;
  }

  /** Dovecot whose master process is {@code master} (its {@code master.pid}). */
  static DovecotMemory of(long master) {
    if (!Procfs.name(master).equals("dovecot")) {
      throw new IllegalArgumentException("process " + master + " is not a Dovecot master (comm: '"
          + Procfs.name(master) + "')");
    }
    return new DovecotMemory(master);
  }

  @Override
  public String describe() {
    return "Dovecot master " + master + ": PSS summed over the master and its descendants; "
        + "peak: VmHWM of the imap process holding the connection";
  }

  @Override
  public Footprint footprint() {
    long pss = 0;
    long rss = 0;
    long pageTables = 0;
    Map<String, Long> counts = new TreeMap<>();
    for (long pid : Procfs.tree(master)) {
      var processPss = Procfs.smapsRollup(pid, "Pss");
      if (processPss.isEmpty()) {
        continue; // exited meanwhile
      }
      pss += processPss.getAsLong();
      rss += Procfs.smapsRollup(pid, "Rss").orElse(0);
      pageTables += Procfs.status(pid, "VmPTE").orElse(0);
      counts.merge("processes_" + Procfs.name(pid), 1L, Long::sum);
    }
    Map<String, Long> parts = new LinkedHashMap<>();
    parts.put("pss", pss);
    parts.put("rss_sum", rss);
    parts.put("page_tables", pageTables);
    parts.putAll(counts);
    return new Footprint(pss, parts);
  }

  @Override
  public PeakWatch watchPeak(ImapClient connection) {
    List<Long> holders = Procfs.socketHolders(Procfs.tree(master), connection.serverPort(), connection.localPort());
    List<Long> imap = holders.stream().filter(pid -> Procfs.name(pid).equals("imap")).toList();
    if (imap.size() != 1) {
      throw new IllegalStateException("expected one imap process holding the connection, found " + holders
          + " (" + holders.stream().map(Procfs::name).toList() + ")");
    }
    long pid = imap.get(0);
    long rssBefore = Procfs.status(pid, "VmRSS").orElseThrow();
    long anonBefore = Procfs.status(pid, "RssAnon").orElse(0);
    long fileBefore = Procfs.status(pid, "RssFile").orElse(0);
    Procfs.resetPeak(pid);
    return new PeakWatch() {
      @Override
      public boolean samplesOnPause() {
        return false;
      }

      @Override
      public void sample() {
        // VmHWM sees every peak by itself
      }

      @Override
      public Peak finish() throws IOException {
        long hwm = Procfs.status(pid, "VmHWM").orElseThrow(() -> new IOException("imap process " + pid + " gone"));
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("imap_pid", pid);
        parts.put("rss_before", rssBefore);
        parts.put("peak_rss", hwm);
        parts.put("rss_anon_before", anonBefore);
        parts.put("rss_anon_after", Procfs.status(pid, "RssAnon").orElse(0));
        parts.put("rss_file_before", fileBefore);
        parts.put("rss_file_after", Procfs.status(pid, "RssFile").orElse(0));
        return new Peak(rssBefore, hwm - rssBefore, parts,
            "peak RSS (VmHWM, reset before) of imap process " + pid + " minus its RSS before");
      }
    };
  }

  @Override
  public void close() {
  }
}
