package dev.tern.daemon;

import dev.tern.log.Timestamp;
import dev.tern.storage.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a beat lives: {@code cluster/nodes/<node id>/<timestamp>}, one write-once object per beat.
 * The timestamp (milliseconds then 64 random bits, as the log's) sorts a node's beats by time and
 * keeps two processes sharing a node id from ever writing the same key. Every key is a leaf:
 * nothing is ever stored at {@code cluster/nodes/<node id>} itself, which S3 servers built on a
 * file tree (MinIO, S3Proxy) could not hold next to the beats below it.
 */
record BeatKey(NodeId node, Timestamp at) {

  /** Every node's beats are under here. */
  static final String PREFIX = "cluster/nodes/";

  static String prefix(NodeId node) {
    return PREFIX + node.value() + "/";
  }

  ObjectKey key() {
    return ObjectKey.of(prefix(node) + at.toHex());
  }

  /** How long before {@code now} this beat was written, by the writer's clock against {@code now}'s. */
  Duration age(Instant now) {
    return Duration.ofMillis(now.toEpochMilli() - at.millis());
  }

  /** The beat key {@code key} names, or empty for anything else found under {@link #PREFIX}. */
  static Optional<BeatKey> parse(ObjectKey key) {
    String value = key.value();
    if (!value.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = value.substring(PREFIX.length()).split("/", -1);
    if (parts.length != 2 || !NodeId.isValid(parts[0])) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BeatKey(new NodeId(parts[0]), Timestamp.parse(parts[1])));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
