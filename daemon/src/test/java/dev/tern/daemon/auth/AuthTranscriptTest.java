package dev.tern.daemon.auth;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Protocol transcripts of the auth socket: each file under {@code auth-transcripts/} runs against
 * a fresh {@link AuthFixture} (plaintext refused without {@code secured}, 20 ms failure delay),
 * over real sockets.
 *
 * <ul>
 *   <li>{@code C1: text} sends a line (LF added) on connection 1, opened on first use;
 *   <li>{@code S1: text} reads the next line from connection 1 and requires it to match, literally
 *       except {@code ...}, which matches anything; {@code S1: (closed)} requires the end of the
 *       stream;
 *   <li>{@code @greeting 1} reads the server's half of the handshake on connection 1;
 *       {@code @handshake 1} also sends the client's ({@code VERSION} 1.2, {@code CPID});
 *   <li>in C and S text, {@code \t} is a TAB, {@code {b64:text}} the base64 of text (where
 *       {@code \0} is a NUL), and {@code {A*20000}} twenty thousand A's;
 *   <li>{@code #} starts a comment.
 * </ul>
 */
class AuthTranscriptTest {

  static final AuthConfig CONFIG = new AuthConfig(false, Duration.ofMillis(20));

  private static final List<String> HANDSHAKE = List.of(
      "VERSION\t1\t2", "MECH\tPLAIN\tplaintext", "MECH\tLOGIN\tplaintext", "SPID\t...", "CUID\t...", "COOKIE\t...",
      "DONE");
  /** "C1: text"; "C1:" alone sends an empty line. */
  private static final Pattern LINE = Pattern.compile("([CS])(\\d+):(?: (.*))?");
  private static final Pattern MACRO = Pattern.compile("\\{b64:([^}]*)}|\\{(.)\\*(\\d+)}");
  private static final Pattern COOKIE = Pattern.compile("COOKIE\t[0-9a-f]{32}");

  @TestFactory
  Stream<DynamicTest> transcripts() throws IOException, URISyntaxException {
    Path directory = Path.of(getClass().getResource("/auth-transcripts").toURI());
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files = listing.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    assertTrue(files.size() >= 10, "transcripts missing: " + files);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> run(file)));
  }

  private static void run(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<Integer, AuthFixture.Client> clients = new HashMap<>();
    List<String> log = new ArrayList<>();
    try (AuthFixture fixture = new AuthFixture(CONFIG)) {
      int number = 0;
      for (String line : lines) {
        number++;
        String where = file.getFileName() + ":" + number;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (line.startsWith("@handshake ") || line.startsWith("@greeting ")) {
          int connection = Integer.parseInt(line.substring(line.indexOf(' ') + 1).trim());
          AuthFixture.Client client = clients.computeIfAbsent(connection, c -> fixture.connect());
          for (String expected : HANDSHAKE) {
            expect(where, connection, client, expected, log);
          }
          if (line.startsWith("@handshake ")) {
            send(connection, client, "VERSION\t1\t2", log);
            send(connection, client, "CPID\t4242", log);
          }
          continue;
        }
        Matcher parsed = LINE.matcher(line);
        if (!parsed.matches()) {
          fail(where + ": not a C:/S: line: " + line);
        }
        int connection = Integer.parseInt(parsed.group(2));
        String text = expand(parsed.group(3));
        AuthFixture.Client client = clients.computeIfAbsent(connection, c -> fixture.connect());
        if (line.charAt(0) == 'C') {
          send(connection, client, text, log);
        } else {
          expect(where, connection, client, text, log);
        }
      }
    } finally {
      clients.values().forEach(AuthFixture.Client::close);
    }
  }

  private static void send(int connection, AuthFixture.Client client, String text, List<String> log) {
    log.add("C" + connection + ": " + abbreviate(text));
    client.send(text);
  }

  private static void expect(String where, int connection, AuthFixture.Client client, String expected, List<String> log) {
    String response = client.read();
    log.add("S" + connection + ": " + (response == null ? "(closed)" : response));
    boolean ok = expected.equals("(closed)") ? response == null : response != null && matches(expected, response);
    if (ok && expected.startsWith("COOKIE") && !COOKIE.matcher(response).matches()) {
      ok = false; // 32 hex digits, as Dovecot's
    }
    if (!ok) {
      fail(where + ": expected\n  " + expected + "\nbut got\n  " + response + "\nsession so far:\n  "
          + String.join("\n  ", log));
    }
  }

  /** {@code \t}, {@code {b64:...}} and {@code {X*n}}, as the class comment says. */
  static String expand(String text) {
    if (text == null) {
      return "";
    }
    Matcher m = MACRO.matcher(text.replace("\\t", "\t"));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = m.group(1) != null
          ? Base64.getEncoder().encodeToString(m.group(1).replace("\\0", "\0").getBytes(StandardCharsets.UTF_8))
          : m.group(2).repeat(Integer.parseInt(m.group(3)));
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
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

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 100) + "...(" + text.length() + " characters)" : text;
  }
}
