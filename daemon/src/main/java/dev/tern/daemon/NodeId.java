package dev.tern.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of one daemon in a cluster ({@code [cluster] node_id}): 1 to 64 of {@code A-Z a-z 0-9
 * . _ -}, starting with a letter or digit, so it is one safe object-key segment and one word in a
 * log line. Nothing depends on it being unique; a shared one only confuses {@code tern check}.
 */
record NodeId(String value) {

  static final String RULE = "1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit";

  private static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  NodeId {
    Objects.requireNonNull(value, "value");
    if (!isValid(value)) {
      throw new IllegalArgumentException("a node id is " + RULE + ", not \"" + value + "\"");
    }
  }

  static boolean isValid(String text) {
    return SYNTAX.matcher(text).matches();
  }

  /** The default: this machine's host name, made valid. */
  static NodeId ofThisHost() {
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      // A host name that does not resolve is still a name, but Java hands it over only on Linux.
      try {
        name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      } catch (IOException | RuntimeException unreadable) {
        name = "";
      }
    }
    return fromHostName(name);
  }

  /**
   * {@code hostName} with every character outside the node-id alphabet replaced by '-', cut to 64
   * characters; "tern" when nothing usable remains.
   */
  static NodeId fromHostName(String hostName) {
    String cleaned = hostName.replaceAll("[^A-Za-z0-9._-]", "-");
    cleaned = cleaned.substring(0, Math.min(cleaned.length(), 64));
    cleaned = cleaned.replaceFirst("^[._-]+", "");
    return new NodeId(cleaned.isEmpty() ? "tern" : cleaned);
  }

  @Override
  public String toString() {
    return value;
  }
}
