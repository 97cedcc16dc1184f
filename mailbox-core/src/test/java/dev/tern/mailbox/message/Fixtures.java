package dev.tern.mailbox.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared MIME fixtures ({@code ../shared/fixtures/mime} beside the clone, never copied into the
 * repository) and this module's own messages ({@code src/test/resources/messages}).
 */
final class Fixtures {

  static final OffsetDateTime DATE = OffsetDateTime.of(2024, 5, 17, 9, 30, 0, 0, ZoneOffset.ofHours(2));

  private Fixtures() {
  }

  /** {@code <repo root>/../shared/fixtures/mime}, found by walking up to the directory with mvnw. */
  static Path sharedMimeDirectory() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null || dir.getParent() == null) {
      return Path.of("/nonexistent/shared/fixtures/mime");
    }
    return dir.getParent().resolve("shared").resolve("fixtures").resolve("mime");
  }

  static boolean sharedPresent() {
    return Files.isDirectory(sharedMimeDirectory());
  }

  /**
   * Test arguments {@code (name, path)} for the given shared directories, or, when the fixtures
   * are absent, one placeholder whose test is skipped by {@link #assumeShared()} (a parameterized
   * test without arguments would fail instead).
   */
  static Stream<org.junit.jupiter.params.provider.Arguments> sharedArguments(String... directories) {
    if (!sharedPresent()) {
      return Stream.of(org.junit.jupiter.params.provider.Arguments.of("shared fixtures absent", null));
    }
    return Stream.of(directories).flatMap(d -> shared(d).stream())
        .map(p -> org.junit.jupiter.params.provider.Arguments.of(p.getParent().getFileName() + "/" + p.getFileName(), p));
  }

  /** Skips the calling test, saying so, when {@code ../shared/fixtures/mime} is not there. */
  static void assumeShared() {
    org.junit.jupiter.api.Assumptions.assumeTrue(sharedPresent(),
        "shared MIME fixtures " + sharedMimeDirectory() + " absent: skipping");
  }

  /** The .eml files of one shared fixture directory, sorted; empty if it is absent. */
  static List<Path> shared(String directory) {
    Path dir = sharedMimeDirectory().resolve(directory);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path ownMessages() {
    return Path.of("src/test/resources/messages").toAbsolutePath();
  }

  static List<Path> own() {
    try (Stream<Path> files = Files.list(ownMessages())) {
      return files.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A sibling file: {@code 000.eml} → {@code 000.<suffix>}. */
  static Path sibling(Path eml, String suffix) {
    String name = eml.getFileName().toString();
    return eml.resolveSibling(name.substring(0, name.length() - ".eml".length()) + "." + suffix);
  }

  static MessageSummary parse(byte[] message) {
    try {
      return MessageParser.parse(new java.io.ByteArrayInputStream(message), DATE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MessageSummary parse(Path eml) {
    try (InputStream in = Files.newInputStream(eml)) {
      return MessageParser.parse(in, DATE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A fixture as Tern stores it: through {@link LineEndNormalizer}, as Dovecot stores what it is
   * given (this only changes messages with CR CR LF line ends, rfc/003).
   */
  static MessageSummary parseNormalized(Path eml) {
    try (InputStream in = new LineEndNormalizer(Files.newInputStream(eml))) {
      return MessageParser.parse(in, DATE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String latin1(byte[] bytes) {
    return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
