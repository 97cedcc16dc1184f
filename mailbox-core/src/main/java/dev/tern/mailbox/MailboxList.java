package dev.tern.mailbox;

import dev.tern.log.LogState;
import dev.tern.mailbox.MailboxListOp.Create;
import dev.tern.mailbox.MailboxListOp.Delete;
import dev.tern.mailbox.MailboxListOp.Rename;
import dev.tern.mailbox.MailboxListOp.SetSpecialUse;
import dev.tern.mailbox.MailboxListOp.Subscribe;
import dev.tern.mailbox.MailboxListOp.Unsubscribe;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A user's mailboxes: names bound to mailbox ids, subscriptions, SPECIAL-USE attributes, and for
 * every name ever used the lowest UIDVALIDITY its next mailbox may have.
 *
 * <p>RFC 3501 requires a name's UIDVALIDITY to grow whenever the UIDs under it stop meaning what
 * they meant. A mailbox's own log only ever raises its UIDVALIDITY, but a name can be given a
 * different mailbox (delete and re-create, rename onto it). So each binding carries an offset,
 * fixed when the name is bound, that lifts the mailbox's UIDVALIDITY above every value the name
 * showed before: the UIDVALIDITY a client sees is the index's plus the binding's offset.
 */
public final class MailboxList implements LogState<MailboxList, MailboxListOp> {

  /**
   * A name's current mailbox. {@code firstUidValidity} is what clients saw when the name was bound
   * to it; the mailbox's own log may have raised it since.
   */
  public record Binding(MailboxId id, long uidValidityOffset, long firstUidValidity, Set<String> specialUse) {
    public Binding {
      specialUse = Set.copyOf(specialUse);
    }

    /** The UIDVALIDITY clients see, given the mailbox index's own. */
    public long uidValidity(long indexUidValidity) {
      return indexUidValidity + uidValidityOffset;
    }
  }

  private final TreeMap<MailboxName, Binding> bindings;
  private final TreeMap<MailboxName, Long> uidValidityFloor;
  private final TreeSet<MailboxName> subscriptions;

  public MailboxList() {
    this(new TreeMap<>(), new TreeMap<>(), new TreeSet<>());
  }

  private MailboxList(
      TreeMap<MailboxName, Binding> bindings, TreeMap<MailboxName, Long> floor, TreeSet<MailboxName> subscriptions) {
    this.bindings = bindings;
    this.uidValidityFloor = floor;
    this.subscriptions = subscriptions;
  }

  // ---- reading ----

  public Optional<Binding> lookup(MailboxName name) {
    return Optional.ofNullable(bindings.get(name));
  }

  /** Every name with a mailbox, in name order. */
  public NavigableMap<MailboxName, Binding> mailboxes() {
    return Collections.unmodifiableNavigableMap(bindings);
  }

  public NavigableSet<MailboxName> subscriptions() {
    return Collections.unmodifiableNavigableSet(subscriptions);
  }

  public boolean isSubscribed(MailboxName name) {
    return subscriptions.contains(name);
  }

  /** The lowest UIDVALIDITY a new mailbox at {@code name} may start with (1 for a fresh name). */
  public long uidValidityFloor(MailboxName name) {
    return uidValidityFloor.getOrDefault(name, 1L);
  }

  /** Every name's floor, including names with no mailbox now; for checkpoints. */
  NavigableMap<MailboxName, Long> uidValidityFloors() {
    return Collections.unmodifiableNavigableMap(uidValidityFloor);
  }

  /** A list read back from a checkpoint. */
  static MailboxList restore(
      Map<MailboxName, Binding> bindings, Map<MailboxName, Long> floors, Set<MailboxName> subscriptions) {
    return new MailboxList(new TreeMap<>(bindings), new TreeMap<>(floors), new TreeSet<>(subscriptions));
  }

  // ---- applying ----

  @Override
  public MailboxList apply(MailboxListOp op) {
    switch (op) {
      case Create create -> {
        Binding replaced = bindings.get(create.name());
        if (replaced != null && !replaced.id().equals(create.id())) {
          // Two writers created this name concurrently and this one sorts later. How far the
          // loser's own log raised its UIDVALIDITY is unknowable here; its first value is known.
          raiseFloor(create.name(), replaced.firstUidValidity() + 1);
        }
        long offset = Math.max(0, uidValidityFloor(create.name()) - create.uidValidity());
        bindings.put(create.name(),
            new Binding(create.id(), offset, create.uidValidity() + offset, create.specialUse()));
        raiseFloor(create.name(), create.uidValidity() + offset + 1);
      }
      case Delete delete -> {
        Binding binding = bindings.get(delete.name());
        if (binding != null && binding.id().equals(delete.id())) {
          bindings.remove(delete.name());
          raiseFloor(delete.name(), binding.uidValidity(delete.uidValidityNow()) + 1);
        }
      }
      case Rename rename -> {
        Binding binding = bindings.get(rename.from());
        if (binding != null && binding.id().equals(rename.id()) && !bindings.containsKey(rename.to())) {
          bindings.remove(rename.from());
          raiseFloor(rename.from(), binding.uidValidity(rename.uidValidityNow()) + 1);
          long shown = binding.uidValidity(rename.uidValidityNow());
          long offset = binding.uidValidityOffset() + Math.max(0, uidValidityFloor(rename.to()) - shown);
          bindings.put(rename.to(),
              new Binding(binding.id(), offset, rename.uidValidityNow() + offset, binding.specialUse()));
          raiseFloor(rename.to(), rename.uidValidityNow() + offset + 1);
        }
      }
      case Subscribe subscribe -> subscriptions.add(subscribe.name());
      case Unsubscribe unsubscribe -> subscriptions.remove(unsubscribe.name());
      case SetSpecialUse set -> {
        Binding binding = bindings.get(set.name());
        if (binding != null && binding.id().equals(set.id())) {
          bindings.put(set.name(), new Binding(binding.id(), binding.uidValidityOffset(),
              binding.firstUidValidity(), set.specialUse()));
        }
      }
    }
    return this;
  }

  private void raiseFloor(MailboxName name, long atLeast) {
    uidValidityFloor.merge(name, atLeast, Math::max);
  }

  @Override
  public MailboxList copy() {
    return new MailboxList(new TreeMap<>(bindings), new TreeMap<>(uidValidityFloor), new TreeSet<>(subscriptions));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MailboxList other
        && bindings.equals(other.bindings)
        && uidValidityFloor.equals(other.uidValidityFloor)
        && subscriptions.equals(other.subscriptions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bindings, uidValidityFloor, subscriptions);
  }

  @Override
  public String toString() {
    return "MailboxList" + bindings.keySet();
  }
}
