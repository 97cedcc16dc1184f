package dev.tern.mailbox;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps one instance per distinct flag set, so a 100 000-message index holds a few dozen
 * {@link Flags} objects and one reference per message rather than a set per message.
 */
final class FlagInterner {

  private final Map<Flags, Flags> instances = new HashMap<>();

  Flags intern(Flags flags) {
    if (flags.isEmpty()) {
      return Flags.NONE;
    }
    return instances.computeIfAbsent(flags, f -> f);
  }

  FlagInterner copy() {
    FlagInterner copy = new FlagInterner();
    copy.instances.putAll(instances);
    return copy;
  }

  int size() {
    return instances.size();
  }
}
