package dev.tern.bench;

import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MessageId;
import dev.tern.mailbox.UidIndex;
import dev.tern.mailbox.UidIndexOp.Added;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Heap bytes per message of a {@link UidIndex}: builds indexes of N messages with a realistic flag
 * mix (most seen, some answered/flagged, a few keywords), then measures retained heap after GC.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.tern.bench.UidIndexFootprint [messages]</pre>
 */
public final class UidIndexFootprint {

  private static final Flags[] MIX = {
    Flags.of("\\Seen"), Flags.of("\\Seen"), Flags.of("\\Seen"), Flags.of("\\Seen"), Flags.of("\\Seen", "\\Answered"),
    Flags.of(), Flags.of("\\Seen", "\\Flagged"), Flags.of("\\Seen", "$Label1"), Flags.of("\\Seen", "$Junk", "Junk"),
  };

  public static void main(String[] args) {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int copies = 10; // several indexes, to drown measurement noise
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    List<UidIndex> indexes = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(42);
    for (int c = 0; c < copies; c++) {
      UidIndex index = new UidIndex(1);
      for (int i = 0; i < messages; i += 500) {
        List<Added> batch = new ArrayList<>();
        for (int j = i; j < Math.min(messages, i + 500); j++) {
          batch.add(new Added(MessageId.random(random), MIX[random.nextInt(MIX.length)]));
        }
        index.apply(index.mailAdd(batch));
      }
      indexes.add(index.copy()); // a copy is what the log keeps: arrays trimmed to size
    }
    long after = usedAfterGc(memory);
    double perMessage = (after - before) / (double) copies / messages;
    System.out.printf("UidIndex: %d messages, %.1f bytes/message retained (%d indexes, %d MB total)%n",
        messages, perMessage, indexes.size(), (after - before) >> 20);
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
