package dev.tern.storage;

import dev.tern.storage.ObjectStoreContract.GeneratedStream;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What {@link S3ObjectStore} does beyond the store contract: multipart uploads, retries, error
 * mapping, key prefixes, configuration. Against S3Proxy, a closed port, and a fake server that
 * answers every request with a chosen error.
 */
class S3ObjectStoreTest {

  private static final long MIB = 1024 * 1024;
  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  // ---- multipart ---------------------------------------------------------------------------------

  @Test
  void anObjectAboveEightMebibytesGoesInPartsAndStreamsBack() throws IOException {
    try (S3ObjectStore store = new S3ObjectStore(server.config("multipart"));
         S3Client raw = rawClient(server.config())) {
      ObjectKey key = ObjectKey.of("users/1/blob/large");
      long size = 2 * S3ObjectStore.PART_SIZE + 12_345; // three parts, the last a short one
      CountingStream source = new CountingStream(new GeneratedStream(1, size));
      store.put(key, source, size);

      assertEquals(size, source.count.get(), "every byte read once, none again");
      assertEquals(Optional.of(new ObjectInfo(key, size)), store.head(key));
      String etag = raw.headObject(r -> r.bucket(S3ProxyServer.BUCKET).key("multipart/" + key)).eTag();
      assertTrue(etag.replace("\"", "").endsWith("-3"), "a three-part upload's ETag: " + etag);
      try (InputStream in = store.get(key)) {
        assertEquals(digest(new GeneratedStream(1, size)), digest(in));
      }
      // A range across the first part boundary.
      long offset = S3ObjectStore.PART_SIZE - 1000;
      try (InputStream in = store.get(key, ByteRange.of(offset, 5000))) {
        GeneratedStream expected = new GeneratedStream(1, offset + 5000);
        expected.skipNBytes(offset);
        assertEquals(digest(expected), digest(in));
      }
      // Closing a large body early does not read the rest.
      try (InputStream in = store.get(key)) {
        assertEquals(1000, in.readNBytes(1000).length);
      }
      store.delete(key);
      assertEquals(Optional.empty(), store.head(key));
    }
  }

  @Test
  void exactlyEightMebibytesIsOnePutAndOneByteMoreIsTwoParts() throws IOException {
    try (S3ObjectStore store = new S3ObjectStore(server.config("boundary"));
         S3Client raw = rawClient(server.config())) {
      for (long size : new long[] {S3ObjectStore.PART_SIZE, S3ObjectStore.PART_SIZE + 1}) {
        ObjectKey key = ObjectKey.of("o" + size);
        store.put(key, new GeneratedStream(size, size), size);
        try (InputStream in = store.get(key)) {
          assertEquals(digest(new GeneratedStream(size, size)), digest(in));
        }
        String etag = raw.headObject(r -> r.bucket(S3ProxyServer.BUCKET).key("boundary/" + key)).eTag();
        assertEquals(size > S3ObjectStore.PART_SIZE, etag.replace("\"", "").endsWith("-2"), etag);
      }
    }
  }

  @Test
  void aFailedMultipartUploadIsAbortedAndStoresNothing() {
    try (S3ObjectStore store = new S3ObjectStore(server.config("aborted"));
         S3Client raw = rawClient(server.config())) {
      ObjectKey broken = ObjectKey.of("broken");
      long size = 3 * S3ObjectStore.PART_SIZE;
      // The stream fails in the second part.
      InputStream failing = new SequenceInputStream(
          new GeneratedStream(2, S3ObjectStore.PART_SIZE + 5 * MIB), new FailingStream());
      TransientStorageException e =
          assertThrows(TransientStorageException.class, () -> store.put(broken, failing, size));
      assertTrue(e.getMessage().contains("reading the data failed"), e.getMessage());

      ObjectKey tooLong = ObjectKey.of("too-long");
      assertThrows(IllegalArgumentException.class, () -> store.put(tooLong,
          new GeneratedStream(3, S3ObjectStore.PART_SIZE + 101), S3ObjectStore.PART_SIZE + 100));
      ObjectKey tooShort = ObjectKey.of("too-short");
      assertThrows(IllegalArgumentException.class, () -> store.put(tooShort,
          new GeneratedStream(3, S3ObjectStore.PART_SIZE + 99), S3ObjectStore.PART_SIZE + 100));

      for (ObjectKey key : List.of(broken, tooLong, tooShort)) {
        assertEquals(Optional.empty(), store.head(key));
      }
      assertEquals(List.of(), store.list(ListRequest.of("")).objects());
      assertEquals(List.of(), raw.listMultipartUploads(r -> r.bucket(S3ProxyServer.BUCKET)
          .prefix("aborted/")).uploads(), "no upload left behind");
    }
  }

