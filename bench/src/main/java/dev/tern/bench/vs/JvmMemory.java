package dev.tern.bench.vs;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The memory of a running JVM (the Tern daemon), reached with the JDK Attach API: the tool
 * attaches to the process id, starts the JVM's local JMX agent ({@code startLocalManagementAgent},
 * loopback only, same user) and reads the platform MXBeans over it.
 *
 * <p><b>Footprint</b> (the idle figure): two full GCs ({@code MemoryMXBean.gc()}, i.e.
 * {@code System.gc()}, a stop-the-world full collection with G1, Parallel or Serial), then the heap
 * in use — the live heap. Beside it: direct memory, and the process's PSS from
 * {@code /proc/<pid>/smaps_rollup}, what the operating system sees (heap as committed, metaspace,
 * code, thread stacks, direct memory).
 *
 * <p><b>Direct memory.</b> The JDK's {@code direct} buffer pool ({@link BufferPoolMXBean}) counts
 * only buffers made by {@code ByteBuffer.allocateDirect}; Netty allocates its pooled direct memory
 * without a {@code Cleaner}, through {@code Unsafe.allocateMemory}, which that pool never sees.
 * When the JVM runs with {@code -XX:NativeMemoryTracking=summary}, the "Other" category of native
 * memory tracking (read through the {@code DiagnosticCommand} MBean, as {@code jcmd <pid>
 * VM.native_memory summary} would) counts both, and is what "direct" means here; without that
 * flag it is the buffer pool alone, and the description says so.
 *
 * <p><b>Peak</b> (the FETCH figure). Heap in use between collections counts garbage, so it says
 * nothing about what a command holds, and a 24 MB FETCH may run without a single collection. Two
 * readings of the live heap are combined, and the peak growth is the highest of them minus the
 * live heap (after full GCs) just before the command:
 * <ol>
 *   <li><em>Paused samples</em>: the client stops reading every few hundred kB of the response;
 *       the server fills the socket buffers and its own outbound buffer, then blocks on the
 *       channel's writability, holding whatever it holds to produce the response at that point.
 *       A full GC then gives the exact live heap at that moment. This needs no JVM flag; it
 *       misses what lives only between two pauses (a message parsed and dropped before any of it
 *       is written), which is why there is a second reading.</li>
 *   <li><em>The server's own collections</em>: the last collection of every stop-the-world
 *       collector is read every 20 ms ({@code com.sun.management.GarbageCollectorMXBean.getLastGcInfo},
 *       a new one known by its id), with the heap in use right after it. After a young collection
 *       that is the live young objects plus the old generation, which may hold garbage promoted
 *       earlier: an upper bound of the live heap at that moment. Collections come every "young
 *       generation" of allocation, so for a dense reading run the daemon with a small fixed young
 *       generation, {@code -Xmn8m} (G1: a collection every 8 MB allocated); with the default
 *       young generation (tens of MB) a 24 MB FETCH gives a reading or two. Two collections
 *       within 20 ms show as one.</li>
 * </ol>
 * Direct memory is polled every 20 ms during the command and reported apart (its peak minus its
 * level before), since it is not part of the heap and is not freed by a GC; so is the process's
 * peak RSS growth ({@code VmHWM} reset through {@code clear_refs} before, as for Dovecot), which
 * mostly shows how much fresh heap the collector touched.
 *
 * <p>Flags for the daemon ({@code TERN_JAVA_OPTS}): none are needed; {@code
 * -XX:NativeMemoryTracking=summary} makes Netty's direct memory visible, and a small young
 * generation ({@code -Xmn8m}) makes the collections dense.
 */
final class JvmMemory implements ServerMemory {

