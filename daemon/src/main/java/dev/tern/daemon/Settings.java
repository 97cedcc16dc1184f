package dev.tern.daemon;

import dev.tern.daemon.auth.AuthConfig;
import dev.tern.imap.ImapConfig;
import dev.tern.imap.protocol.ImapLimits;
import dev.tern.lmtp.LmtpConfig;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.FileObjectStore;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.S3Config;
import dev.tern.storage.S3ObjectStore;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * {@code config.toml} (see {@code docs/configuration.md}): listeners, storage, users, limits.
 * {@link #load} validates every value, so a mistake stops the daemon before it binds anything;
 * each problem is one {@link ConfigException} line naming the key.
 */
final class Settings {

  /** A configuration mistake, worded for the admin. */
  static final class ConfigException extends RuntimeException {
    ConfigException(String message) {
      super(message);
    }
  }

  /** Where the objects live: the embedded directory store or an S3 bucket. */
  sealed interface Storage {
    ObjectStore open();

    String describe();
  }

  record DirectoryStorage(Path path) implements Storage {
    @Override
    public ObjectStore open() {
      return new FileObjectStore(path);
    }

    @Override
    public String describe() {
      return "directory " + path;
    }
  }

  record S3Storage(S3Config config) implements Storage {
    @Override
    public ObjectStore open() {
      return new S3ObjectStore(config);
    }

    @Override
    public String describe() {
      return "s3 " + config.describe();
    }
  }

  private final ConfigFile config;
  private final Storage storage;
  private final List<Node.Listener> imapListeners;
  private final Optional<AuthListener> authListener;
  private final Optional<LmtpListener> lmtpListener;
  private final Path usersFile;
  private final byte[] serverSecret;
  private final Path pidFile;
  private final NodeId nodeId;
  private final Duration heartbeat;

  private Settings(ConfigFile config) {
    this.config = config;
    this.storage = storage(config);
    this.imapListeners = imapListeners(config);
    this.authListener = authListener(config);
    this.lmtpListener = lmtpListener(config);
    if (imapListeners.isEmpty() && lmtpListener.isEmpty()) {
      throw new ConfigException(config.file() + " opens no listener: add [imap], [imap_unsecure] or [lmtp]");
    }
    this.usersFile = config.path("users", "file").orElse(config.resolve(Path.of("users.toml")));
    this.serverSecret = config.string("users", "server_secret", "").getBytes(StandardCharsets.UTF_8);
    this.pidFile = config.path("daemon", "pid_file").orElse(config.resolve(Path.of("tern.pid")));
    Path pidDirectory = pidFile.getParent();
    if (pidDirectory != null && !Files.isDirectory(pidDirectory)) {
      throw config.problem("daemon", "pid_file", "is in a directory that does not exist: " + pidDirectory);
    }
    this.nodeId = nodeId(config);
    this.heartbeat = Duration.ofSeconds(config.integer("cluster", "heartbeat_seconds",
        Liveness.DEFAULT_INTERVAL.toSeconds(), 1, 3_600));
  }

  /** Reads and validates {@code file}, with the environment variables {@code environment} finds overriding it. */
  static Settings load(Path file, Function<String, String> environment) {
    return new Settings(ConfigFile.read(file, environment));
  }

  Path file() {
    return config.file();
  }

  Storage storage() {
    return storage;
  }

  Path usersFile() {
    return usersFile;
  }

  byte[] serverSecret() {
    return serverSecret.clone();
  }

  Path pidFile() {
    return pidFile;
  }

  List<Node.Listener> imapListeners() {
    return imapListeners;
  }

  /** {@code [cluster] node_id}, by default derived from the host name. */
  NodeId nodeId() {
    return nodeId;
  }

  /** {@code [cluster] heartbeat_seconds}: how often the node announces itself in the store. */
  Duration heartbeat() {
    return heartbeat;
  }

  /** Opens the store and every listener; a listener that cannot bind closes what was opened. */
  Node startNode(UserDirectory users) {
    return startNode(users, storage.open());
  }

  /** {@link #startNode(UserDirectory)} on a store already open (tests wrap it to hold or fail requests). */
  Node startNode(UserDirectory users, ObjectStore store) {
    Node node = new Node(store, users, serverSecret);
    node.pollEvery(Duration.ofSeconds(config.integer("cluster", "poll_interval_seconds", 5, 1, 86_400)));
    try {
      for (Node.Listener listener : imapListeners) {
        node.listenImap(listener);
      }
      lmtpListener.ifPresent(lmtp -> node.listenLmtp(lmtp.address(), lmtp.config()));
      authListener.ifPresent(auth -> node.listenAuth(auth.address(), auth.config()));
      node.announce(nodeId, heartbeat);
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  String describe(Node node) {
    return "node " + nodeId + " listening on " + node.addresses() + " (configuration " + config.file() + ")";
  }

  // ---- validation: everything below runs in load(), before anything is opened ----

  private static NodeId nodeId(ConfigFile config) {
    return config.string("cluster", "node_id").map(text -> {
      if (!NodeId.isValid(text)) {
        // Quoted only when it stays one short line.
        String shown = text.length() > 80 || text.chars().anyMatch(Character::isISOControl) ? "that"
            : "\"" + text + "\"";
        throw config.problem("cluster", "node_id", "must be " + NodeId.RULE + ", not " + shown);
      }
      return new NodeId(text);
    }).orElseGet(NodeId::ofThisHost);
  }

  private static List<Node.Listener> imapListeners(ConfigFile config) {
    Optional<SslContext> tls = tls(config);
    ImapLimits limits = limits(config);
    Duration poll = Duration.ofSeconds(config.integer("cluster", "poll_interval_seconds", 5, 1, 86_400));
    Duration failedLoginDelay = Duration.ofMillis(config.integer("limits", "failed_login_delay_ms", 500, 0, 60_000));
    List<Node.Listener> listeners = new ArrayList<>();
    if (config.has("imap")) {
      if (tls.isEmpty()) {
        throw new ConfigException(config.file()
            + ": [imap] needs certificate and private_key (implicit TLS); use [imap_unsecure] for cleartext");
      }
      listeners.add(new Node.Listener(address(config, "imap", 993),
          new ImapConfig(limits, tls, true, false, poll, failedLoginDelay, Duration.ofMinutes(30))));
    }
    if (config.has("imap_unsecure")) {
      boolean plaintext = config.bool("imap_unsecure", "allow_plaintext_login", false);
      listeners.add(new Node.Listener(address(config, "imap_unsecure", 143),
          new ImapConfig(limits, tls, false, plaintext, poll, failedLoginDelay, Duration.ofMinutes(30))));
    }
    return List.copyOf(listeners);
  }

  /** {@code [lmtp]}: delivery from the MTA; see docs/lmtp.md. */
  record LmtpListener(InetSocketAddress address, LmtpConfig config) {}

  private static Optional<LmtpListener> lmtpListener(ConfigFile config) {
    if (!config.has("lmtp")) {
      return Optional.empty();
    }
    LmtpConfig defaults = LmtpConfig.defaults();
    try {
      return Optional.of(new LmtpListener(address(config, "lmtp", 24), defaults
          .withHostname(config.string("lmtp", "hostname", defaults.hostname()))
          .withMaxMessageSize(config.integer("lmtp", "max_message_size", defaults.maxMessageSize(), 1, Long.MAX_VALUE))));
    } catch (IllegalArgumentException e) {
      throw config.problem("lmtp", "hostname", e.getMessage());
    }
  }

  /** {@code [auth]}: the authentication socket for Postfix; see docs/auth-socket.md. */
  record AuthListener(InetSocketAddress address, AuthConfig config) {}

  private static Optional<AuthListener> authListener(ConfigFile config) {
    if (!config.has("auth")) {
      return Optional.empty();
    }
    return Optional.of(new AuthListener(address(config, "auth", 12345), new AuthConfig(
        config.bool("auth", "allow_plaintext", false),
        Duration.ofMillis(config.integer("limits", "failed_login_delay_ms", 500, 0, 60_000)))));
  }

  private static ImapLimits limits(ConfigFile config) {
    ImapLimits defaults = ImapLimits.DEFAULTS;
    int maxLine = (int) config.integer("limits", "max_line_length", defaults.maxLineLength(), 64, Integer.MAX_VALUE);
    int maxCommand = (int) config.integer("limits", "max_command_size", Math.max(defaults.maxCommandSize(), maxLine),
        maxLine, Integer.MAX_VALUE);
    return new ImapLimits(maxLine,
        (int) config.integer("limits", "max_literal_size", defaults.maxLiteralSize(), 0, Integer.MAX_VALUE),
        maxCommand,
        config.integer("limits", "max_message_size", defaults.maxAppendSize(), 0, Long.MAX_VALUE),
        defaults.maxChunkSize(), true);
  }

  /** The [imap] certificate, which [imap_unsecure] also uses for STARTTLS. */
  private static Optional<SslContext> tls(ConfigFile config) {
    Optional<Path> certificate = config.path("imap", "certificate");
    Optional<Path> key = config.path("imap", "private_key");
    if (certificate.isEmpty() && key.isEmpty()) {
      return Optional.empty();
    }
    Path certificateFile = existing(config, "certificate", certificate);
    Path keyFile = existing(config, "private_key", key);
    try {
      return Optional.of(SslContextBuilder.forServer(certificateFile.toFile(), keyFile.toFile()).build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException(config.file() + ": [imap] certificate/private_key unusable: "
          + ConfigFile.firstLine(e.getMessage()));
    }
  }

  private static Path existing(ConfigFile config, String name, Optional<Path> path) {
    Path file = path.orElseThrow(
        () -> config.problem("imap", name, "is required with the other of certificate/private_key"));
    if (!Files.isReadable(file)) {
      throw config.problem("imap", name, "names " + file + ", which does not exist or is not readable");
    }
    return file;
  }

  private static Storage storage(ConfigFile config) {
    String type = config.string("storage", "type", "directory");
    return switch (type) {
      case "directory" -> {
        Path path = config.path("storage", "path").orElseThrow(() -> config.problem("storage", "path", "is required"));
        if (Files.exists(path) && !Files.isDirectory(path)) {
          throw config.problem("storage", "path", "names " + path + ", which is not a directory");
        }
        yield new DirectoryStorage(path);
      }
      case "s3" -> new S3Storage(s3(config));
      default -> throw config.problem("storage", "type", "must be \"directory\" or \"s3\", not \"" + type + "\"");
    };
  }

  private static S3Config s3(ConfigFile config) {
    Optional<URI> endpoint = config.string("storage", "endpoint").map(text -> {
      try {
        return new URI(text);
      } catch (URISyntaxException e) {
        throw config.problem("storage", "endpoint", "is not a URI: " + e.getReason());
      }
    });
    String bucket = config.required("storage", "bucket");
    String accessKey = config.required("storage", "access_key_id");
    String secretKey = config.required("storage", "secret_access_key");
    try {
      S3Config s3 = endpoint.isPresent()
          ? S3Config.of(endpoint.get(), bucket, accessKey, secretKey)
          : S3Config.aws(S3Config.DEFAULT_REGION, bucket, accessKey, secretKey);
      return s3.withRegion(config.string("storage", "region", S3Config.DEFAULT_REGION))
          .withKeyPrefix(config.string("storage", "prefix", ""))
          .withPathStyle(config.bool("storage", "path_style", endpoint.isPresent()))
          .withTimeouts(
              Duration.ofSeconds(config.integer("storage", "connect_timeout_seconds",
                  S3Config.DEFAULT_CONNECT_TIMEOUT.toSeconds(), 1, 600)),
              Duration.ofSeconds(config.integer("storage", "socket_timeout_seconds",
                  S3Config.DEFAULT_SOCKET_TIMEOUT.toSeconds(), 1, 3600)))
          .withMaxAttempts((int) config.integer("storage", "max_attempts", S3Config.DEFAULT_MAX_ATTEMPTS, 1, 20));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(config.file() + ": [storage] " + e.getMessage());
    }
  }

  private static InetSocketAddress address(ConfigFile config, String section, int defaultPort) {
    String bind = config.string(section, "bind", "127.0.0.1:" + defaultPort);
    int colon = bind.lastIndexOf(':');
    String host = colon < 0 ? "" : bind.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // [::1]:143
    }
    int port;
    try {
      port = Integer.parseInt(bind.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || port < 0 || port > 65_535) {
      throw config.problem(section, "bind", "must be host:port with a port from 0 to 65535, not \"" + bind + "\"");
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw config.problem(section, "bind", "names a host that does not resolve: " + host);
    }
    return address;
  }
}
