package dev.tern.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What a node's beat object says, in clear JSON: the node id, a random id of the process (so two
 * processes sharing a node id tell apart), when it started, its Tern version, its beat interval
 * and the kinds of listener it opened. Deliberately nothing about users or addresses
 * (docs/architecture.md, "Object layout"). Unknown fields are ignored, so a newer node's beat
 * still reads.
 */
record Beat(NodeId node, String process, Instant started, String version, Duration interval, List<String> listeners) {

  /** A node is stale, by its own interval, once this many beats are missing. */
  static final int STALE_AFTER_BEATS = 3;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  Beat {
    Objects.requireNonNull(node, "node");
    if (process.isEmpty()) {
      throw new IllegalArgumentException("empty process id");
    }
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(version, "version");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("beat interval must be positive: " + interval);
    }
    listeners = List.copyOf(listeners);
  }

  /** A fresh process id: 64 random bits in hex. */
  static String newProcessId(RandomGenerator random) {
    return HexFormat.of().toHexDigits(random.nextLong());
  }

  /** How old this node's newest beat may be while it counts as alive. */
  Duration staleAfter() {
    return interval.multipliedBy(STALE_AFTER_BEATS);
  }

  byte[] toJson() {
    ObjectNode json = JSON.createObjectNode();
    json.put("node", node.value());
    json.put("process", process);
    json.put("started", started.toString());
    json.put("version", version);
    json.put("interval_seconds", interval.toSeconds());
    listeners.forEach(json.putArray("listeners")::add);
    try {
      return JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
  }

  /**
   * Reads a beat object.
   *
   * @throws IllegalArgumentException when it is not a beat
   */
  static Beat parse(byte[] bytes) {
    try {
      JsonNode json = JSON.readTree(bytes);
      if (json == null || !json.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      List<String> listeners = new ArrayList<>();
      json.path("listeners").forEach(kind -> listeners.add(kind.asText()));
      long seconds = json.path("interval_seconds").asLong();
      return new Beat(new NodeId(text(json, "node")), text(json, "process"), Instant.parse(text(json, "started")),
          text(json, "version"), Duration.ofSeconds(seconds), listeners);
    } catch (IOException | DateTimeException e) {
      throw new IllegalArgumentException(ConfigFile.firstLine(e.getMessage()), e);
    }
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("no \"" + field + "\"");
    }
    return value.asText();
  }
}
