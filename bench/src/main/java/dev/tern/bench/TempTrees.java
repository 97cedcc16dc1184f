package dev.tern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The scratch directories benchmarks fill with stores, removed when they finish. */
final class TempTrees {

  private TempTrees() {
  }

  /** Deletes {@code root} and everything under it, deepest first. */
  static void delete(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
