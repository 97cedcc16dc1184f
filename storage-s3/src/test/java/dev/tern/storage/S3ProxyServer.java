package dev.tern.storage;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.LoggerFactory;

/**
 * A real S3 server for tests: S3Proxy in this process, on 127.0.0.1 and a free port, with SigV4
 * authentication and one bucket ({@link #BUCKET}), holding its objects in memory ({@link
 * #start()}) or as files in a directory ({@link #start(Path)}: they outlive the server, and a
 * server started again on the directory sees them).
 *
 * <pre>{@code
 * try (S3ProxyServer server = S3ProxyServer.start();
 *      S3ObjectStore store = new S3ObjectStore(server.config())) { ... }
 * }</pre>
 *
 * <p>What S3Proxy does not do as S3 does (so tests against it must avoid it): it cannot hold an
 * object {@code a} next to objects under {@code a/} (both backends map keys to a file tree, as
 * MinIO does); its filesystem backend fails on key segments longer than about 200 bytes; and it
 * lists keys in UTF-16 order, which differs from S3's UTF-8 byte order for characters beyond
 * U+FFFF.
 *
 * <p>Exported in the {@code tern-storage-s3} test-jar; a module using it also needs {@code
 * org.gaul:s3proxy} (version managed in the parent, test scope) on its test classpath.
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String BUCKET = "tern";
  public static final String ACCESS_KEY_ID = "tern-test";
  public static final String SECRET_ACCESS_KEY = "tern-test-secret-0123456789";

  private static final long START_TIMEOUT_MILLIS = 30_000;

  private final S3Proxy proxy;
  private final BlobStore blobStore;
  private final Optional<Path> directory;
  private final URI endpoint;

  private S3ProxyServer(S3Proxy proxy, BlobStore blobStore, Optional<Path> directory) {
    this.proxy = proxy;
    this.blobStore = blobStore;
    this.directory = directory;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** A server holding its objects in memory (S3Proxy's "transient" backend): the fastest. */
  public static S3ProxyServer start() {
    return start("transient", new Properties(), Optional.empty());
  }

  /** A server storing its objects as files in {@code directory}, which {@link #close()} keeps. */
  public static S3ProxyServer start(Path directory) {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toAbsolutePath().toString());
    return start("filesystem", properties, Optional.of(directory));
  }

  private static S3ProxyServer start(String backend, Properties properties, Optional<Path> directory) {
    quietLogs();
    BlobStore blobStore = BlobStores.create(backend, properties);
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(blobStore)
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
        .build();
    try {
      proxy.start();
      long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.sleep(5);
      }
    } catch (Exception e) {
      stopQuietly(proxy, e);
      blobStore.close();
      throw new IllegalStateException("starting S3Proxy failed", e);
    }
    S3ProxyServer server = new S3ProxyServer(proxy, blobStore, directory);
    server.createBucket(BUCKET);
    return server;
  }

  /** Creates another bucket (idempotent). */
  public void createBucket(String name) {
    if (!blobStore.containerExists(name)) {
      blobStore.createContainer(name);
    }
  }

  /** http://127.0.0.1:port */
  public URI endpoint() {
    return endpoint;
  }

  public int port() {
    return proxy.getPort();
  }

  /** Where the objects are, as files, for a server started on a directory. */
  public Optional<Path> directory() {
    return directory;
  }

  /**
   * A client configuration for {@link #BUCKET}: path-style, region us-east-1, no key prefix,
   * short timeouts and few retries (a loopback server either answers at once or is gone).
   */
  public S3Config config() {
    return config(endpoint);
  }

  /** {@link #config()} sending its requests to {@code via}: a {@link FaultProxy} in front of this server. */
  public S3Config config(URI via) {
    return S3Config.of(via, BUCKET, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10))
        .withMaxAttempts(3);
  }

  /** {@link #config()} with every key under {@code keyPrefix}. */
  public S3Config config(String keyPrefix) {
    return config().withKeyPrefix(keyPrefix);
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping S3Proxy failed", e);
    } finally {
      blobStore.close();
    }
  }

  @Override
  public String toString() {
    return "S3ProxyServer[" + endpoint + directory.map(d -> ", " + d).orElse(", in memory") + "]";
  }

  private static void stopQuietly(S3Proxy proxy, Exception cause) {
    try {
      proxy.stop();
    } catch (Exception e) {
      cause.addSuppressed(e);
    }
  }
  /**
   * Without a logback configuration, Logback logs everything at DEBUG: S3Proxy's Jetty and the
   * AWS SDK then write several lines per request, and Jetty a few at each start and stop. Where
   * no configuration file exists, keep them at WARN; a module's own logback-test.xml wins.
   */
  private static void quietLogs() {
    ClassLoader loader = S3ProxyServer.class.getClassLoader();
    if (loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    for (String name : new String[] {"org.gaul", "org.eclipse.jetty", "org.jclouds",
        "software.amazon.awssdk", "org.apache.hc", "io.netty"}) {
      ch.qos.logback.classic.Logger logger = context.getLogger(name);
      if (logger.getLevel() == null) {
        logger.setLevel(Level.WARN);
      }
    }
  }
}