  @Test
  void partSizesGrowToStayWithinTenThousandParts() {
    assertEquals(S3ObjectStore.PART_SIZE, S3ObjectStore.partSize(S3ObjectStore.PART_SIZE + 1));
    assertEquals(S3ObjectStore.PART_SIZE, S3ObjectStore.partSize(10_000 * S3ObjectStore.PART_SIZE));
    long huge = 10_000 * S3ObjectStore.PART_SIZE + 1;
    long part = S3ObjectStore.partSize(huge);
    assertTrue(part > S3ObjectStore.PART_SIZE);
    assertTrue((huge + part - 1) / part <= S3ObjectStore.MAX_PARTS);
  }

  // ---- retries and errors ------------------------------------------------------------------------

  @Test
  void aWrongSecretIsPermanentAndNeverPrinted() {
    String secret = "not-the-secret-" + "x".repeat(20);
    S3Config config = server.config().withCredentials(S3ProxyServer.ACCESS_KEY_ID, secret);
    try (S3ObjectStore store = new S3ObjectStore(config)) {
      ObjectKey key = ObjectKey.of("k");
      for (Executable call : everyOperation(store, key)) {
        PermanentStorageException e = assertThrows(PermanentStorageException.class, call::execute);
        assertTrue(e.getMessage().contains("403"), e.getMessage());
        assertNoSecret(e, secret);
      }
      assertFalse(config.toString().contains(secret), config.toString());
    }
    S3Config unknownId = server.config().withCredentials("nobody", S3ProxyServer.SECRET_ACCESS_KEY);
    try (S3ObjectStore store = new S3ObjectStore(unknownId)) {
      PermanentStorageException e = assertThrows(PermanentStorageException.class,
          () -> store.put(ObjectKey.of("k"), new byte[1]));
      assertNoSecret(e, S3ProxyServer.SECRET_ACCESS_KEY);
    }
  }

