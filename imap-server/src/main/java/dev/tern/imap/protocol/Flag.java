package dev.tern.imap.protocol;

import java.util.Locale;
import java.util.Map;

/**
 * A message flag: a system flag ({@code \Seen}, spelled canonically whatever case the client used)
 * or a keyword atom ({@code $Junk}, {@code NonJunk}). {@code \*} is not a flag; the writer prints
 * it in PERMANENTFLAGS only.
 */
public record Flag(String name) {

  public static final Flag SEEN = new Flag("\\Seen");
  public static final Flag ANSWERED = new Flag("\\Answered");
  public static final Flag FLAGGED = new Flag("\\Flagged");
  public static final Flag DELETED = new Flag("\\Deleted");
  public static final Flag DRAFT = new Flag("\\Draft");
  public static final Flag RECENT = new Flag("\\Recent");

  private static final Map<String, Flag> SYSTEM = Map.of(
      "\\SEEN", SEEN, "\\ANSWERED", ANSWERED, "\\FLAGGED", FLAGGED,
      "\\DELETED", DELETED, "\\DRAFT", DRAFT, "\\RECENT", RECENT);

  public Flag {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty flag");
    }
    int start = name.charAt(0) == '\\' ? 1 : 0;
    if (start == name.length()) {
      throw new IllegalArgumentException("empty flag");
    }
    for (int i = start; i < name.length(); i++) {
      if (!Syntax.isAtomChar(name.charAt(i))) {
        throw new IllegalArgumentException("flag is not an atom: " + name);
      }
    }
  }

  /** The flag for a client's spelling: system flags canonicalised, keywords kept as given. */
  public static Flag of(String name) {
    if (name.startsWith("\\")) {
      Flag system = SYSTEM.get(name.toUpperCase(Locale.ROOT));
      if (system != null) {
        return system;
      }
    }
    return new Flag(name);
  }

  public boolean isSystem() {
    return name.charAt(0) == '\\';
  }

  @Override
  public String toString() {
    return name;
  }
}
