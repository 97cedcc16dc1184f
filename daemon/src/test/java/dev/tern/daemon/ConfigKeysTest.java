package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The known-keys table, the example configuration and the reference page agree. */
class ConfigKeysTest {

  private static final Path TOP = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theExampleNamesEveryKeyAndReadsCleanly(@TempDir Path directory) throws IOException {
    String example = Files.readString(TOP.resolve("config.toml.example"));
    for (ConfigKeys.Key key : ConfigKeys.ALL) {
      String section = sectionText(example, key.section());
      assertTrue(Pattern.compile("(?m)^#? ?" + key.name() + " = ").matcher(section).find(),
          key.dotted() + " is missing from config.toml.example");
    }
    // Everything the example sets (not what it leaves commented out) is known and of the right type.
    Path copy = directory.resolve("config.toml");
    Files.writeString(copy, example);
    ConfigFile config = ConfigFile.read(copy, name -> null);
    assertEquals("directory", config.string("storage", "type", ""));
  }

  @Test
  void theReferenceDocumentsEveryKey() throws IOException {
    String reference = Files.readString(TOP.resolve("docs/configuration.md"));
    for (ConfigKeys.Key key : ConfigKeys.ALL) {
      assertTrue(reference.contains("`[" + key.section() + "]`") || reference.contains("[" + key.section() + "] "),
          "[" + key.section() + "] is missing from docs/configuration.md");
      assertTrue(reference.contains("`" + key.name() + "`") || reference.contains(key.section() + "] " + key.name()),
          key.dotted() + " is missing from docs/configuration.md");
    }
  }

  /** The lines under "[section]" or "# [section]", up to the next such header. */
  private static String sectionText(String toml, String section) {
    StringBuilder text = new StringBuilder();
    String current = null;
    for (String line : toml.split("\n")) {
      var header = Pattern.compile("^(?:# )?\\[([a-z_]+)\\].*").matcher(line);
      if (header.matches()) {
        current = header.group(1);
      } else if (section.equals(current)) {
        text.append(line).append('\n');
      }
    }
    assertTrue(current != null && toml.contains("[" + section + "]"), "[" + section + "] is missing from config.toml.example");
    return text.toString();
  }
}
