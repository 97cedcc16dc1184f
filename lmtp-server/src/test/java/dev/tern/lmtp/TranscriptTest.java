package dev.tern.lmtp;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Protocol transcripts: each file under {@code transcripts/} runs against a fresh server (the real
 * wiring, messages at most {@value #MAX_SIZE} bytes, {@value #MAX_RECIPIENTS} recipients), over real
 * sockets. {@code C1: text} queues a line (CRLF added) on connection 1, opened on first use with
 * its greeting checked; consecutive C lines go out in one write, as a pipelining client sends
 * them. {@code S1: text} reads the next reply line on connection 1 and requires it to match: text
 * is literal except {@code ...}, which matches anything. {@code S1: <closed>} requires the server
 * to have closed the connection. In C lines {@code ${x*600}} stands for 600 x's. {@code #} starts a
 * comment.
 */
class TranscriptTest {

  static final int MAX_SIZE = 1000;
  static final int MAX_RECIPIENTS = 3;
  private static final Pattern REPEAT = Pattern.compile("\\$\\{(.)\\*(\\d+)}");

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
    Map<Integer, LmtpClient> clients = new HashMap<>();
    List<String> log = new ArrayList<>();
    try (TestServer server = new TestServer(config -> config.withMaxMessageSize(MAX_SIZE)
        .withMaxRecipients(MAX_RECIPIENTS))) {
      int number = 0;
      for (String line : lines) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int colon = line.indexOf(":");
        if (colon < 2 || (line.charAt(0) != 'C' && line.charAt(0) != 'S')) {
          fail(file.getFileName() + ":" + number + ": not a C:/S: line: " + line);
        }
        int connection = Integer.parseInt(line.substring(1, colon));
        String text = line.length() > colon + 1 ? line.substring(colon + 2) : "";
        LmtpClient client = clients.computeIfAbsent(connection, c -> {
          LmtpClient opened = server.connect();
          if (!opened.greeting.equals("220 " + TestServer.HOSTNAME + " Tern ready.")) {
            fail("greeting: " + opened.greeting);
          }
          return opened;
        });
        if (line.charAt(0) == 'C') {
          String expanded = expand(text);
          log.add("C" + connection + ": " + (expanded.length() > 80 ? expanded.substring(0, 80) + "..." : expanded));
          client.send(expanded);
          continue;
        }
        String reply;
        try {
          reply = client.readLine();
        } catch (UncheckedIOException e) {
          fail(file.getFileName() + ":" + number + ": no reply (" + e.getCause() + "), expected\n  " + text
              + "\nsession so far:\n  " + String.join("\n  ", log));
          return;
        }
        String shown = reply == null ? "<closed>" : reply;
        log.add("S" + connection + ": " + shown);
        boolean ok = text.equals("<closed>") ? reply == null : reply != null && matches(text, reply);
        if (!ok) {
          fail(file.getFileName() + ":" + number + ": expected\n  " + text + "\nbut got\n  " + shown
              + "\nsession so far:\n  " + String.join("\n  ", log));
        }
      }
    } finally {
      clients.values().forEach(LmtpClient::close);
    }
  }

  private static String expand(String text) {
    Matcher matcher = REPEAT.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group(1).repeat(Integer.parseInt(matcher.group(2)))));
    }
    matcher.appendTail(out);
    return out.toString();
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
