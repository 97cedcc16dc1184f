package dev.tern.bench.vs;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/** Round-trip times per command, in nanoseconds, one instance per load client (merged at the end). */
final class Latencies {

  private final Map<Dataset.Verb, long[]> times = new EnumMap<>(Dataset.Verb.class);
  private final Map<Dataset.Verb, Integer> counts = new EnumMap<>(Dataset.Verb.class);
  final Map<Dataset.Verb, Integer> failures = new EnumMap<>(Dataset.Verb.class);
  final Map<Dataset.Verb, String> firstFailure = new EnumMap<>(Dataset.Verb.class);

  void add(Dataset.Verb verb, long nanos) {
    int n = counts.getOrDefault(verb, 0);
    long[] t = times.computeIfAbsent(verb, v -> new long[1024]);
    if (n == t.length) {
      t = Arrays.copyOf(t, n * 2);
      times.put(verb, t);
    }
    t[n] = nanos;
    counts.put(verb, n + 1);
  }

  void fail(Dataset.Verb verb, String answer) {
    failures.merge(verb, 1, Integer::sum);
    firstFailure.putIfAbsent(verb, answer);
  }

  void addAll(Latencies other) {
    for (var e : other.counts.entrySet()) {
      long[] t = other.times.get(e.getKey());
      for (int i = 0; i < e.getValue(); i++) {
        add(e.getKey(), t[i]);
      }
    }
    other.failures.forEach((v, n) -> failures.merge(v, n, Integer::sum));
    other.firstFailure.forEach(firstFailure::putIfAbsent);
  }

  int count(Dataset.Verb verb) {
    return counts.getOrDefault(verb, 0);
  }

  long total() {
    return counts.values().stream().mapToLong(Integer::longValue).sum();
  }

  /** The p-th percentile in milliseconds (nearest rank). */
  double percentile(Dataset.Verb verb, double p) {
    int n = count(verb);
    if (n == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(times.get(verb), n);
    Arrays.sort(sorted);
    return sorted[Math.max(0, Math.min(n - 1, (int) Math.ceil(p / 100 * n) - 1))] / 1e6;
  }

  double percentileAll(double p) {
    long[] all = new long[(int) total()];
    int i = 0;
    for (var e : counts.entrySet()) {
      System.arraycopy(times.get(e.getKey()), 0, all, i, e.getValue());
      i += e.getValue();
    }
    if (all.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(all);
    return all[Math.max(0, Math.min(all.length - 1, (int) Math.ceil(p / 100 * all.length) - 1))] / 1e6;
  }
}
