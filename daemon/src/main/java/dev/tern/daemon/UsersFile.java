package dev.tern.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.PasswordHash;
import dev.tern.daemon.Settings.ConfigException;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.ObjectKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * {@code users.toml}: one table per login with {@code addresses}, {@code password} (an Argon2 PHC
 * string), {@code crypto_root}, and optionally {@code id} (the store id, default the login),
 * {@code bucket} and {@code prefix}. Reading validates everything and reports the first problem as
 * one line {@code <file>: <login>.<key>: <problem>}. Values are immutable: {@link #add},
 * {@link #replace} and {@link #remove} return a new file, which {@link #write} stores atomically.
 */
final class UsersFile {

  static final String HEADER = """
      # Tern users: one table per login (docs/configuration.md). `tern account` rewrites this file,
      # sorted by login, and keeps no comments but this header; editing it by hand is fine too.
      # After a change, `tern reload` makes a running daemon read it again.
      """;

  private static final Set<String> KEYS = Set.of("id", "addresses", "password", "crypto_root", "bucket", "prefix");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._@+-]{1,128}");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  /** A problem with one key of one entry; the reader adds the file and the login. */
  static final class InvalidEntry extends IllegalArgumentException {
    final String key;

    InvalidEntry(String key, String problem) {
      super(problem);
      this.key = key;
    }
  }

  /**
   * One user. {@code bucket} and {@code prefix} are validated and kept, but nothing uses them yet:
   * every user's objects are in the configured {@code [storage]}.
   */
  record Entry(String login, String id, List<String> addresses, String password, CryptoRoot cryptoRoot,
      Optional<String> bucket, Optional<String> prefix) {

    Entry {
      String loginProblem = loginProblem(login);
      if (loginProblem != null) {
        throw new InvalidEntry("login", loginProblem);
      }
      if (!usableId(id)) {
        String what = id.equals(login) ? "the login is not usable as a store id; set id" : "\"" + id + "\"";
        throw new InvalidEntry("id", what + " (1 to 128 of A-Z a-z 0-9 . _ @ + -, not . or ..)");
      }
      addresses = List.copyOf(addresses);
      Set<String> seen = new HashSet<>();
      for (String address : addresses) {
        String canonical = canonical(address).orElseThrow(() -> new InvalidEntry("addresses",
            "\"" + printable(address) + "\" is not an address (local@domain)"));
        if (!seen.add(canonical)) {
          throw new InvalidEntry("addresses", address + " is listed twice");
        }
      }
      try {
        PasswordHash.parse(password);
      } catch (IllegalArgumentException e) {
        throw new InvalidEntry("password", e.getMessage());
      }
      Objects.requireNonNull(cryptoRoot, "cryptoRoot");
      bucket.ifPresent(b -> {
        if (!BUCKET.matcher(b).matches() || b.contains("..")) {
          throw new InvalidEntry("bucket",
              "\"" + printable(b) + "\" is not an S3 bucket name (3 to 63 of a-z 0-9 . -)");
        }
      });
      prefix.ifPresent(p -> {
        String bare = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        try {
          ObjectKey.of(bare);
        } catch (IllegalArgumentException e) {
          throw new InvalidEntry("prefix", "not a key prefix: " + e.getMessage());
        }
      });
    }

    /** A user of the configured store: id = login, no bucket or prefix of their own. */
    static Entry of(String login, List<String> addresses, String password, CryptoRoot cryptoRoot) {
      return new Entry(login, login, addresses, password, cryptoRoot, Optional.empty(), Optional.empty());
    }

    Entry withPassword(String newPassword) {
      return new Entry(login, id, addresses, newPassword, cryptoRoot, bucket, prefix);
    }

    User user() {
      return new User(login, id, addresses, password, cryptoRoot);
    }

    /** pass, cleartext or incoming: what {@code tern account list} shows instead of the secret. */
    String rootKind() {
      return switch (cryptoRoot) {
        case CryptoRoot.Pass pass -> "pass";
        case CryptoRoot.Cleartext cleartext -> "cleartext";
        case CryptoRoot.Incoming incoming -> "incoming";
      };
    }

    @Override
    public String toString() {
      return "Entry[" + login + "]"; // the hash and a cleartext root stay out of logs
    }
  }

  private final Path path;
  private final SortedMap<String, Entry> entries;

  private UsersFile(Path path, Collection<Entry> entries) {
    this.path = path;
    SortedMap<String, Entry> sorted = new TreeMap<>();
    Map<String, String> addressOwners = new HashMap<>();
    Map<String, String> idOwners = new HashMap<>();
    for (Entry entry : entries) {
      if (sorted.put(entry.login(), entry) != null) {
        throw problem(path, entry.login(), "login", "appears twice");
      }
      String otherId = idOwners.putIfAbsent(entry.id(), entry.login());
      if (otherId != null) {
        throw problem(path, entry.login(), "id", "\"" + entry.id() + "\" is also the store id of " + otherId);
      }
      for (String address : entry.addresses()) {
        String other = addressOwners.putIfAbsent(canonical(address).orElseThrow(), entry.login());
        if (other != null) {
          throw problem(path, entry.login(), "addresses", address + " is already an address of " + other);
        }
      }
    }
    this.entries = Collections.unmodifiableSortedMap(sorted);
  }

  /**
   * Reads the file (empty when missing), applies {@code change} and writes the result, holding an
   * exclusive lock on {@code .<name>.lock} beside it so two {@code tern account} runs cannot
   * lose each other's change. Returns the file written.
   */
  static UsersFile update(Path path, UnaryOperator<UsersFile> change) {
    Path absolute = path.toAbsolutePath();
    Path lock = absolute.resolveSibling("." + absolute.getFileName() + ".lock");
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      channel.lock(); // released when the channel closes
      UsersFile changed = change.apply(readOrEmpty(path));
      changed.write();
      return changed;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lock + ": " + e.getMessage(), e);
    }
  }

  /** Reads and validates the file; a missing file is an error. */
  static UsersFile read(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("users file " + path + " not found");
    } catch (IOException e) {
      throw new ConfigException("cannot read users file " + path + ": " + ConfigFile.firstLine(e.getMessage()));
    }
    return parse(path, text);
  }

  /** Reads the file, or an empty one when it does not exist yet (the first {@code tern account add}). */
  static UsersFile readOrEmpty(Path path) {
    return Files.exists(path) ? read(path) : new UsersFile(path, List.of());
  }

  static UsersFile parse(Path path, String text) {
    JsonNode root;
    try {
      root = new TomlMapper().readTree(text);
    } catch (IOException e) {
      throw new ConfigException(path + ": " + ConfigFile.describe(e));
    }
    List<Entry> entries = new ArrayList<>();
    if (root == null) {
      return new UsersFile(path, entries);
    }
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      entries.add(entry(path, field.getKey(), field.getValue()));
    }
    return new UsersFile(path, entries);
  }

  private static Entry entry(Path path, String login, JsonNode table) {
    if (!table.isObject()) {
      throw new ConfigException(path + ": " + login + ": expected a table [" + login + "] of a user's settings");
    }
    for (Iterator<String> names = table.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!KEYS.contains(name)) {
        throw problem(path, login, name, "unknown key (known: id, addresses, password, crypto_root, bucket, prefix)");
      }
    }
    JsonNode addressesNode = table.get("addresses");
    if (addressesNode == null) {
      throw problem(path, login, "addresses", "is required (a list, may be empty: addresses = [])");
    }
    if (!addressesNode.isArray()) {
      throw problem(path, login, "addresses", "must be a list of strings, like [\"" + "someone@example.tld\"]");
    }
    List<String> addresses = new ArrayList<>();
    for (JsonNode address : addressesNode) {
      if (!address.isTextual()) {
        throw problem(path, login, "addresses", "must be a list of strings");
      }
      addresses.add(address.asText());
    }
    String password = requiredString(path, login, table, "password");
    String rootText = requiredString(path, login, table, "crypto_root");
    CryptoRoot cryptoRoot;
    try {
      cryptoRoot = CryptoRoot.parse(rootText);
    } catch (IllegalArgumentException e) {
      throw problem(path, login, "crypto_root", e.getMessage());
    }
    try {
      return new Entry(login, optionalString(path, login, table, "id").orElse(login), addresses, password, cryptoRoot,
          optionalString(path, login, table, "bucket"), optionalString(path, login, table, "prefix"));
    } catch (InvalidEntry e) {
      throw problem(path, login, e.key, e.getMessage());
    }
  }

  private static String requiredString(Path path, String login, JsonNode table, String key) {
    return optionalString(path, login, table, key).orElseThrow(() -> problem(path, login, key, "is required"));
  }

  private static Optional<String> optionalString(Path path, String login, JsonNode table, String key) {
    JsonNode value = table.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw problem(path, login, key, "must be a string");
    }
    return Optional.of(value.asText());
  }

  static ConfigException problem(Path path, String login, String key, String problem) {
    return new ConfigException(path + ": " + login + "." + key + ": " + problem);
  }

  Path path() {
    return path;
  }

  Collection<Entry> entries() {
    return entries.values();
  }

  Optional<Entry> entry(String login) {
    return Optional.ofNullable(entries.get(login));
  }

  /**
   * Refuses, as a one-line {@link Failure}, a new user whose login is taken or not usable as a
   * store id, or one of whose addresses is malformed or another user's.
   */
  void checkAvailable(String login, List<String> addresses) {
    String loginProblem = loginProblem(login);
    if (loginProblem != null) {
      throw new Failure(loginProblem + ": \"" + printable(login) + "\"");
    }
    if (entries.containsKey(login)) {
      throw new Failure("user " + login + " already exists in " + path);
    }
    if (!usableId(login)) {
      throw new Failure("the login " + login + " is not usable as a store id (1 to 128 of A-Z a-z 0-9 . _ @ + -)");
    }
    List<String> wanted = new ArrayList<>();
    for (String address : addresses) {
      String canonical = canonical(address)
          .orElseThrow(() -> new Failure("\"" + printable(address) + "\" is not an address (local@domain)"));
      if (wanted.contains(canonical)) {
        throw new Failure(address + " is given twice");
      }
      wanted.add(canonical);
    }
    for (Entry entry : entries.values()) {
      if (entry.id().equals(login)) {
        throw new Failure("the store id " + login + " is already " + entry.login() + "'s (users/" + login + "/)");
      }
      for (String address : entry.addresses()) {
        if (wanted.contains(canonical(address).orElseThrow())) {
          throw new Failure(address + " is already an address of " + entry.login());
        }
      }
    }
  }

  /** This file with a new user; refuses a login, id or address that is taken. */
  UsersFile add(Entry entry) {
    if (entries.containsKey(entry.login())) {
      throw new Failure("user " + entry.login() + " already exists in " + path);
    }
    List<Entry> all = new ArrayList<>(entries.values());
    all.add(entry);
    return new UsersFile(path, all);
  }

  /** This file with the user's entry replaced. */
  UsersFile replace(Entry entry) {
    if (!entries.containsKey(entry.login())) {
      throw new Failure("no user " + entry.login() + " in " + path);
    }
    Map<String, Entry> all = new TreeMap<>(entries);
    all.put(entry.login(), entry);
    return new UsersFile(path, all.values());
  }

  /** This file without the user. */
  UsersFile remove(String login) {
    if (!entries.containsKey(login)) {
      throw new Failure("no user " + login + " in " + path);
    }
    Map<String, Entry> all = new TreeMap<>(entries);
    all.remove(login);
    return new UsersFile(path, all.values());
  }

  UserDirectory directory() {
    return UserDirectory.of(entries.values().stream().map(Entry::user).toList());
  }

  /** The file's text: the header, then one table per login in login order. */
  String format() {
    StringBuilder text = new StringBuilder(HEADER);
    for (Entry entry : entries.values()) {
      text.append('\n').append('[').append(key(entry.login())).append("]\n");
      if (!entry.id().equals(entry.login())) {
        text.append("id = ").append(quoted(entry.id())).append('\n');
      }
      text.append("addresses = [")
          .append(String.join(", ", entry.addresses().stream().map(UsersFile::quoted).toList()))
          .append("]\n");
      text.append("password = ").append(quoted(entry.password())).append('\n');
      text.append("crypto_root = ").append(quoted(entry.cryptoRoot().format())).append('\n');
      entry.bucket().ifPresent(b -> text.append("bucket = ").append(quoted(b)).append('\n'));
      entry.prefix().ifPresent(p -> text.append("prefix = ").append(quoted(p)).append('\n'));
    }
    return text.toString();
  }

  /**
   * Replaces the file atomically: a temporary file in the same directory, written and forced to
   * disk, then renamed over the old one (and the directory forced), so a crash or a daemon reading
   * at the same moment sees the old file or the new one, never a part. A new file is readable by
   * its owner only (cleartext roots are keys); an existing file's permissions are kept.
   */
  void write() {
    Path absolute = path.toAbsolutePath();
    Path directory = absolute.getParent();
    Path temp = directory.resolve("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Set<PosixFilePermission> permissions = permissions(absolute);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        if (permissions != null) {
          Files.setPosixFilePermissions(temp, permissions);
        }
        ByteBuffer bytes = ByteBuffer.wrap(format().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(directory);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the write failure is what matters
      }
      throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /** The permissions to give the new file; null where the filesystem has none. */
  private static Set<PosixFilePermission> permissions(Path file) throws IOException {
    if (Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) == null) {
      return null;
    }
    return Files.exists(file) ? Files.getPosixFilePermissions(file) : PosixFilePermissions.fromString("rw-------");
  }

  /** Makes the rename durable; some systems cannot open a directory, and there nothing more can be done. */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Windows cannot open a directory; its rename is as durable as it gets.
    }
  }

  /** A store id is one segment of an object key, in characters every store and filesystem takes. */
  static boolean usableId(String id) {
    return ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
  }

  /** A login must be one visible word: IMAP clients, logs and this file all show it. */
  static String loginProblem(String login) {
    if (login == null || login.isEmpty()) {
      return "a login cannot be empty";
    }
    if (login.length() > 255) {
      return "a login is at most 255 characters";
    }
    if (login.codePoints().anyMatch(
        c -> Character.isWhitespace(c) || Character.isISOControl(c) || c == '"' || c == '\\')) {
      return "a login cannot contain spaces, control characters, quotes or backslashes";
    }
    return null;
  }

  /**
   * {@code local@domain} with the domain lower-cased, as the directory compares addresses; empty
   * when it is not of that form.
   */
  static Optional<String> canonical(String address) {
    int at = address.lastIndexOf('@');
    if (at <= 0 || at == address.length() - 1
        || address.codePoints().anyMatch(
            c -> Character.isWhitespace(c) || Character.isISOControl(c) || c == '<' || c == '>')) {
      return Optional.empty();
    }
    return Optional.of(address.substring(0, at) + "@" + address.substring(at + 1).toLowerCase(Locale.ROOT));
  }

  private static String key(String login) {
    return BARE_KEY.matcher(login).matches() ? login : quoted(login);
  }

  /** A TOML basic string. */
  static String quoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    value.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04X", c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.append('"').toString();
  }

  private static String printable(String text) {
    return text.codePoints().anyMatch(Character::isISOControl)
        ? text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()
        : text;
  }
}
