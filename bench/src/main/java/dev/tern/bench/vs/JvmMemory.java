package dev.tern.bench.vs;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.InstanceNotFoundException;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
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
 *   <li><em>The server's own collections</em>: every stop-the-world collection the server runs
 *       during the command is heard as a JMX notification ({@link GarbageCollectionNotificationInfo}),
 *       with the heap in use right after it. After a young collection that is the live young
 *       objects plus the old generation, which may hold garbage promoted earlier: an upper bound
 *       of the live heap at that moment. Collections come every "young generation" of
 *       allocation, so for a dense reading run the daemon with a small fixed young generation:
 *       {@code TERN_JAVA_OPTS="-XX:+UseG1GC -Xmn8m"} (a collection every few MB allocated).
 *       Without it the daemon's default young generation (tens of MB) gives a reading or two.</li>
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
  private final Set<ObjectName> collectors;
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
      this.collectors = server.queryNames(new ObjectName(ManagementFactory.GARBAGE_COLLECTOR_MXBEAN_DOMAIN_TYPE + ",*"),
          null);
      this.diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
    this.nativeTracking = nativeOther() >= 0;
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
    return new JvmMemory(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
  }

  @Override
  public String describe() {
    return "JVM " + pid + ": live heap after full GC (JMX), direct memory ("
        + (nativeTracking ? "native memory tracking, Other" : "direct buffer pool only: Netty's cleaner-less buffers "
        + "are not in it, run the JVM with -XX:NativeMemoryTracking=summary to see them") + "), process PSS; collectors "
        + collectors.stream().map(name -> name.getKeyProperty("name")).sorted().toList();
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

  /** One command's peak: paused samples, the server's own collections, direct memory polled. */
  private final class Watch implements PeakWatch, NotificationListener {
    private final long baseline;
    private final long directBaseline;
    private final long rssBefore;
    private final AtomicLong collectionPeak = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong directPeak;
    private final Thread poller;
    private final List<ObjectName> listening = new ArrayList<>();
    private long samplePeak = Long.MIN_VALUE;
    private int samples;
    private volatile boolean done;

    Watch(long baseline, long directBaseline, long rssBefore) throws IOException {
      this.baseline = baseline;
      this.directBaseline = directBaseline;
      this.rssBefore = rssBefore;
      this.directPeak = new AtomicLong(directBaseline);
      for (ObjectName collector : collectors) {
        try {
          server.addNotificationListener(collector, this, null, null);
          listening.add(collector);
        } catch (InstanceNotFoundException e) {
          throw new IOException(e);
        }
      }
      poller = Thread.ofPlatform().daemon().name("direct-memory-poller").start(() -> {
        while (!done) {
          directPeak.accumulateAndGet(directUsed(), Math::max);
          sleep(20);
        }
      });
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
      if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
        return;
      }
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      String action = info.getGcAction();
      // Stop-the-world collections only: after a concurrent cycle's pause, "used" still holds the
      // garbage allocated meanwhile.
      if (!action.endsWith("minor GC") && !action.endsWith("major GC")) {
        return;
      }
      if (info.getGcCause().equals("System.gc()")) {
        return; // one of our samples, read in sample()
      }
      long used = 0;
      for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (heapPools.contains(pool.getKey())) {
          used += pool.getValue().getUsed();
        }
      }
      collections.incrementAndGet();
      collectionPeak.accumulateAndGet(used, Math::max);
    }

    @Override
    public void sample() {
      memory.gc();
      samplePeak = Math.max(samplePeak, memory.getHeapMemoryUsage().getUsed());
      samples++;
    }

    @Override
    public Peak finish() throws IOException {
      sleep(500); // notifications arrive asynchronously
      done = true;
      try {
        poller.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (ObjectName collector : listening) {
        try {
          server.removeNotificationListener(collector, this);
        } catch (InstanceNotFoundException | ListenerNotFoundException e) {
          // gone with the JVM
        }
      }
      long own = collections.get();
      long peak = Math.max(samplePeak, collectionPeak.get());
      Map<String, Long> parts = new LinkedHashMap<>();
      parts.put("paused_samples", (long) samples);
      parts.put("paused_sample_peak_growth", samples > 0 ? samplePeak - baseline : 0);
      parts.put("server_collections", own);
      parts.put("collection_peak_growth", collections.get() > 0 ? collectionPeak.get() - baseline : 0);
      parts.put("direct_before", directBaseline);
      parts.put("direct_peak_growth", directPeak.get() - directBaseline);
      Procfs.status(pid, "VmHWM").ifPresent(hwm -> parts.put("process_peak_rss_growth", hwm - rssBefore));
      String method = "live heap: max of full GCs at " + samples + " paused samples and of heap after "
          + own + " collections the server ran by itself, minus the live heap before";
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
