package dev.tern.daemon;

import dev.tern.storage.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Runs {@code tern} in-process against a temporary installation: {@code config.toml} with a
 * directory store, an IMAP listener on a free loopback port, {@code users.toml} and the pid file
 * in the same directory. Variables, terminal answers and stdin are the test's.
 */
final class Cli {

  record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nout:\n" + out + "err:\n" + err;
    }
  }

  final Path directory;
  final Path config;
  final Map<String, String> variables = new HashMap<>();
  /** Answers the terminal gives, in order; with none left (or none at all) there is no terminal. */
  final Deque<String> answers = new ArrayDeque<>();
  boolean terminal;
  String stdin = "";

  Cli(Path directory) {
    this.directory = directory;
    this.config = directory.resolve("config.toml");
    write(config, """
        [storage]
        type = "directory"
        path = "store"

        [imap_unsecure]
        bind = "127.0.0.1:0"
        allow_plaintext_login = true

        [users]
        file = "users.toml"

        [daemon]
        pid_file = "tern.pid"
        """);
  }

  /**
   * What a test node opens after its {@code [storage]}: cleartext IMAP with plaintext login and
   * LMTP (hostname mx.test) on free loopback ports, users.toml, a 1 s cluster poll, the pid file.
   */
  static final String NODE_SECTIONS = """

      [imap_unsecure]
      bind = "127.0.0.1:0"
      allow_plaintext_login = true

      [lmtp]
      bind = "127.0.0.1:0"
      hostname = "mx.test"

      [users]
      file = "users.toml"

      [cluster]
      poll_interval_seconds = 1

      [daemon]
      pid_file = "tern.pid"
      """;

  /** The credentials of {@link S3ProxyServer}, given as the daemon reads them: in the environment. */
  void useS3ProxyCredentials() {
    variables.put("TERN_STORAGE_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY_ID);
    variables.put("TERN_STORAGE_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_ACCESS_KEY);
  }

  Path usersFile() {
    return directory.resolve("users.toml");
  }

  Path store() {
    return directory.resolve("store");
  }

  /** Runs {@code tern -c config.toml args...}. */
  Run run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "-c";
    all[1] = config.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return runRaw(all);
  }

  /** Runs {@code tern args...} as given. */
  Run runRaw(String... args) {
    Environment.Terminal fake = new Environment.Terminal() {
      @Override
      public Optional<char[]> readPassword(String prompt) {
        return readLine(prompt).map(String::toCharArray);
      }

      @Override
      public Optional<String> readLine(String prompt) {
        return terminal && !answers.isEmpty() ? Optional.of(answers.removeFirst()) : Optional.empty();
      }
    };
    Environment environment = new Environment(Map.copyOf(variables)::get, fake,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    CommandLine commandLine = TernCommand.commandLine(environment);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  /** Settings as the daemon reads them, with this run's variables. */
  Settings settings() {
    return Settings.load(config, Map.copyOf(variables)::get);
  }

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
