package dev.tern.storage;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how {@link S3ObjectStore} reaches its bucket. Validated once, here.
 *
 * @param endpoint the server's base URI ({@code http://127.0.0.1:3900}); empty for AWS itself,
 *     where the endpoint follows from {@code region}
 * @param region the signing region ({@code us-east-1} unless the server wants another; Garage
 *     uses {@code garage})
 * @param bucket the bucket, which must exist
 * @param keyPrefix prepended to every key inside the bucket: empty, or '/'-separated segments
 *     ending in '/' ({@code "tern"} is normalised to {@code "tern/"}), so several installations
 *     can share one bucket without seeing each other's objects
 * @param accessKeyId the access key id
 * @param secretAccessKey the secret key; never printed by {@link #toString()}
 * @param pathStyle {@code http://host/bucket/key} rather than {@code http://bucket.host/key}:
 *     what self-hosted servers (MinIO, Garage, Ceph, S3Proxy) want
 * @param connectTimeout to open a TCP connection
 * @param socketTimeout the longest wait for the next bytes of a response (or for the server to
 *     take the next bytes of a request)
 * @param maxAttempts attempts per request, the first included; the SDK retries transient failures
 *     (5xx, throttling, connection failures) with jittered exponential back-off
 * @param maxConnections the HTTP connection pool's size: requests in flight at once
 */
public record S3Config(
    Optional<URI> endpoint,
    String region,
    String bucket,
    String keyPrefix,
    String accessKeyId,
    String secretAccessKey,
    boolean pathStyle,
    Duration connectTimeout,
    Duration socketTimeout,
    int maxAttempts,
    int maxConnections) {

  public static final String DEFAULT_REGION = "us-east-1";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_ATTEMPTS = 4;
  public static final int DEFAULT_MAX_CONNECTIONS = 64;

  public S3Config {
    Objects.requireNonNull(endpoint, "endpoint");
    endpoint.ifPresent(S3Config::checkEndpoint);
    requireText(region, "region");
    requireText(bucket, "bucket");
    keyPrefix = normalisePrefix(Objects.requireNonNull(keyPrefix, "keyPrefix"));
    requireText(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    if (secretAccessKey.isEmpty()) {
      throw new IllegalArgumentException("empty secretAccessKey");
    }
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(socketTimeout, "socketTimeout");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts " + maxAttempts + " below 1");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections " + maxConnections + " below 1");
    }
  }

  /**
   * A self-hosted S3-compatible server at {@code endpoint}: region {@value #DEFAULT_REGION},
   * path-style requests, no key prefix, default timeouts and retries.
   */
  public static S3Config of(URI endpoint, String bucket, String accessKeyId, String secretAccessKey) {
    return new S3Config(Optional.of(endpoint), DEFAULT_REGION, bucket, "", accessKeyId,
        secretAccessKey, true, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT,
        DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_CONNECTIONS);
  }

  /** AWS S3 itself in {@code region}: virtual-hosted requests, default timeouts and retries. */
  public static S3Config aws(String region, String bucket, String accessKeyId, String secretAccessKey) {
    return new S3Config(Optional.empty(), region, bucket, "", accessKeyId, secretAccessKey, false,
        DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT, DEFAULT_MAX_ATTEMPTS,
        DEFAULT_MAX_CONNECTIONS);
  }

  public S3Config withRegion(String newRegion) {
    return new S3Config(endpoint, newRegion, bucket, keyPrefix, accessKeyId, secretAccessKey,
        pathStyle, connectTimeout, socketTimeout, maxAttempts, maxConnections);
  }

  public S3Config withBucket(String newBucket) {
    return new S3Config(endpoint, region, newBucket, keyPrefix, accessKeyId, secretAccessKey,
        pathStyle, connectTimeout, socketTimeout, maxAttempts, maxConnections);
  }

  public S3Config withKeyPrefix(String newPrefix) {
    return new S3Config(endpoint, region, bucket, newPrefix, accessKeyId, secretAccessKey,
        pathStyle, connectTimeout, socketTimeout, maxAttempts, maxConnections);
  }

  public S3Config withCredentials(String newAccessKeyId, String newSecretAccessKey) {
    return new S3Config(endpoint, region, bucket, keyPrefix, newAccessKeyId, newSecretAccessKey,
        pathStyle, connectTimeout, socketTimeout, maxAttempts, maxConnections);
  }

  public S3Config withPathStyle(boolean newPathStyle) {
    return new S3Config(endpoint, region, bucket, keyPrefix, accessKeyId, secretAccessKey,
        newPathStyle, connectTimeout, socketTimeout, maxAttempts, maxConnections);
  }

  public S3Config withTimeouts(Duration newConnectTimeout, Duration newSocketTimeout) {
    return new S3Config(endpoint, region, bucket, keyPrefix, accessKeyId, secretAccessKey,
        pathStyle, newConnectTimeout, newSocketTimeout, maxAttempts, maxConnections);
  }

  public S3Config withMaxAttempts(int newMaxAttempts) {
    return new S3Config(endpoint, region, bucket, keyPrefix, accessKeyId, secretAccessKey,
        pathStyle, connectTimeout, socketTimeout, newMaxAttempts, maxConnections);
  }

  public S3Config withMaxConnections(int newMaxConnections) {
    return new S3Config(endpoint, region, bucket, keyPrefix, accessKeyId, secretAccessKey,
        pathStyle, connectTimeout, socketTimeout, maxAttempts, newMaxConnections);
  }

  /** Where requests go, for messages: the endpoint (or "AWS region") and the bucket. */
  public String describe() {
    String where = endpoint.map(URI::toString).orElse("AWS " + region);
    return where + " bucket " + bucket + (keyPrefix.isEmpty() ? "" : " prefix " + keyPrefix);
  }

  /** Everything but the secret. */
  @Override
  public String toString() {
    return "S3Config[endpoint=" + endpoint.map(URI::toString).orElse("(AWS)")
        + ", region=" + region
        + ", bucket=" + bucket
        + ", keyPrefix=" + keyPrefix
        + ", accessKeyId=" + accessKeyId
        + ", secretAccessKey=(hidden)"
        + ", pathStyle=" + pathStyle
        + ", connectTimeout=" + connectTimeout
        + ", socketTimeout=" + socketTimeout
        + ", maxAttempts=" + maxAttempts
        + ", maxConnections=" + maxConnections + "]";
  }

  private static void checkEndpoint(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("S3 endpoint " + uri + " is not an http or https URI");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("S3 endpoint " + uri + " has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "S3 endpoint must not hold credentials; set accessKeyId and secretAccessKey");
    }
  }

  private static String normalisePrefix(String prefix) {
    if (prefix.isEmpty()) {
      return prefix;
    }
    String bare = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    try {
      ObjectKey.of(bare); // the same rules as keys: no empty, "." or ".." segment, no control chars
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad S3 key prefix: " + e.getMessage(), e);
    }
    return bare + "/";
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException("empty " + name);
    }
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " " + value + " is not positive");
    }
  }
}
