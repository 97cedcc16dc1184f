package dev.tern.mailbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The UIDs a mailbox has expunged, each with the stamp of its expunge, for QRESYNC's VANISHED.
 * Recent expunges are kept one by one; compaction merges them into ranges: two ranges merge when
 * no message still in the mailbox lies between them (UIDs only grow, so that stays true), taking
 * the larger stamp. A client may thus be told of a UID it never saw or one expunged a little
 * earlier than it asked, which RFC 7162 allows; it is never told too little.
 */
final class Expunged {

  record Range(long first, long last, long stamp) {}

  /** Whether a message in the mailbox has a UID strictly between the two. */
  @FunctionalInterface
  interface LiveBetween {
    boolean test(long low, long high);
  }

  private final List<Range> ranges; // sorted, disjoint, merged
  private final List<Range> recent; // single UIDs since the last compaction, in expunge order

  Expunged() {
    this(new ArrayList<>(), new ArrayList<>());
  }

  private Expunged(List<Range> ranges, List<Range> recent) {
    this.ranges = ranges;
    this.recent = recent;
  }

  void add(long uid, long stamp) {
    recent.add(new Range(uid, uid, stamp));
  }

  /** A range read back from a checkpoint. */
  void addRange(long first, long last, long stamp) {
    ranges.add(new Range(first, last, stamp));
  }

  Expunged copy() {
    return new Expunged(new ArrayList<>(ranges), new ArrayList<>(recent));
  }

  /** A compact equivalent: everything merged into ranges. */
  Expunged compact(LiveBetween liveBetween) {
    return new Expunged(new ArrayList<>(merged(liveBetween)), new ArrayList<>());
  }

  /** All expunged UIDs as sorted, maximally merged ranges: the same for equal mailboxes. */
  List<Range> merged(LiveBetween liveBetween) {
    List<Range> all = new ArrayList<>(ranges.size() + recent.size());
    all.addAll(ranges);
    all.addAll(recent);
    all.sort(Comparator.comparingLong(Range::first));
    List<Range> merged = new ArrayList<>();
    for (Range range : all) {
      if (!merged.isEmpty()) {
        Range previous = merged.get(merged.size() - 1);
        if (!liveBetween.test(previous.last(), range.first())) {
          merged.set(merged.size() - 1,
              new Range(previous.first(), range.last(), Math.max(previous.stamp(), range.stamp())));
          continue;
        }
      }
      merged.add(range);
    }
    return merged;
  }
}
