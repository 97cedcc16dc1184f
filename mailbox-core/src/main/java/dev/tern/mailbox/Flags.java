package dev.tern.mailbox;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * An immutable set of flags ({@code \Seen}, {@code $Junk}...), kept sorted so equal sets are
 * equal objects after {@link FlagInterner interning}. Flag names arrive normalised from the
 * protocol layer; this class only keeps them.
 */
public final class Flags {

  public static final Flags NONE = new Flags(new String[0]);

  private final String[] names;
  private final int hash;

  private Flags(String[] sortedDistinct) {
    this.names = sortedDistinct;
    this.hash = Arrays.hashCode(sortedDistinct);
  }

  public static Flags of(String... names) {
    return of(Arrays.asList(names));
  }

  public static Flags of(Collection<String> names) {
    if (names.isEmpty()) {
      return NONE;
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String name : names) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("a flag name must not be empty");
      }
      sorted.add(name);
    }
    return new Flags(sorted.toArray(String[]::new));
  }

  public boolean contains(String name) {
    return Arrays.binarySearch(names, name) >= 0;
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  public int size() {
    return names.length;
  }

  public List<String> names() {
    return List.of(names);
  }

  public Flags plus(Flags other) {
    if (other.isEmpty() || containsAll(other)) {
      return this;
    }
    TreeSet<String> union = new TreeSet<>(Arrays.asList(names));
    union.addAll(Arrays.asList(other.names));
    return new Flags(union.toArray(String[]::new));
  }

  public Flags minus(Flags other) {
    if (other.isEmpty() || isEmpty()) {
      return this;
    }
    TreeSet<String> rest = new TreeSet<>(Arrays.asList(names));
    rest.removeAll(Arrays.asList(other.names));
    return rest.size() == names.length ? this : Flags.of(rest);
  }

  private boolean containsAll(Flags other) {
    for (String name : other.names) {
      if (!contains(name)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Flags other && hash == other.hash && Arrays.equals(names, other.names);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "(" + String.join(" ", names) + ")";
  }
}