  @Test
  void aClosedPortIsTransientAfterTheRetries() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    S3Config config = S3Config.of(URI.create("http://127.0.0.1:" + port), "bucket",
            S3ProxyServer.ACCESS_KEY_ID, S3ProxyServer.SECRET_ACCESS_KEY)
        .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(2))
        .withMaxAttempts(3);
    try (S3ObjectStore store = new S3ObjectStore(config)) {
      long start = System.nanoTime();
      for (Executable call : everyOperation(store, ObjectKey.of("k"))) {
        TransientStorageException e = assertThrows(TransientStorageException.class, call::execute);
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("Attempt Count: 3"), e.getMessage());
        assertNoSecret(e, S3ProxyServer.SECRET_ACCESS_KEY);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
    }
  }

  @Test
  void aMissingBucketIsPermanent() {
    try (S3ObjectStore store = new S3ObjectStore(server.config().withBucket("no-such-bucket"))) {
      ObjectKey key = ObjectKey.of("k");
      for (Executable call : List.<Executable>of(
          () -> store.put(key, new byte[1]),
          () -> store.get(key),
          () -> store.get(key, ByteRange.of(0, 1)),
          () -> store.list(ListRequest.of("")),
          () -> store.deleteMany(List.of(key)))) {
        PermanentStorageException e = assertThrows(PermanentStorageException.class, call::execute);
        assertTrue(e.getMessage().contains("NoSuchBucket"), e.getMessage());
      }
      // A HEAD's 404 carries no error code: the key is reported absent (documented).
      assertEquals(Optional.empty(), store.head(key));
    }
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "500, InternalError, transient",
      "503, SlowDown, transient",
      "503, ServiceUnavailable, transient",
      "429, TooManyRequests, transient",
      "400, RequestTimeout, transient",
      "502, BadGateway, transient",
      "403, AccessDenied, permanent",
      "403, InvalidAccessKeyId, permanent",
      "403, SignatureDoesNotMatch, permanent",
      "404, NoSuchBucket, permanent",
      "400, InvalidArgument, permanent",
      "409, BucketAlreadyExists, permanent",
      "404, NoSuchKey, absent",
  })
  void errorsMapByStatusAndCode(int status, String code, String expected) throws IOException {
    try (ErrorServer errors = new ErrorServer(status, code);
         S3ObjectStore store = new S3ObjectStore(errors.config())) {
      ObjectKey key = ObjectKey.of("users/1/blob/x");
      Class<? extends StorageException> type = switch (expected) {
        case "transient" -> TransientStorageException.class;
        case "permanent" -> PermanentStorageException.class;
        default -> ObjectNotFoundException.class;
      };
      StorageException e = assertThrows(type, () -> store.get(key));
      if (!expected.equals("absent")) {
        assertTrue(e.getMessage().contains(status + " " + code), e.getMessage());
        assertTrue(e.getMessage().contains(key.value()), e.getMessage());
      }
      int attempts = errors.requests.get();
      assertEquals(expected.equals("transient") ? 3 : 1, attempts, "attempts");
    }
  }

  @Test
  void aSmallBodyIsSentAgainOnEachRetry() throws IOException {
    try (ErrorServer errors = new ErrorServer(500, "InternalError");
         S3ObjectStore store = new S3ObjectStore(errors.config())) {
      byte[] data = bytes(5, 4096);
      TransientStorageException e = assertThrows(TransientStorageException.class,
          () -> store.put(ObjectKey.of("k"), new ByteArrayInputStream(data), data.length));
      assertTrue(e.getMessage().contains("500 InternalError"), e.getMessage());
      assertEquals(3, errors.requests.get());
      assertTrue(errors.bodyBytes.get() >= 3L * data.length, "bytes sent: " + errors.bodyBytes);
    }
  }

  @Test
  void aLargeBodyIsNotBufferedForARetry() throws IOException {
    try (ErrorServer errors = new ErrorServer(500, "InternalError");
         S3ObjectStore store = new S3ObjectStore(errors.config())) {
      long size = 2 * MIB;
      TransientStorageException e = assertThrows(TransientStorageException.class,
          () -> store.put(ObjectKey.of("k"), new GeneratedStream(6, size), size));
      assertTrue(e.getMessage().contains("cannot be sent again"), e.getMessage());
      assertEquals(1, errors.requests.get(), "no second attempt without the body");
    }
  }

  /**
   * A socket timeout is an InterruptedIOException to the JDK, but no interruption: the calling
   * thread (an IMAP session's) must not come out of it interrupted, or its next blocking call fails.
   * A real interruption still leaves the flag set.
   */
  @Test
  void aTimeoutLeavesTheThreadUninterruptedAnInterruptionDoesNot() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.endpoint());
         S3ObjectStore store = new S3ObjectStore(server.config(proxy.endpoint())
             .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300))
             .withMaxAttempts(1))) {
      ObjectKey key = ObjectKey.of("users/1/blob/timeout");
      store.put(key, new byte[] {1});
      proxy.mode(FaultProxy.Mode.STALL);
      for (Thread.Builder threads : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
        boolean[] interruptedAfter = new boolean[2];
        Thread thread = threads.start(() -> {
          assertThrows(TransientStorageException.class, () -> store.head(key));
          interruptedAfter[0] = Thread.interrupted();
          assertThrows(TransientStorageException.class, () -> store.getBytes(key));
          interruptedAfter[1] = Thread.interrupted();
        });
        thread.join();
        assertFalse(interruptedAfter[0], "interrupted after a timed-out head, on " + thread);
        assertFalse(interruptedAfter[1], "interrupted after a timed-out get, on " + thread);
      }

      proxy.mode(FaultProxy.Mode.PASS);
      S3Config patient = server.config(proxy.endpoint()).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(60));
      try (S3ObjectStore slow = new S3ObjectStore(patient)) {
        slow.head(key); // a pooled connection, which the stall then holds
        proxy.mode(FaultProxy.Mode.STALL);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        boolean[] interruptedAfter = new boolean[1];
        Thread thread = Thread.ofVirtual().start(() -> {
          try {
            slow.head(key);
          } catch (RuntimeException e) {
            failure.set(e);
          }
          interruptedAfter[0] = Thread.currentThread().isInterrupted();
        });
        while (proxy.mode() == FaultProxy.Mode.STALL && thread.getState() != Thread.State.WAITING
            && thread.getState() != Thread.State.TIMED_WAITING && thread.isAlive()) {
          Thread.onSpinWait(); // until the request is blocked on its socket
        }
        thread.interrupt();
        thread.join();
        assertInstanceOf(TransientStorageException.class, failure.get());
        assertTrue(interruptedAfter[0], "an interrupted request leaves its thread interrupted");
      }
    }
  }

  @Test
  void aClosedStoreRefusesWork() {
    S3ObjectStore store = new S3ObjectStore(server.config());
    store.close();
    store.close();
    assertThrows(IllegalStateException.class, () -> store.get(ObjectKey.of("k")));
    assertThrows(IllegalStateException.class, () -> store.put(ObjectKey.of("k"), new byte[1]));
  }

  // ---- key prefixes ------------------------------------------------------------------------------

  @Test
  void storesWithDifferentPrefixesDoNotSeeEachOther() {
    try (S3ObjectStore one = new S3ObjectStore(server.config("isolation/one"));
         S3ObjectStore two = new S3ObjectStore(server.config("isolation/two/"));
         S3ObjectStore whole = new S3ObjectStore(server.config())) {
      ObjectKey key = ObjectKey.of("users/1/log/mailboxes/op/0001");
      ObjectKey onlyOne = ObjectKey.of("users/1/blob/m");
      one.put(key, "one".getBytes(UTF_8));
      one.put(onlyOne, "m".getBytes(UTF_8));
      two.put(key, "two".getBytes(UTF_8));

      assertArrayEquals("one".getBytes(UTF_8), one.getBytes(key));
      assertArrayEquals("two".getBytes(UTF_8), two.getBytes(key));
      assertThrows(ObjectNotFoundException.class, () -> two.get(onlyOne));
      assertEquals(Optional.empty(), two.head(onlyOne));
      assertEquals(List.of(key, onlyOne).stream().sorted().toList(),
          ObjectStoreContract.keys(one.listAll("", Optional.empty()).toList()));
      assertEquals(List.of(key), ObjectStoreContract.keys(two.listAll("users/", Optional.empty()).toList()));
      assertEquals(List.of(key), ObjectStoreContract.keys(
          two.list(ListRequest.of("").startAfter(ObjectKey.of("a"))).objects()));
      // The bucket holds them under the prefixes.
      assertEquals(List.of("isolation/one/" + onlyOne, "isolation/one/" + key, "isolation/two/" + key),
          whole.listAll("isolation/", Optional.empty()).map(info -> info.key().value()).toList());

      two.deleteMany(List.of(key, onlyOne));
      assertArrayEquals("one".getBytes(UTF_8), one.getBytes(key));
      assertEquals(List.of(), two.list(ListRequest.of("")).objects());
      one.deleteMany(List.of(key, onlyOne));
      assertEquals(List.of(), whole.list(ListRequest.of("isolation/")).objects());
    }
  }

  // ---- configuration -----------------------------------------------------------------------------

  @Test
  void theConfigValidatesAndHidesTheSecret() {
    S3Config config = S3Config.of(URI.create("http://127.0.0.1:3900"), "b", "id", "s3cr3t-value");
    assertFalse(config.toString().contains("s3cr3t-value"), config.toString());
    assertTrue(config.toString().contains("id"));
    assertEquals("", config.keyPrefix());
    assertEquals("tern/", config.withKeyPrefix("tern").keyPrefix());
    assertEquals("a/b/", config.withKeyPrefix("a/b/").keyPrefix());
    assertTrue(config.pathStyle());
    assertFalse(S3Config.aws("eu-west-1", "b", "id", "s").pathStyle());
    assertEquals(Optional.empty(), S3Config.aws("eu-west-1", "b", "id", "s").endpoint());
    for (String bad : List.of("/tern", "a//b", "../x", "a/./b", "//")) {
      assertThrows(IllegalArgumentException.class, () -> config.withKeyPrefix(bad), bad);
    }
    assertThrows(IllegalArgumentException.class,
        () -> S3Config.of(URI.create("ftp://host"), "b", "id", "s"));
    assertThrows(IllegalArgumentException.class,
        () -> S3Config.of(URI.create("http://user:pw@host"), "b", "id", "s"));
    assertThrows(IllegalArgumentException.class, () -> config.withBucket(" "));
    assertThrows(IllegalArgumentException.class, () -> config.withCredentials("id", ""));
    assertThrows(IllegalArgumentException.class, () -> config.withMaxAttempts(0));
    assertThrows(IllegalArgumentException.class, () -> config.withMaxConnections(0));
    assertThrows(IllegalArgumentException.class,
        () -> config.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)));
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private static List<Executable> everyOperation(ObjectStore store, ObjectKey key) {
    return List.of(
        () -> store.put(key, new byte[] {1, 2, 3}),
        // Small enough to be sent whole before the server answers 403: a larger body may meet a
        // connection the server already closed (broken pipe), which is rightly transient.
        () -> store.put(key, new GeneratedStream(1, 40_000), 40_000),
        () -> store.get(key),
        () -> store.get(key, ByteRange.of(1, 2)),
        () -> store.head(key),
        () -> store.list(ListRequest.of("")),
        () -> store.delete(key),
        () -> store.deleteMany(List.of(key, ObjectKey.of("other"))));
  }

  private static void assertNoSecret(Throwable e, String secret) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains(secret), "secret in: " + t);
      for (Throwable suppressed : t.getSuppressed()) {
        assertFalse(String.valueOf(suppressed.getMessage()).contains(secret), "secret in: " + suppressed);
      }
    }
  }

  static S3Client rawClient(S3Config config) {
    return S3Client.builder()
        .endpointOverride(config.endpoint().orElseThrow())
        .region(Region.of(config.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  static String digest(InputStream in) throws IOException {
    return ObjectStoreContract.digest(in);
  }

  static byte[] bytes(long seed, int length) {
    byte[] data = new byte[length];
    new SplittableRandom(seed).nextBytes(data);
    return data;
  }


  /** Counts the bytes read through it. */
  static final class CountingStream extends InputStream {

    final AtomicLong count = new AtomicLong();
    private final InputStream in;

    CountingStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count.addAndGet(n);
      }
      return n;
    }
  }

  /** Fails on the first read. */
  static final class FailingStream extends InputStream {

    @Override
    public int read() throws IOException {
      throw new IOException("the client went away");
    }
  }

  /**
   * An HTTP server on loopback answering every request with one S3 error (no body for HEAD),
   * after reading the request body; counts requests and body bytes.
   */
  static final class ErrorServer implements AutoCloseable {

    final AtomicInteger requests = new AtomicInteger();
    final AtomicLong bodyBytes = new AtomicLong();
    private final HttpServer http;

    ErrorServer(int status, String code) throws IOException {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code
          + "</Code><Message>fake " + code + "</Message><RequestId>fake-1</RequestId></Error>")
          .getBytes(UTF_8);
      http.createContext("/", exchange -> {
        requests.incrementAndGet();
        try (InputStream in = exchange.getRequestBody()) {
          bodyBytes.addAndGet(in.transferTo(OutputStream.nullOutputStream()));
        }
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.getResponseHeaders().add("x-amz-request-id", "fake-1");
        if (exchange.getRequestMethod().equals("HEAD")) {
          exchange.sendResponseHeaders(status, -1);
        } else {
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
        exchange.close();
      });
      http.start();
    }

    S3Config config() {
      return S3Config.of(URI.create("http://127.0.0.1:" + http.getAddress().getPort()), "bucket",
              S3ProxyServer.ACCESS_KEY_ID, S3ProxyServer.SECRET_ACCESS_KEY)
          .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5))
          .withMaxAttempts(3);
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }
}