  private static final Pattern NMT_OTHER = Pattern.compile("Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

  private final long pid;
  private final JMXConnector connector;
  private final MBeanServerConnection server;
  private final MemoryMXBean memory;
  private final List<BufferPoolMXBean> direct;
  private final Set<String> heapPools;
  private final ObjectName diagnostics;
  private final boolean nativeTracking;

  private JvmMemory(long pid, JMXConnector connector) throws IOException {
    this.pid = pid;
    this.connector = connector;
    this.server = connector.getMBeanServerConnection();
    this.memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME,
        MemoryMXBean.class);
    this.direct = ManagementFactory.getPlatformMXBeans(server, BufferPoolMXBean.class).stream()
        .filter(pool -> pool.getName().equals("direct")).toList();
    this.heapPools = ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class).stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
        .collect(Collectors.toSet());
    try {
      this.diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
    this.nativeTracking = nativeOther() >= 0;
    HotSpotDiagnosticMXBean hotSpot = ManagementFactory.newPlatformMXBeanProxy(server,
        "com.sun.management:type=HotSpotDiagnostic", HotSpotDiagnosticMXBean.class);
    for (String option : List.of("DisableExplicitGC", "ExplicitGCInvokesConcurrent")) {
      if (hotSpot.getVMOption(option).getValue().equals("true")) {
        throw new IOException("JVM " + pid + " runs with -XX:+" + option + ": System.gc() would not give the "
            + "live heap; start it without");
      }
    }
  }

