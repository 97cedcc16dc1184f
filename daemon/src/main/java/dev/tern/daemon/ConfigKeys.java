package dev.tern.daemon;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every section and key {@code config.toml} may hold, with its TOML type: the one table to extend
 * when a key is added (then document it in {@code docs/configuration.md} and
 * {@code config.toml.example}). A key not listed here is refused, so a typo never passes silently.
 *
 * <p>Each key can be overridden by the environment variable {@code TERN_<SECTION>_<KEY>},
 * upper-cased ({@code [storage] secret_access_key} is {@code TERN_STORAGE_SECRET_ACCESS_KEY}).
 */
final class ConfigKeys {

  enum Kind {
    STRING("a string"),
    INTEGER("an integer"),
    BOOLEAN("true or false");

    final String description;

    Kind(String description) {
      this.description = description;
    }
  }

  record Key(String section, String name, Kind kind) {

    /** {@code section.name}, as error messages name the key. */
    String dotted() {
      return section + "." + name;
    }

    /** The environment variable that overrides this key. */
    String variable() {
      return ("TERN_" + section + "_" + name).toUpperCase(Locale.ROOT);
    }
  }

  static final List<Key> ALL = List.of(
      string("storage", "type"),
      string("storage", "path"),
      string("storage", "endpoint"),
      string("storage", "region"),
      string("storage", "bucket"),
      string("storage", "prefix"),
      string("storage", "access_key_id"),
      string("storage", "secret_access_key"),
      bool("storage", "path_style"),
      integer("storage", "connect_timeout_seconds"),
      integer("storage", "socket_timeout_seconds"),
      integer("storage", "max_attempts"),

      string("imap", "bind"),
      string("imap", "certificate"),
      string("imap", "private_key"),

      string("imap_unsecure", "bind"),
      bool("imap_unsecure", "allow_plaintext_login"),

      string("lmtp", "bind"),
      integer("lmtp", "max_message_size"),
      string("lmtp", "hostname"),

      string("auth", "bind"),
      bool("auth", "allow_plaintext"),

      string("users", "file"),
      string("users", "server_secret"),

      integer("limits", "max_message_size"),
      integer("limits", "max_line_length"),
      integer("limits", "max_literal_size"),
      integer("limits", "max_command_size"),
      integer("limits", "failed_login_delay_ms"),

      string("cluster", "node_id"),
      integer("cluster", "poll_interval_seconds"),
      integer("cluster", "heartbeat_seconds"),

      string("daemon", "pid_file"));

  /** Section → key name → key, in the order above. */
  private static final Map<String, Map<String, Key>> SECTIONS = index();

  private ConfigKeys() {}

  static boolean isSection(String section) {
    return SECTIONS.containsKey(section);
  }

  static Optional<Key> key(String section, String name) {
    return Optional.ofNullable(SECTIONS.getOrDefault(section, Map.of()).get(name));
  }

  /** The known keys of a section, for "unknown key" messages. */
  static String namesIn(String section) {
    return String.join(", ", SECTIONS.getOrDefault(section, Map.of()).keySet());
  }

  static String sectionNames() {
    return String.join(", ", SECTIONS.keySet());
  }

  private static Key string(String section, String name) {
    return new Key(section, name, Kind.STRING);
  }

  private static Key integer(String section, String name) {
    return new Key(section, name, Kind.INTEGER);
  }

  private static Key bool(String section, String name) {
    return new Key(section, name, Kind.BOOLEAN);
  }

  private static Map<String, Map<String, Key>> index() {
    Map<String, Map<String, Key>> sections = new LinkedHashMap<>();
    Map<String, Key> variables = new HashMap<>();
    for (Key key : ALL) {
      // "imap_unsecure.bind" and a hypothetical "imap.unsecure_bind" would share a variable.
      Key clash = variables.put(key.variable(), key);
      if (clash != null) {
        throw new IllegalStateException(key.dotted() + " and " + clash.dotted() + " share " + key.variable());
      }
      sections.computeIfAbsent(key.section(), s -> new LinkedHashMap<>()).put(key.name(), key);
    }
    return sections;
  }
}
