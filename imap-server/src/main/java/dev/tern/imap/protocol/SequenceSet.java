package dev.tern.imap.protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;

/**
 * An IMAP sequence set ({@code 1:3,7,9:*}) of message sequence numbers or UIDs. {@code *} is kept
 * symbolic ({@link #STAR}) until {@link #resolve resolved} against the highest number in use.
 * Ranges are stored with {@code from <= to}, in the order given, so a set can carry the order that
 * COPYUID needs; {@link #normalise()} sorts and merges.
 */
public record SequenceSet(List<Range> ranges) {

  /** {@code *}: the highest number in use. Larger than any real number (those fit in 32 bits). */
  public static final long STAR = Long.MAX_VALUE;
  static final long MAX_NUMBER = 0xFFFF_FFFFL;

  /** One range; a single number has {@code from == to}. */
  public record Range(long from, long to) {
    public Range {
      if (from < 1 || to < 1 || (from > MAX_NUMBER && from != STAR) || (to > MAX_NUMBER && to != STAR)) {
        throw new IllegalArgumentException("sequence number out of range: " + from + ":" + to);
      }
      if (from > to) {
        long t = from;
        from = to;
        to = t;
      }
    }

    @Override
    public String toString() {
      return from == to ? text(from) : text(from) + ":" + text(to);
    }
  }

  public SequenceSet {
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("empty sequence set");
    }
    ranges = List.copyOf(ranges);
  }

  /** Parses {@code sequence-set} (RFC 3501 §9); throws {@link IllegalArgumentException} if malformed. */
  public static SequenceSet parse(String text) {
    List<Range> ranges = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      int colon = part.indexOf(':');
      if (colon < 0) {
        long n = number(part);
        ranges.add(new Range(n, n));
      } else {
        ranges.add(new Range(number(part.substring(0, colon)), number(part.substring(colon + 1))));
      }
    }
    return new SequenceSet(ranges);
  }

  private static long number(String s) {
    if (s.equals("*")) {
      return STAR;
    }
    if (s.isEmpty() || s.length() > 10 || s.charAt(0) == '0') {
      throw new IllegalArgumentException("bad sequence number: '" + s + "'");
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("bad sequence number: '" + s + "'");
      }
      n = n * 10 + (c - '0');
    }
    if (n > MAX_NUMBER) {
      throw new IllegalArgumentException("sequence number too large: " + s);
    }
    return n;
  }

  /** The numbers given, in the given order, with ascending runs compressed ({@code 1,2,3,7} → {@code 1:3,7}). */
  public static SequenceSet of(long... numbers) {
    if (numbers.length == 0) {
      throw new IllegalArgumentException("empty sequence set");
    }
    List<Range> ranges = new ArrayList<>();
    long start = numbers[0];
    long end = start;
    for (int i = 1; i < numbers.length; i++) {
      if (numbers[i] == end + 1 && end != STAR) {
        end = numbers[i];
      } else {
        ranges.add(new Range(start, end));
        start = end = numbers[i];
      }
    }
    ranges.add(new Range(start, end));
    return new SequenceSet(ranges);
  }

  public static SequenceSet range(long from, long to) {
    return new SequenceSet(List.of(new Range(from, to)));
  }

  public boolean hasStar() {
    return ranges.stream().anyMatch(r -> r.to() == STAR);
  }

  /** {@code *} replaced by {@code max} (RFC 3501: {@code 559:*} includes {@code max} even when below 559), normalised. */
  public SequenceSet resolve(long max) {
    if (max < 1) {
      throw new IllegalArgumentException("nothing to resolve * against: " + max);
    }
    List<Range> resolved = new ArrayList<>(ranges.size());
    for (Range r : ranges) {
      long from = r.from() == STAR ? max : r.from();
      long to = r.to() == STAR ? max : r.to();
      resolved.add(new Range(from, to));
    }
    return new SequenceSet(resolved).normalise();
  }

  /** Sorted, overlapping and adjacent ranges merged. */
  public SequenceSet normalise() {
    List<Range> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(Range::from));
    List<Range> merged = new ArrayList<>(sorted.size());
    Range current = sorted.get(0);
    for (int i = 1; i < sorted.size(); i++) {
      Range next = sorted.get(i);
      if (current.to() == STAR || next.from() <= current.to() + 1) {
        current = new Range(current.from(), Math.max(current.to(), next.to()));
      } else {
        merged.add(current);
        current = next;
      }
    }
    merged.add(current);
    return merged.equals(ranges) ? this : new SequenceSet(merged);
  }

  /** Whether {@code n} is in the set when {@code *} stands for {@code max}. */
  public boolean contains(long n, long max) {
    for (Range r : ranges) {
      long from = r.from() == STAR ? max : r.from();
      long to = r.to() == STAR ? max : r.to();
      if (n >= Math.min(from, to) && n <= Math.max(from, to)) {
        return true;
      }
    }
    return false;
  }

  /** The numbers in ascending order without repeats; the set must not contain {@code *} (resolve it first). */
  public LongStream values() {
    if (hasStar()) {
      throw new IllegalStateException("resolve * before iterating: " + this);
    }
    return normalise().ranges().stream().flatMapToLong(r -> LongStream.rangeClosed(r.from(), r.to()));
  }

  /** How many numbers the set holds; the set must not contain {@code *}. */
  public long count() {
    if (hasStar()) {
      throw new IllegalStateException("resolve * before counting: " + this);
    }
    return normalise().ranges().stream().mapToLong(r -> r.to() - r.from() + 1).sum();
  }

  /** The wire form, ranges in stored order. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Range r : ranges) {
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(r);
    }
    return sb.toString();
  }

  private static String text(long n) {
    return n == STAR ? "*" : Long.toString(n);
  }
}
