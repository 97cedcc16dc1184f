package dev.tern.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.tern.daemon.ConfigKeys.Key;
import dev.tern.daemon.Settings.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code config.toml} as read, checked against {@link ConfigKeys} (unknown sections and keys and
 * wrong types are errors) and overlaid with the environment. Values come out typed; every problem
 * is one {@link ConfigException} naming the key and where its value came from.
 */
final class ConfigFile {

  private final Path file;
  private final ObjectNode root;
  /** "section.key" → the environment variable its value came from. */
  private final Map<String, String> fromEnvironment;

  private ConfigFile(Path file, ObjectNode root, Map<String, String> fromEnvironment) {
    this.file = file;
    this.root = root;
    this.fromEnvironment = fromEnvironment;
  }

  /** Reads and checks {@code file}; {@code environment} looks variables up (System::getenv in production). */
  static ConfigFile read(Path file, Function<String, String> environment) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("configuration file " + file + " not found (use -c FILE, or --dev)");
    }
    JsonNode tree;
    try {
      tree = new TomlMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + describe(e));
    }
    ObjectNode root = tree instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
    check(file, root);
    return new ConfigFile(file, root, override(root, environment));
  }

  Path file() {
    return file;
  }

  /** Whether the section is present (in the file, or because a variable set one of its keys). */
  boolean has(String section) {
    return root.has(section);
  }

  Optional<String> string(String section, String name) {
    JsonNode value = value(section, name);
    return value == null ? Optional.empty() : Optional.of(value.asText());
  }

  String string(String section, String name, String fallback) {
    return string(section, name).orElse(fallback);
  }

  /** A value that must be present and non-empty. */
  String required(String section, String name) {
    return string(section, name).filter(v -> !v.isEmpty())
        .orElseThrow(() -> problem(section, name, "is required"));
  }

  long integer(String section, String name, long fallback, long min, long max) {
    JsonNode value = value(section, name);
    if (value == null) {
      return fallback;
    }
    long number = value.asLong();
    if (!value.canConvertToLong() || number < min || number > max) {
      throw problem(section, name, "must be between " + min + " and " + max + ", not " + value.asText());
    }
    return number;
  }

  boolean bool(String section, String name, boolean fallback) {
    JsonNode value = value(section, name);
    return value == null ? fallback : value.asBoolean();
  }

  /** A path; relative ones are resolved against the configuration file's directory. */
  Optional<Path> path(String section, String name) {
    return string(section, name).map(text -> {
      if (text.isEmpty()) {
        throw problem(section, name, "is empty");
      }
      try {
        return resolve(Path.of(text));
      } catch (InvalidPathException e) {
        throw problem(section, name, "is not a path: " + e.getReason());
      }
    });
  }

  /** {@code relative} next to the configuration file. */
  Path resolve(Path relative) {
    Path directory = file.toAbsolutePath().getParent();
    return directory.resolve(relative).normalize();
  }

  /** A problem with one key, worded "<where>: <section.key> <what>". */
  ConfigException problem(String section, String name, String what) {
    String dotted = section + "." + name;
    String variable = fromEnvironment.get(dotted);
    return new ConfigException((variable != null ? variable + " (" + dotted + ")" : file + ": " + dotted) + " " + what);
  }

  private JsonNode value(String section, String name) {
    assert ConfigKeys.key(section, name).isPresent() : section + "." + name + " is missing from ConfigKeys";
    JsonNode value = root.path(section).get(name);
    return value == null || value.isNull() ? null : value;
  }

  /** Refuses unknown sections and keys and values of the wrong type. */
  private static void check(Path file, ObjectNode root) {
    for (Map.Entry<String, JsonNode> section : root.properties()) {
      String name = section.getKey();
      if (!ConfigKeys.isSection(name)) {
        throw new ConfigException(file + ": unknown section [" + name + "] (known: " + ConfigKeys.sectionNames() + ")");
      }
      if (!section.getValue().isObject()) {
        throw new ConfigException(file + ": " + name + " must be a table ([" + name + "])");
      }
      for (Map.Entry<String, JsonNode> entry : section.getValue().properties()) {
        Key key = ConfigKeys.key(name, entry.getKey()).orElseThrow(() -> new ConfigException(
            file + ": " + name + "." + entry.getKey() + " is not a known key (known in [" + name + "]: "
                + ConfigKeys.namesIn(name) + ")"));
        if (!hasKind(entry.getValue(), key.kind())) {
          throw new ConfigException(file + ": " + key.dotted() + " must be " + key.kind().description
              + ", not " + describe(entry.getValue()));
        }
      }
    }
  }

  /** Writes every set variable into the tree as a typed value; returns which keys they set. */
  private static Map<String, String> override(ObjectNode root, Function<String, String> environment) {
    Map<String, String> set = new HashMap<>();
    for (Key key : ConfigKeys.ALL) {
      String text = environment.apply(key.variable());
      if (text == null || text.isEmpty()) {
        continue; // an empty variable counts as unset, as compose files and systemd units produce them
      }
      ObjectNode section = root.has(key.section())
          ? (ObjectNode) root.get(key.section())
          : root.putObject(key.section());
      switch (key.kind()) {
        case STRING -> section.put(key.name(), text);
        case INTEGER -> {
          try {
            section.put(key.name(), Long.parseLong(text.trim()));
          } catch (NumberFormatException e) {
            throw new ConfigException(
                key.variable() + " (" + key.dotted() + ") must be an integer, not \"" + text + "\"");
          }
        }
        case BOOLEAN -> {
          String word = text.trim().toLowerCase(Locale.ROOT);
          if (!word.equals("true") && !word.equals("false")) {
            throw new ConfigException(
                key.variable() + " (" + key.dotted() + ") must be true or false, not \"" + text + "\"");
          }
          section.put(key.name(), word.equals("true"));
        }
      }
      set.put(key.dotted(), key.variable());
    }
    return set;
  }

  private static boolean hasKind(JsonNode value, ConfigKeys.Kind kind) {
    return switch (kind) {
      case STRING -> value.isTextual();
      case INTEGER -> value.isIntegralNumber();
      case BOOLEAN -> value.isBoolean();
    };
  }

  /** The type of a wrong value; never the value itself, which may be a secret. */
  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return "a string";
    } else if (value.isIntegralNumber()) {
      return "an integer";
    } else if (value.isNumber()) {
      return "a number";
    } else if (value.isBoolean()) {
      return "a boolean";
    } else if (value.isArray()) {
      return "an array";
    } else if (value.isObject()) {
      return "a table";
    }
    return "a " + value.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /** A TOML syntax error as "what (line L, column C)"; any other I/O error by its message. */
  static String describe(IOException e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException syntax && syntax.getLocation() != null) {
      return firstLine(syntax.getOriginalMessage()) + " (line " + syntax.getLocation().getLineNr()
          + ", column " + syntax.getLocation().getColumnNr() + ")";
    }
    return firstLine(e.getMessage());
  }

  static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
