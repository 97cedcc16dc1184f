package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.daemon.Settings.ConfigException;
import dev.tern.storage.S3Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsTest {

  private static final Function<String, String> NO_VARIABLES = name -> null;
  private static final String MINIMAL = """
      [storage]
      type = "directory"
      path = "store"

      [imap_unsecure]
      bind = "127.0.0.1:1143"
      """;

  @TempDir Path directory;

  private Settings load(String text, Function<String, String> variables) {
    Path file = directory.resolve("config.toml");
    Cli.write(file, text);
    return Settings.load(file, variables);
  }

  private String problem(String text, Function<String, String> variables) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(text, variables));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void relativePathsAreNextToTheConfigurationFile() {
    Settings settings = load(MINIMAL, NO_VARIABLES);
    assertEquals(new Settings.DirectoryStorage(directory.resolve("store")), settings.storage());
    assertEquals(directory.resolve("users.toml"), settings.usersFile(), "the default users file");
    assertEquals(directory.resolve("tern.pid"), settings.pidFile(), "the default pid file");
    assertEquals(0, settings.serverSecret().length);
    assertEquals(1143, settings.imapListeners().getFirst().address().getPort());
    assertFalse(settings.imapListeners().getFirst().config().plaintextLogin());
  }

  @Test
  void theVariableNameIsTernSectionKeyUpperCased() {
    assertEquals("TERN_STORAGE_SECRET_ACCESS_KEY",
        ConfigKeys.key("storage", "secret_access_key").orElseThrow().variable());
    assertEquals("TERN_IMAP_UNSECURE_ALLOW_PLAINTEXT_LOGIN",
        ConfigKeys.key("imap_unsecure", "allow_plaintext_login").orElseThrow().variable());
  }

  @Test
  void variablesOverrideTheFileWithTypedValues() {
    Map<String, String> variables = Map.of(
        "TERN_STORAGE_PATH", "/srv/tern",
        "TERN_IMAP_UNSECURE_BIND", "127.0.0.1:2143",
        "TERN_IMAP_UNSECURE_ALLOW_PLAINTEXT_LOGIN", "TRUE",
        "TERN_LIMITS_MAX_LINE_LENGTH", "8192",
        "TERN_USERS_SERVER_SECRET", "pepper",
        "TERN_DAEMON_PID_FILE", "",  // empty counts as unset
        "TERN_NOT_A_KEY", "ignored");
    Settings settings = load(MINIMAL, variables::get);
    assertEquals(new Settings.DirectoryStorage(Path.of("/srv/tern")), settings.storage());
    Node.Listener listener = settings.imapListeners().getFirst();
    assertEquals(2143, listener.address().getPort());
    assertTrue(listener.config().plaintextLogin());
    assertEquals(8192, listener.config().limits().maxLineLength());
    assertEquals("pepper", new String(settings.serverSecret(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(directory.resolve("tern.pid"), settings.pidFile());
  }

  @Test
  void aVariableCanSupplyTheS3SecretTheFileLeavesOut() {
    String s3 = """
        [storage]
        type = "s3"
        endpoint = "http://127.0.0.1:3900"
        region = "garage"
        bucket = "tern"
        prefix = "one"
        access_key_id = "GK1"

        [imap_unsecure]
        """;
    assertEquals(directory.resolve("config.toml") + ": storage.secret_access_key is required", problem(s3, NO_VARIABLES));
    Settings settings = load(s3, Map.of("TERN_STORAGE_SECRET_ACCESS_KEY", "s3cr3t")::get);
    Settings.S3Storage storage = assertInstanceOf(Settings.S3Storage.class, settings.storage());
    assertEquals("s3cr3t", storage.config().secretAccessKey());
    assertEquals("garage", storage.config().region());
    assertEquals("one/", storage.config().keyPrefix());
    assertTrue(storage.config().pathStyle(), "path-style by default with an endpoint");
    assertEquals(S3Config.DEFAULT_CONNECT_TIMEOUT, storage.config().connectTimeout());
    assertEquals(S3Config.DEFAULT_SOCKET_TIMEOUT, storage.config().socketTimeout());
    assertEquals(S3Config.DEFAULT_MAX_ATTEMPTS, storage.config().maxAttempts());
  }

  @Test
  void s3TimeoutsAndAttemptsAreConfigurable() {
    String s3 = """
        [storage]
        type = "s3"
        endpoint = "http://127.0.0.1:3900"
        bucket = "tern"
        access_key_id = "GK1"
        secret_access_key = "s3cr3t"
        connect_timeout_seconds = 2
        socket_timeout_seconds = 7
        max_attempts = 1

        [imap_unsecure]
        """;
    S3Config config = assertInstanceOf(Settings.S3Storage.class, load(s3, NO_VARIABLES).storage()).config();
    assertEquals(Duration.ofSeconds(2), config.connectTimeout());
    assertEquals(Duration.ofSeconds(7), config.socketTimeout());
    assertEquals(1, config.maxAttempts());
    assertEquals(Duration.ofSeconds(9), assertInstanceOf(Settings.S3Storage.class,
        load(s3, Map.of("TERN_STORAGE_SOCKET_TIMEOUT_SECONDS", "9")::get).storage()).config().socketTimeout());
    assertTrue(problem(s3.replace("max_attempts = 1", "max_attempts = 0"), NO_VARIABLES)
        .contains("storage.max_attempts must be between 1 and 20, not 0"));
    assertTrue(problem(s3.replace("socket_timeout_seconds = 7", "socket_timeout_seconds = 0"), NO_VARIABLES)
        .contains("storage.socket_timeout_seconds must be between 1 and 3600, not 0"));
    assertTrue(problem(s3.replace("connect_timeout_seconds = 2", "connect_timeout_seconds = \"2s\""), NO_VARIABLES)
        .contains("storage.connect_timeout_seconds must be an integer, not a string"));
  }

  @Test
  void aBadVariableIsNamedWithItsKey() {
    assertEquals("TERN_LIMITS_MAX_LINE_LENGTH (limits.max_line_length) must be an integer, not \"lots\"",
        problem(MINIMAL, Map.of("TERN_LIMITS_MAX_LINE_LENGTH", "lots")::get));
    assertEquals("TERN_IMAP_UNSECURE_ALLOW_PLAINTEXT_LOGIN (imap_unsecure.allow_plaintext_login) must be true or false, not \"yes\"",
        problem(MINIMAL, Map.of("TERN_IMAP_UNSECURE_ALLOW_PLAINTEXT_LOGIN", "yes")::get));
    assertEquals("TERN_STORAGE_TYPE (storage.type) must be \"directory\" or \"s3\", not \"tape\"",
        problem(MINIMAL, Map.of("TERN_STORAGE_TYPE", "tape")::get));
    assertEquals("TERN_IMAP_UNSECURE_BIND (imap_unsecure.bind) must be host:port with a port from 0 to 65535, not \"x:70000\"",
        problem(MINIMAL, Map.of("TERN_IMAP_UNSECURE_BIND", "x:70000")::get));
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of(MINIMAL + "colour = \"blue\"\n", "imap_unsecure.colour is not a known key (known in [imap_unsecure]: bind, allow_plaintext_login)"),
        Arguments.of(MINIMAL + "[imap_unsecured]\nbind = \"x:1\"\n", "unknown section [imap_unsecured]"),
        Arguments.of(MINIMAL + "[limits]\nmax_line_length = \"64k\"\n", "limits.max_line_length must be an integer, not a string"),
        Arguments.of(MINIMAL + "[limits]\nmax_line_length = 10\n", "limits.max_line_length must be between 64 and"),
        Arguments.of(MINIMAL + "allow_plaintext_login = \"yes\"\n", "imap_unsecure.allow_plaintext_login must be true or false, not a string"),
        Arguments.of(MINIMAL.replace("\"directory\"", "\"tape\""), "storage.type must be \"directory\" or \"s3\", not \"tape\""),
        Arguments.of(MINIMAL.replace("path = \"store\"\n", ""), "storage.path is required"),
        Arguments.of(MINIMAL.replace("1143", "99999"), "imap_unsecure.bind must be host:port with a port from 0 to 65535"),
        Arguments.of(MINIMAL.replace("127.0.0.1:1143", "1143"), "imap_unsecure.bind must be host:port"),
        Arguments.of(MINIMAL + "[cluster]\npoll_interval_seconds = 0\n", "cluster.poll_interval_seconds must be between 1 and"),
        Arguments.of(MINIMAL + "[cluster]\nheartbeat_seconds = 0\n", "cluster.heartbeat_seconds must be between 1 and 3600, not 0"),
        Arguments.of(MINIMAL + "[cluster]\nheartbeat_seconds = 3601\n", "cluster.heartbeat_seconds must be between 1 and 3600"),
        Arguments.of(MINIMAL + "[cluster]\nnode_id = \"mx 1\"\n",
            "cluster.node_id must be 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit, not \"mx 1\""),
        Arguments.of(MINIMAL + "[cluster]\nnode_id = \"..\"\n", "cluster.node_id must be 1 to 64 of"),
        Arguments.of(MINIMAL + "[cluster]\nnode_id = \"\"\n", "cluster.node_id must be 1 to 64 of"),
        Arguments.of(MINIMAL + "[cluster]\nnode_id = \"" + "n".repeat(65) + "\"\n", "cluster.node_id must be 1 to 64 of"),
        Arguments.of(MINIMAL + "[cluster]\nnode_id = \"a\\nb\"\n", "cluster.node_id must be 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit, not that"),
        Arguments.of(MINIMAL + "[cluster]\nnode_id = 7\n", "cluster.node_id must be a string, not an integer"),
        Arguments.of(MINIMAL + "[imap]\nbind = \"0.0.0.0:993\"\ncertificate = \"missing.pem\"\nprivate_key = \"missing.key\"\n",
            "imap.certificate names "),
        Arguments.of(MINIMAL + "[imap]\nbind = \"0.0.0.0:993\"\n", "[imap] needs certificate and private_key"),
        Arguments.of(MINIMAL + "[daemon]\npid_file = \"no/such/dir/tern.pid\"\n", "daemon.pid_file is in a directory that does not exist"),
        Arguments.of("[storage]\npath = \"x\"\n", "opens no listener"),
        Arguments.of("storage = 1\n", "storage must be a table"),
        Arguments.of("[storage\n", "cannot read"));
  }

  @ParameterizedTest
  @MethodSource("mistakes")
  void everyMistakeIsOneLineNamingTheKey(String text, String expected) {
    String message = problem(text, NO_VARIABLES);
    assertTrue(message.contains(expected), message);
  }

  @Test
  void aMissingConfigurationFileIsOneLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.load(directory.resolve("nope.toml"), NO_VARIABLES));
    assertEquals("configuration file " + directory.resolve("nope.toml") + " not found (use -c FILE, or --dev)", e.getMessage());
  }

  @Test
  void aWrongSecretIsReportedWithoutItsValue() {
    String message = problem(MINIMAL + "[users]\nserver_secret = 1234567\n", NO_VARIABLES);
    assertFalse(message.contains("1234567"), message);
  }

  @Test
  void theNodeIdComesFromTheFileOrAVariableAndDefaultsToTheHostName() {
    Settings defaults = load(MINIMAL, NO_VARIABLES);
    assertEquals(NodeId.ofThisHost(), defaults.nodeId());
    assertEquals(Duration.ofSeconds(30), defaults.heartbeat());

    String cluster = MINIMAL + "[cluster]\nnode_id = \"mx-1.dc_2\"\nheartbeat_seconds = 10\n";
    Settings set = load(cluster, NO_VARIABLES);
    assertEquals(new NodeId("mx-1.dc_2"), set.nodeId());
    assertEquals(Duration.ofSeconds(10), set.heartbeat());

    Settings overridden = load(cluster, Map.of("TERN_CLUSTER_NODE_ID", "mx-2", "TERN_CLUSTER_HEARTBEAT_SECONDS", "5")::get);
    assertEquals(new NodeId("mx-2"), overridden.nodeId());
    assertEquals(Duration.ofSeconds(5), overridden.heartbeat());
    assertEquals("TERN_CLUSTER_NODE_ID (cluster.node_id) must be 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter "
        + "or digit, not \"mx/2\"", problem(cluster, Map.of("TERN_CLUSTER_NODE_ID", "mx/2")::get));
  }

  @Test
  void lmtpAndAuthKeysAreKnown() {
    load(MINIMAL + "[lmtp]\nbind = \"127.0.0.1:24\"\nmax_message_size = 1000\n[auth]\nbind = \"127.0.0.1:12345\"\n",
        NO_VARIABLES);
  }
}
