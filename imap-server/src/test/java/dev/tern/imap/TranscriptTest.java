package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Protocol transcripts: each file under {@code transcripts/} runs against a fresh server, over
 * real sockets. {@code C1: text} sends a line (CRLF added) on connection 1 (opened, and its
 * greeting read, on first use); {@code S1: text} reads the next response on connection 1 and
 * requires it to match: text is literal except {@code ...}, which matches anything (a literal in
 * a response arrives inline, CRLFs included). {@code #} starts a comment.
 */
class TranscriptTest {

  @TestFactory
  Stream<DynamicTest> transcripts() throws IOException, URISyntaxException {
    Path directory = Path.of(getClass().getResource("/transcripts").toURI());
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files = listing.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    assertTrue(files.size() >= 5, "transcripts missing: " + files);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> run(file)));
  }

  private static void run(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<Integer, ImapClient> clients = new HashMap<>();
    List<String> log = new ArrayList<>();
    try (TestServer server = new TestServer()) {
      int number = 0;
      for (String line : lines) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int colon = line.indexOf(": ");
        if (colon < 2 || (line.charAt(0) != 'C' && line.charAt(0) != 'S')) {
          fail(file.getFileName() + ":" + number + ": not a C:/S: line: " + line);
        }
        int connection = Integer.parseInt(line.substring(1, colon));
        String text = line.substring(colon + 2);
        ImapClient client = clients.computeIfAbsent(connection, c -> server.connect());
        if (line.charAt(0) == 'C') {
          log.add("C" + connection + ": " + text);
          client.send(text + "\r\n");
        } else {
          String response;
          try {
            response = client.readResponse();
          } catch (UncheckedIOException e) {
            fail(file.getFileName() + ":" + number + ": no response (" + e.getCause() + "), expected\n  " + text
                + "\nsession so far:\n  " + String.join("\n  ", log));
            return;
          }
          log.add("S" + connection + ": " + response);
          if (!matches(text, response)) {
            fail(file.getFileName() + ":" + number + ": expected\n  " + text + "\nbut got\n  " + response
                + "\nsession so far:\n  " + String.join("\n  ", log));
          }
        }
      }
    } finally {
      clients.values().forEach(ImapClient::close);
    }
  }

  static boolean matches(String expected, String actual) {
    StringBuilder regex = new StringBuilder();
    for (String piece : expected.split("\\.\\.\\.", -1)) {
      if (!regex.isEmpty() || expected.startsWith("...")) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(piece));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(actual).matches();
  }
}
