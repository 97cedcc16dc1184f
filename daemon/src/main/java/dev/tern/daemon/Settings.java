package dev.tern.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.tern.crypto.CryptoRoot;
import dev.tern.imap.ImapConfig;
import dev.tern.imap.protocol.ImapLimits;
import dev.tern.lmtp.LmtpConfig;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.FileObjectStore;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.S3Config;
import dev.tern.storage.S3ObjectStore;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * {@code config.toml} (see {@code config.toml.example}): listeners, storage, users. Every problem
 * is reported as one {@link ConfigException} line naming the key.
 */
final class Settings {

  /** A configuration mistake, worded for the admin. */
  static final class ConfigException extends RuntimeException {
    ConfigException(String message) {
      super(message);
    }
  }

  private final Path file;
  private final JsonNode root;

  private Settings(Path file, JsonNode root) {
    this.file = file;
    this.root = root;
  }

  static Settings load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("configuration file " + file + " not found (use -c FILE, or --dev)");
    }
    try {
      return new Settings(file, new TomlMapper().readTree(file.toFile()));
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  Node startNode() {
    ObjectStore store = store();
    Node node = new Node(store, users(), serverSecret());
    Optional<SslContext> tls = tls();
    boolean any = false;
    if (root.has("imap")) {
      JsonNode imap = root.get("imap");
      if (tls.isEmpty()) {
        throw new ConfigException("[imap] needs certificate and private_key (implicit TLS); use [imap_unsecure] for cleartext");
      }
      node.listenImap(new Node.Listener(address(imap, "imap.bind", 993), config(tls, true, false)));
      any = true;
    }
    if (root.has("imap_unsecure")) {
      JsonNode imap = root.get("imap_unsecure");
      boolean plaintext = imap.path("allow_plaintext_login").asBoolean(false);
      node.listenImap(new Node.Listener(address(imap, "imap_unsecure.bind", 143), config(tls, false, plaintext)));
      any = true;
    }
    if (root.has("lmtp")) {
      JsonNode lmtp = root.get("lmtp");
      LmtpConfig defaults = LmtpConfig.defaults();
      try {
        node.listenLmtp(address(lmtp, "lmtp.bind", 24), defaults.withHostname(lmtp.path("hostname").asText(defaults.hostname()))
            .withMaxMessageSize(lmtp.path("max_message_size").asLong(defaults.maxMessageSize())));
      } catch (IllegalArgumentException e) {
        node.close();
        throw new ConfigException("[lmtp] " + e.getMessage());
      }
      any = true;
    }
    if (!any) {
      node.close();
      throw new ConfigException(file + " opens no listener: add [imap], [imap_unsecure] or [lmtp]");
    }
    return node;
  }

  String describe(Node node) {
    return "listening on " + node.addresses() + " (configuration " + file + ")";
  }

  private ImapConfig config(Optional<SslContext> tls, boolean implicitTls, boolean plaintextLogin) {
    JsonNode limits = root.path("limits");
    ImapLimits imapLimits = new ImapLimits(
        limits.path("max_line_length").asInt(ImapLimits.DEFAULTS.maxLineLength()),
        limits.path("max_literal_size").asInt(ImapLimits.DEFAULTS.maxLiteralSize()),
        limits.path("max_command_size").asInt(ImapLimits.DEFAULTS.maxCommandSize()),
        limits.path("max_message_size").asLong(ImapLimits.DEFAULTS.maxAppendSize()),
        ImapLimits.DEFAULTS.maxChunkSize(), true);
    return new ImapConfig(imapLimits, tls, implicitTls, plaintextLogin,
        Duration.ofSeconds(root.path("cluster").path("poll_interval_seconds").asLong(5)),
        Duration.ofMillis(limits.path("failed_login_delay_ms").asLong(500)),
        Duration.ofMinutes(30));
  }

  private Optional<SslContext> tls() {
    JsonNode imap = root.path("imap");
    if (!imap.has("certificate") && !imap.has("private_key")) {
      return Optional.empty();
    }
    Path certificate = Path.of(required(imap, "certificate", "imap.certificate"));
    Path key = Path.of(required(imap, "private_key", "imap.private_key"));
    try {
      return Optional.of(SslContextBuilder.forServer(certificate.toFile(), key.toFile()).build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException("[imap] certificate/private_key unusable: " + e.getMessage());
    }
  }

  private ObjectStore store() {
    JsonNode storage = root.path("storage");
    String type = storage.path("type").asText("directory");
    return switch (type) {
      case "directory" -> new FileObjectStore(Path.of(required(storage, "path", "storage.path")));
      case "s3" -> {
        S3Config config = storage.has("endpoint")
            ? S3Config.of(URI.create(required(storage, "endpoint", "storage.endpoint")),
                required(storage, "bucket", "storage.bucket"), required(storage, "access_key_id", "storage.access_key_id"),
                required(storage, "secret_access_key", "storage.secret_access_key"))
            : S3Config.aws(storage.path("region").asText("us-east-1"), required(storage, "bucket", "storage.bucket"),
                required(storage, "access_key_id", "storage.access_key_id"),
                required(storage, "secret_access_key", "storage.secret_access_key"));
        yield new S3ObjectStore(config);
      }
      default -> throw new ConfigException("storage.type must be \"directory\" or \"s3\", not \"" + type + "\"");
    };
  }

  private byte[] serverSecret() {
    String secret = root.path("users").path("server_secret").asText("");
    return secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Users from the file named by {@code [users] file}: one table per login. */
  private UserDirectory users() {
    JsonNode users = root.path("users");
    Path usersFile = file.resolveSibling(required(users, "file", "users.file"));
    JsonNode table;
    try {
      table = new TomlMapper().readTree(usersFile.toFile());
    } catch (IOException e) {
      throw new ConfigException("cannot read users file " + usersFile + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
    List<User> all = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String login = entry.getKey();
      JsonNode user = entry.getValue();
      List<String> addresses = new ArrayList<>();
      user.path("addresses").forEach(a -> addresses.add(a.asText()));
      CryptoRoot root;
      try {
        root = CryptoRoot.parse(required(user, "crypto_root", login + ".crypto_root"));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(usersFile + ": " + login + ".crypto_root: " + e.getMessage());
      }
      all.add(new User(login, user.path("id").asText(login), addresses,
          required(user, "password", login + ".password"), root));
    }
    try {
      return UserDirectory.of(all);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(usersFile + ": " + e.getMessage());
    }
  }

  private static InetSocketAddress address(JsonNode section, String key, int defaultPort) {
    String bind = section.path("bind").asText("127.0.0.1:" + defaultPort);
    int colon = bind.lastIndexOf(':');
    try {
      return new InetSocketAddress(bind.substring(0, colon).replace("[", "").replace("]", ""),
          Integer.parseInt(bind.substring(colon + 1)));
    } catch (RuntimeException e) {
      throw new ConfigException(key + " must be host:port, not \"" + bind + "\"");
    }
  }

  private String required(JsonNode section, String name, String key) {
    JsonNode value = section.get(name);
    if (value == null || value.asText().isEmpty()) {
      throw new ConfigException(file + ": " + key + " is required");
    }
    return value.asText();
  }
}
