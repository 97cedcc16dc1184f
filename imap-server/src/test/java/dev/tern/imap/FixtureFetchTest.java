package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared MIME fixtures through the wire: every message APPENDed over IMAP, then FETCH BODY and
 * BODYSTRUCTURE equal Dovecot's output byte for byte; every malformed message appends and fetches
 * (structure and raw bytes) without error. Reads {@code ../shared/fixtures/mime} beside the
 * repository and skips, saying so, when it is absent.
 */
class FixtureFetchTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Path mime() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    return dir == null ? Path.of("/nonexistent") : dir.getParent().resolve("shared/fixtures/mime");
  }

  private static List<Path> messages(String directory) {
    try (Stream<Path> files = Files.list(mime().resolve(directory))) {
      return files.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture as Dovecot (and Tern) store and serve it after an APPEND of its raw bytes. */
  private static byte[] normalized(Path eml) {
    try (var in = new dev.tern.mailbox.message.LineEndNormalizer(Files.newInputStream(eml))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends with a synchronising-free literal and returns the message's UID. */
  private static long append(ImapClient client, String mailbox, byte[] message) {
    client.send(("a APPEND " + mailbox + " {" + message.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
    client.send(message);
    client.send("\r\n");
    List<String> lines = client.until("a");
    String done = lines.get(lines.size() - 1);
    assertTrue(done.startsWith("a OK [APPENDUID "), done);
    return Long.parseLong(done.replaceAll("^a OK \\[APPENDUID \\d+ (\\d+)\\].*$", "$1"));
  }

  @Test
  void bodyAndBodyStructureEqualDovecotsForEveryFixture() {
    assumeTrue(Files.isDirectory(mime()), "shared MIME fixtures " + mime() + " absent: skipping");
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    try (ImapClient client = server.connect()) {
      client.login();
      client.command("c", "CREATE fixtures");
      client.command("s", "SELECT fixtures");
      for (String directory : List.of("rfc", "thirdparty", "dxflrs")) {
        for (Path eml : messages(directory)) {
          long uid = append(client, "fixtures", read(eml)); // as the file has it: the server normalises
          for (String item : List.of("BODY", "BODYSTRUCTURE")) {
            Path expectedFile = eml.resolveSibling(eml.getFileName().toString().replace(".eml", ".dovecot." + item.toLowerCase()));
            if (!Files.exists(expectedFile)) {
              continue;
            }
            String expected = new String(read(expectedFile), StandardCharsets.UTF_8).strip();
            List<String> lines = client.command("f", "UID FETCH " + uid + " " + item);
            String response = lines.get(0);
            // "* n FETCH (UID u ITEM (...))" against Dovecot's "(ITEM (...))".
            String got = "(" + response.substring(response.indexOf(item + " ("));
            got = got.replaceFirst(" UID \\d+\\)$", ")");
            compared++;
            if (!got.equals(expected)) {
              mismatches.add(directory + "/" + eml.getFileName() + " " + item + "\n  dovecot: " + expected + "\n  tern:    " + got);
            }
          }
        }
      }
    }
    assertTrue(compared > 50, "only " + compared + " comparisons: fixtures missing?");
    assertEquals(List.of(), mismatches, mismatches.size() + " of " + compared + " differ");
  }

  @Test
  void everyMalformedMessageAppendsAndFetches() {
    assumeTrue(Files.isDirectory(mime()), "shared MIME fixtures " + mime() + " absent: skipping");
    try (ImapClient client = server.connect()) {
      client.login();
      client.command("c", "CREATE malformed");
      client.command("s", "SELECT malformed");
      for (Path eml : messages("malformed")) {
        long uid = append(client, "malformed", read(eml));
        int stored = normalized(eml).length;
        List<String> lines = client.command("f", "UID FETCH " + uid + " (ENVELOPE BODYSTRUCTURE RFC822.SIZE BODY.PEEK[] BODY.PEEK[1.MIME])");
        assertTrue(lines.get(lines.size() - 1).startsWith("f OK"), eml + ": " + lines);
        assertTrue(lines.get(0).contains("RFC822.SIZE " + stored + " "), eml + ": " + lines.get(0));
        assertTrue(lines.get(0).contains("BODY[] {" + stored + "}"), eml + ": " + lines.get(0));
      }
    }
  }
}