  /** Attaches to the JVM with process id {@code pid} (same user) and connects to its JMX agent. */
  static JvmMemory attach(long pid) throws IOException {
    String address;
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
    } catch (AttachNotSupportedException e) {
      throw new IOException("cannot attach to JVM " + pid + ": " + e.getMessage(), e);
    }
    JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
    try {
      return new JvmMemory(pid, connector);
    } catch (IOException | RuntimeException e) {
      connector.close();
      throw e;
    }
  }

  @Override
  public String describe() {
    return "JVM " + pid + ": live heap after full GC (JMX), direct memory ("
        + (nativeTracking ? "native memory tracking, Other" : "direct buffer pool only: Netty's cleaner-less buffers "
        + "are not in it, run the JVM with -XX:NativeMemoryTracking=summary to see them") + "), process PSS";
  }

  @Override
  public Footprint footprint() throws IOException {
    for (int i = 0; i < 2; i++) {
      memory.gc();
      sleep(200);
    }
    MemoryUsage heap = memory.getHeapMemoryUsage();
    Map<String, Long> parts = new LinkedHashMap<>();
    parts.put("heap_used_after_gc", heap.getUsed());
    parts.put("heap_committed", heap.getCommitted());
    parts.put("direct_buffer_pool", directPool());
    if (nativeTracking) {
      parts.put("nmt_other", nativeOther());
    }
    parts.put("direct", directUsed());
    Procfs.smapsRollup(pid, "Pss").ifPresent(pss -> parts.put("process_pss", pss));
    Procfs.smapsRollup(pid, "Rss").ifPresent(rss -> parts.put("process_rss", rss));
    Procfs.status(pid, "VmPTE").ifPresent(pte -> parts.put("page_tables", pte));
    return new Footprint(heap.getUsed(), parts);
  }

  /** Direct memory: NMT's "Other" when the JVM tracks native memory, else the direct buffer pool. */
  private long directUsed() {
    return nativeTracking ? nativeOther() : directPool();
  }

  private long directPool() {
    return direct.stream().mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
  }

  /**
   * Native memory tracking's "Other" category, committed, in bytes: what {@code Unsafe.allocateMemory}
   * took, i.e. every direct buffer, Netty's cleaner-less ones included; -1 without
   * {@code -XX:NativeMemoryTracking}.
   */
  private long nativeOther() {
    String report;
    try {
      report = (String) server.invoke(diagnostics, "vmNativeMemory", new Object[] {new String[] {"summary"}},
          new String[] {String[].class.getName()});
    } catch (Exception e) {
      return -1;
    }
    Matcher other = NMT_OTHER.matcher(report);
    return other.find() ? Long.parseLong(other.group(1)) * 1024 : -1;
  }

  @Override
  public PeakWatch watchPeak(ImapClient connection) throws IOException {
    Footprint before = footprint();
    long rssBefore = Procfs.status(pid, "VmRSS").orElse(-1);
    Procfs.resetPeak(pid);
    return new Watch(before.bytes(), before.parts().get("direct"), rssBefore);
  }

  /**
   * One command's peak: paused samples, and a poller reading every 20 ms the last collection of
   * each stop-the-world collector ({@code getLastGcInfo}, a new one known by its id) and the
   * direct memory. Polling rather than GC notifications: a JMX client listening for notifications
   * makes the agent buffer the last thousand of them in the server's heap, several MB that would
   * stay there and be measured.
   */
  private final class Watch implements PeakWatch {
    private final long baseline;
    private final long directBaseline;
    private final long rssBefore;
    private final List<GarbageCollectorMXBean> stopTheWorld;
    private final Map<String, Long> lastIds = new HashMap<>();
    private final Map<String, Long> seen = new TreeMap<>();
    private final Map<String, Long> peaks = new TreeMap<>();
    private final AtomicLong directPeak;
    private final Thread poller;
    private long samplePeak = Long.MIN_VALUE;
    private int samples;
    private volatile boolean done;

    Watch(long baseline, long directBaseline, long rssBefore) throws IOException {
      this.baseline = baseline;
      this.directBaseline = directBaseline;
      this.rssBefore = rssBefore;
      this.directPeak = new AtomicLong(directBaseline);
      // Concurrent collectors' cycles end with the heap full of what was allocated meanwhile.
      this.stopTheWorld = ManagementFactory.getPlatformMXBeans(server, GarbageCollectorMXBean.class).stream()
          .filter(gc -> !gc.getName().contains("Concurrent") && !gc.getName().startsWith("ZGC")
              && !gc.getName().startsWith("Shenandoah"))
          .toList();
      for (GarbageCollectorMXBean gc : stopTheWorld) {
        GcInfo last = gc.getLastGcInfo();
        lastIds.put(gc.getName(), last == null ? 0 : last.getId());
      }
      poller = Thread.ofPlatform().daemon().name("memory-poller").start(() -> {
        while (!done) {
          poll();
          sleep(20);
        }
      });
    }

    private synchronized void poll() {
      directPeak.accumulateAndGet(directUsed(), Math::max);
      for (GarbageCollectorMXBean gc : stopTheWorld) {
        GcInfo last = gc.getLastGcInfo();
        if (last == null || last.getId() == lastIds.get(gc.getName())) {
          continue;
        }
        lastIds.put(gc.getName(), last.getId());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : last.getMemoryUsageAfterGc().entrySet()) {
          if (heapPools.contains(pool.getKey())) {
            used += pool.getValue().getUsed();
          }
        }
        seen.merge(gc.getName(), 1L, Long::sum);
        peaks.merge(gc.getName(), used, Math::max);
      }
    }

    @Override
    public void sample() {
      memory.gc();
      samplePeak = Math.max(samplePeak, memory.getHeapMemoryUsage().getUsed());
      samples++;
    }

    @Override
    public Peak finish() throws IOException {
      done = true;
      try {
        poller.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      poll();
      long peak = samplePeak;
      Map<String, Long> parts = new LinkedHashMap<>();
      parts.put("paused_samples", (long) samples);
      parts.put("paused_sample_peak_growth", samples > 0 ? samplePeak - baseline : 0);
      StringBuilder collections = new StringBuilder();
      for (Map.Entry<String, Long> gc : peaks.entrySet()) {
        String key = gc.getKey().replaceAll("[^A-Za-z0-9]+", "_").toLowerCase(Locale.ROOT);
        parts.put(key + "_collections_read", seen.get(gc.getKey()));
        parts.put(key + "_peak_growth", gc.getValue() - baseline);
        collections.append(collections.isEmpty() ? "" : ", ").append(seen.get(gc.getKey())).append(' ')
            .append(gc.getKey());
        peak = Math.max(peak, gc.getValue());
      }
      parts.put("direct_before", directBaseline);
      parts.put("direct_peak_growth", directPeak.get() - directBaseline);
      Procfs.status(pid, "VmHWM").ifPresent(hwm -> parts.put("process_peak_rss_growth", hwm - rssBefore));
      String method = "live heap: max of a full GC at each of " + samples + " paused samples and of heap after "
          + "the collections read (" + (collections.isEmpty() ? "none" : collections)
          + (samples > 0 ? "; the samples' full GCs are among them" : "") + "), minus the live heap before";
      return new Peak(baseline, peak == Long.MIN_VALUE ? 0 : peak - baseline, parts, method);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    connector.close();
  }
}
