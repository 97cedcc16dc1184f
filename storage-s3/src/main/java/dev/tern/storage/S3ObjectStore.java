package dev.tern.storage;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Objects in a bucket of any S3-compatible server (AWS S3, Garage, MinIO, Ceph RGW, S3Proxy),
 * through the AWS SDK v2 with the Apache 5 HTTP client. Object {@code k} is stored under the key
 * {@code keyPrefix + k} of {@link S3Config#bucket()}.
 *
 * <h2>Requests</h2>
 *
 * <p>Checksums are computed and validated only where the S3 API requires them (some servers reject
 * the SDK's newer checksum headers). A put of up to {@value #PART_SIZE_MIB} MiB is one
 * PutObject; a larger one is a multipart upload of {@value #PART_SIZE_MIB} MiB parts (larger when
 * an object would need more than {@value #MAX_PARTS} parts), aborted if any step fails. Bodies are
 * streamed from the caller's stream, never held whole in memory: only the first {@value
 * #REPLAY_WINDOW_KIB} KiB of each request body are kept so that the SDK can send it again on a
 * retry; a request that fails after sending more than that fails the put with a {@link
 * TransientStorageException} (the caller tries again with a fresh stream). Ranged gets send
 * {@code Range: bytes=a-b}. Listings are ListObjectsV2 pages, in UTF-8 byte order as S3 defines
 * it; their continuation token is the server's. {@link #deleteMany} sends DeleteObjects requests
 * of up to 1000 keys.
 *
 * <h2>Errors</h2>
 *
 * <p>The SDK retries transient failures itself (standard mode, {@link S3Config#maxAttempts()}
 * attempts with jittered exponential back-off). What still fails is mapped in one place, {@link
 * #failure}: a missing object (404) is an {@link ObjectNotFoundException}; 5xx, 429, throttling,
 * timeouts and I/O failures (connection refused or reset) are {@link TransientStorageException}s;
 * everything else (403 and bad credentials, a missing bucket, other 4xx, a misconfigured client)
 * is a {@link PermanentStorageException}. Messages name the operation, the key, the endpoint and
 * the bucket, never the secret. A HEAD request has no error body, so {@link #head} of a key in a
 * missing bucket reports the key absent; every other request reports the bucket missing.
 */
public final class S3ObjectStore implements ObjectStore {

  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

  static final int PART_SIZE_MIB = 8;
  /** Objects larger than this go by multipart upload, in parts of this size. */
  static final long PART_SIZE = PART_SIZE_MIB * 1024L * 1024L;
  /** S3's limit on the number of parts of one upload. */
  static final int MAX_PARTS = 10_000;
  static final int REPLAY_WINDOW_KIB = 128;
  /** The head of each request body kept in memory so that a retry can send it again. */
  static final int REPLAY_WINDOW = REPLAY_WINDOW_KIB * 1024;
  /** Unread response bytes up to this many are drained on close to keep the connection. */
  private static final long DRAIN_LIMIT = 64 * 1024;
  private static final int DELETE_BATCH = 1000;
  private static final String OCTET_STREAM = "application/octet-stream";

  private final S3Config config;
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private volatile boolean closed;

  /** A store on the bucket {@code config} names. Makes no request: a bad config shows at first use. */
  public S3ObjectStore(S3Config config) {
    this.config = Objects.requireNonNull(config, "config");
    this.bucket = config.bucket();
    this.prefix = config.keyPrefix();
    this.s3 = client(config);
  }

  private static S3Client client(S3Config config) {
    S3ClientBuilder builder = S3Client.builder()
        .region(Region.of(config.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())))
        .forcePathStyle(config.pathStyle())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(Apache5HttpClient.builder()
            .maxConnections(config.maxConnections())
            .connectionTimeout(config.connectTimeout())
            .socketTimeout(config.socketTimeout())
            .connectionAcquisitionTimeout(config.socketTimeout()))
        .overrideConfiguration(override -> override.retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(config.maxAttempts())
                .build()));
    config.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** The configuration this store was opened with. */
  public S3Config config() {
    return config;
  }

  // ---- put --------------------------------------------------------------------------------------

  @Override
  public void put(ObjectKey key, InputStream data, long length) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(data, "data");
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    ensureOpen();
    ExactLengthInputStream exact = new ExactLengthInputStream(data, length);
    if (length == 0) {
      // The HTTP client reads nothing from an empty body, so nothing would notice extra bytes.
      try {
        exact.checkAtEnd();
      } catch (IOException e) {
        throw sourceFailure(key, e, null);
      }
    }
    try {
      if (length <= PART_SIZE) {
        putSingle(key, exact, length);
      } else {
        putMultipart(key, exact, length);
      }
    } catch (SdkException | BodyNotReplayableException e) {
      // The caller's stream failing (or holding the wrong length) comes first: the server only
      // saw a request cut short, and the stream's failure says why.
      if (exact.failure() != null) {
        throw sourceFailure(key, exact.failure(), e);
      }
      throw failure("put", key, e);
    }
  }

  private void putSingle(ObjectKey key, ExactLengthInputStream exact, long length) {
    PutObjectRequest request = PutObjectRequest.builder()
        .bucket(bucket)
        .key(fullKey(key))
        .contentLength(length)
        .contentType(OCTET_STREAM)
        .build();
    s3.putObject(request, RequestBody.fromContentProvider(new ReplayableBody(exact, length),
        length, OCTET_STREAM));
  }

  private void putMultipart(ObjectKey key, ExactLengthInputStream exact, long length) {
    String fullKey = fullKey(key);
    String uploadId = s3.createMultipartUpload(request -> request
        .bucket(bucket).key(fullKey).contentType(OCTET_STREAM)).uploadId();
    try {
      long partSize = partSize(length);
      List<CompletedPart> parts = new ArrayList<>();
      long sent = 0;
      for (int number = 1; sent < length; number++) {
        long size = Math.min(partSize, length - sent);
        UploadPartRequest request = UploadPartRequest.builder()
            .bucket(bucket)
            .key(fullKey)
            .uploadId(uploadId)
            .partNumber(number)
            .contentLength(size)
            .build();
        String etag = s3.uploadPart(request, RequestBody.fromContentProvider(
            new ReplayableBody(LimitedInputStream.slice(exact, size), size), size, OCTET_STREAM)).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        sent += size;
      }
      try {
        exact.checkAtEnd();
      } catch (IOException e) {
        throw sourceFailure(key, e, null);
      }
      s3.completeMultipartUpload(request -> request
          .bucket(bucket).key(fullKey).uploadId(uploadId)
          .multipartUpload(upload -> upload.parts(parts)));
    } catch (RuntimeException e) {
      abortUpload(key, fullKey, uploadId, e);
      throw e;
    }
  }

  /** Parts of {@link #PART_SIZE}, or larger ones when that would make more than {@link #MAX_PARTS}. */
  static long partSize(long length) {
    long needed = (length + MAX_PARTS - 1) / MAX_PARTS;
    return Math.max(PART_SIZE, needed);
  }

  private void abortUpload(ObjectKey key, String fullKey, String uploadId, RuntimeException cause) {
    try {
      s3.abortMultipartUpload(request -> request.bucket(bucket).key(fullKey).uploadId(uploadId));
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      LOG.warn("aborting the multipart upload {} of {} at {} failed; the server's lifecycle rules "
          + "must clean it up: {}", uploadId, key, config.describe(), e.toString());
    }
  }

  /** The caller's stream failed: a wrong length is the caller's bug, anything else may pass. */
  private static RuntimeException sourceFailure(ObjectKey key, IOException e, RuntimeException request) {
    RuntimeException failure;
    if (e instanceof ExactLengthInputStream.LengthMismatchException) {
      failure = new IllegalArgumentException("put " + key + ": " + e.getMessage(), e);
    } else {
      failure = new TransientStorageException("put " + key + ": reading the data failed: " + e, e);
    }
    if (request != null) {
      failure.addSuppressed(request);
    }
    return failure;
  }

  // ---- get, head --------------------------------------------------------------------------------

  @Override
  public InputStream get(ObjectKey key) {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    try {
      return new ResponseBody(s3.getObject(request -> request.bucket(bucket).key(fullKey(key))));
    } catch (SdkException e) {
      throw failure("get", key, e);
    }
  }

  @Override
  public InputStream get(ObjectKey key, ByteRange range) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(range, "range");
    ensureOpen();
    if (range.length() == 0) {
      // HTTP cannot ask for no bytes; the object must still exist.
      if (head(key).isEmpty()) {
        throw new ObjectNotFoundException(key);
      }
      return InputStream.nullInputStream();
    }
    long end = range.end();
    String header = "bytes=" + range.offset() + "-" + (end == Long.MAX_VALUE ? "" : end - 1);
    ResponseInputStream<GetObjectResponse> response;
    try {
      response = s3.getObject(request -> request.bucket(bucket).key(fullKey(key)).range(header));
    } catch (AwsServiceException e) {
      if (e.statusCode() == 416) {
        return InputStream.nullInputStream(); // the object exists, the range starts at or past its end
      }
      throw failure("get", key, e);
    } catch (SdkException e) {
      throw failure("get", key, e);
    }
    Long length = response.response().contentLength();
    if (length != null && length > range.length()) {
      response.abort();
      throw new PermanentStorageException("get " + key + " at " + config.describe() + ": asked for "
          + range.length() + " bytes (" + header + "), got " + length
          + ": the server ignores Range headers", null);
    }
    return new ResponseBody(response);
  }

  @Override
  public Optional<ObjectInfo> head(ObjectKey key) {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    HeadObjectResponse response;
    try {
      response = s3.headObject(request -> request.bucket(bucket).key(fullKey(key)));
    } catch (SdkException e) {
      StorageException failure = failure("head", key, e);
      if (failure instanceof ObjectNotFoundException) {
        return Optional.empty();
      }
      throw failure;
    }
    return Optional.of(new ObjectInfo(key, response.contentLength()));
  }

  // ---- list -------------------------------------------------------------------------------------

  @Override
  public ListPage list(ListRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    ListObjectsV2Request.Builder builder = ListObjectsV2Request.builder()
        .bucket(bucket)
        .prefix(prefix + request.prefix())
        .maxKeys(request.pageSize())
        // Keys travel URL-encoded: XML 1.0 cannot carry every character a key may hold.
        .encodingType(EncodingType.URL);
    request.startAfter().ifPresent(after -> builder.startAfter(fullKey(after)));
    request.continuation().ifPresent(builder::continuationToken);
    ListObjectsV2Response response;
    try {
      response = s3.listObjectsV2(builder.build());
    } catch (SdkException e) {
      throw failure("list " + quoted(request.prefix()), null, e);
    }
    List<ObjectInfo> objects = new ArrayList<>(response.contents().size());
    for (S3Object object : response.contents()) {
      ObjectKey key = storeKey(object.key());
      if (key != null) {
        objects.add(new ObjectInfo(key, object.size()));
      }
    }
    Optional<String> continuation = Boolean.TRUE.equals(response.isTruncated())
        ? Optional.ofNullable(response.nextContinuationToken())
        : Optional.empty();
    return new ListPage(objects, continuation);
  }

  /** The store's key for a key of the bucket, or null for an object this store never wrote. */
  private ObjectKey storeKey(String bucketKey) {
    if (!bucketKey.startsWith(prefix)) {
      LOG.warn("listing {} returned {}, outside the prefix; skipped", config.describe(), bucketKey);
      return null;
    }
    try {
      return ObjectKey.of(bucketKey.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      LOG.warn("skipping an object of {} that is not a valid key: {}", config.describe(),
          e.getMessage());
      return null;
    }
  }

  // ---- delete -----------------------------------------------------------------------------------

  @Override
  public void delete(ObjectKey key) {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    try {
      s3.deleteObject(request -> request.bucket(bucket).key(fullKey(key)));
    } catch (SdkException e) {
      StorageException failure = failure("delete", key, e);
      if (!(failure instanceof ObjectNotFoundException)) {
        throw failure;
      }
    }
  }

  @Override
  public void deleteMany(Collection<ObjectKey> keys) {
    Objects.requireNonNull(keys, "keys");
    List<ObjectKey> all = new ArrayList<>();
    List<ObjectKey> oneByOne = new ArrayList<>();
    for (ObjectKey key : new LinkedHashSet<>(keys)) {
      (xmlSafe(fullKey(key)) ? all : oneByOne).add(key);
    }
    if (all.isEmpty() && oneByOne.isEmpty()) {
      return;
    }
    ensureOpen();
    // DeleteObjects names its keys in an XML body, which cannot carry U+FFFE or U+FFFF.
    oneByOne.forEach(this::delete);
    for (int i = 0; i < all.size(); i += DELETE_BATCH) {
      List<ObjectKey> batch = all.subList(i, Math.min(all.size(), i + DELETE_BATCH));
      List<ObjectIdentifier> ids = new ArrayList<>(batch.size());
      for (ObjectKey key : batch) {
        ids.add(ObjectIdentifier.builder().key(fullKey(key)).build());
      }
      DeleteObjectsResponse response;
      try {
        response = s3.deleteObjects(request -> request.bucket(bucket)
            .delete(delete -> delete.objects(ids).quiet(true)));
      } catch (SdkException e) {
        throw failure("delete " + batch.size() + " objects from " + batch.getFirst(), null, e);
      }
      checkDeleted(response.errors());
    }
  }

  /** Whether XML 1.0 can carry {@code key}: ObjectKey already excludes the other characters. */
  private static boolean xmlSafe(String key) {
    return key.indexOf('\uFFFE') < 0 && key.indexOf('\uFFFF') < 0;
  }

  /** Per-key errors of a DeleteObjects request: absent keys are fine, anything else fails. */
  private void checkDeleted(List<S3Error> errors) {
    StorageException first = null;
    int failed = 0;
    for (S3Error error : errors) {
      Kind kind = classify(0, error.code());
      if (kind == Kind.NOT_FOUND) {
        continue;
      }
      failed++;
      if (first == null || (kind == Kind.PERMANENT && first instanceof TransientStorageException)) {
        String message = "delete " + error.key() + " at " + config.describe() + ": " + error.code()
            + (error.message() == null ? "" : " (" + error.message() + ")");
        first = kind == Kind.TRANSIENT
            ? new TransientStorageException(message, null)
            : new PermanentStorageException(message, null);
      }
    }
    if (first != null) {
      if (failed > 1) {
        first.addSuppressed(new IllegalStateException(failed + " keys of the batch failed"));
      }
      throw first;
    }
  }

  // ---- errors -----------------------------------------------------------------------------------

  private enum Kind { NOT_FOUND, TRANSIENT, PERMANENT }

  /**
   * The one place SDK failures become storage exceptions. {@code key} is the object the request
   * was about, or null for bucket-wide requests (where a 404 means the bucket is missing).
   */
  private StorageException failure(String operation, ObjectKey key, RuntimeException e) {
    String what = operation + (key == null ? "" : " " + key) + " at " + config.describe();
    if (causedBy(e, BodyNotReplayableException.class)) {
      return new TransientStorageException(what + ": the request failed after sending more than "
          + REPLAY_WINDOW_KIB + " KiB of the body, which cannot be sent again: " + e.getMessage(), e);
    }
    if (e instanceof AwsServiceException service) {
      AwsErrorDetails details = service.awsErrorDetails();
      String code = details == null ? null : details.errorCode();
      String text = details == null ? null : details.errorMessage();
      Kind kind = classify(service.statusCode(), code);
      if (kind == Kind.NOT_FOUND && key != null) {
        return new ObjectNotFoundException(key, e);
      }
      String message = what + ": HTTP " + service.statusCode()
          + (code == null ? "" : " " + code)
          + (text == null || text.equals(code) ? "" : " (" + text + ")")
          + (service.requestId() == null ? "" : ", request id " + service.requestId());
      return kind == Kind.TRANSIENT
          ? new TransientStorageException(message, e)
          : new PermanentStorageException(message, e);
    }
    String message = what + ": " + e.getMessage();
    if (e instanceof ApiCallTimeoutException
        || e instanceof ApiCallAttemptTimeoutException
        || e instanceof AbortedException
        || causedBy(e, IOException.class)) {
      // Timeouts, refused or reset connections, unknown hosts (DNS may be down), interruptions.
      if (interrupted(e)) {
        Thread.currentThread().interrupt(); // the SDK cleared the flag; the caller must still see it
      }
      return new TransientStorageException(message, e);
    }
    return new PermanentStorageException(message, e);
  }

  private static Kind classify(int status, String code) {
    if (code != null) {
      switch (code) {
        case "NoSuchKey":
          return Kind.NOT_FOUND;
        case "NoSuchBucket", "NoSuchUpload", "AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch":
          return Kind.PERMANENT;
        case "SlowDown", "Throttling", "ThrottlingException", "TooManyRequests",
            "RequestTimeout", "InternalError", "ServiceUnavailable", "OperationAborted":
          return Kind.TRANSIENT;
        default:
          break;
      }
    }
    if (status == 404) {
      return Kind.NOT_FOUND; // a HEAD's 404 has no body, hence no code
    }
    if (status == 408 || status == 429 || status >= 500) {
      return Kind.TRANSIENT;
    }
    return Kind.PERMANENT;
  }

  /**
   * Whether the request failed because its thread was interrupted. Socket and connect timeouts are
   * InterruptedIOExceptions too, but subclasses of it: taking them for interruptions would leave
   * the caller's thread interrupted after a mere timeout, failing its next blocking call.
   */
  private static boolean interrupted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AbortedException || t instanceof InterruptedException
          || t instanceof ClosedByInterruptException || t.getClass() == InterruptedIOException.class) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private String fullKey(ObjectKey key) {
    return prefix + key.value();
  }

  private static String quoted(String prefix) {
    return "\"" + prefix + "\"";
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("S3ObjectStore on " + config.describe() + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      s3.close();
    }
  }

  @Override
  public String toString() {
    return "S3ObjectStore[" + config.describe() + "]";
  }

  /** Thrown to the SDK when a retry needs more of a request body than was kept. */
  private static final class BodyNotReplayableException extends RuntimeException {

    BodyNotReplayableException(IOException cause) {
      super("the request body cannot be sent again: more than " + REPLAY_WINDOW_KIB
          + " KiB of it were sent", cause);
    }
  }

  /**
   * A request body read from the caller's stream, of which the first {@link #REPLAY_WINDOW}
   * bytes are kept: the SDK asks for a new stream for each attempt, and gets the same one rewound.
   */
  private static final class ReplayableBody implements ContentStreamProvider {

    private final BufferedInputStream in;
    private boolean started;

    ReplayableBody(InputStream source, long length) {
      this.in = new BufferedInputStream(source, (int) Math.max(1, Math.min(8192, length)));
    }

    @Override
    public InputStream newStream() {
      if (!started) {
        started = true;
        in.mark(REPLAY_WINDOW);
      } else {
        try {
          in.reset();
        } catch (IOException e) {
          throw new BodyNotReplayableException(e);
        }
      }
      return new FilterInputStream(in) {
        @Override
        public void close() {
          // The SDK closes each attempt's stream; the next attempt rewinds it.
        }
      };
    }
  }

  /**
   * A response body. Closing it early drains a short rest, keeping the connection for the next
   * request, and aborts the connection when more is left than is worth reading.
   */
  private static final class ResponseBody extends FilterInputStream {

    private final ResponseInputStream<GetObjectResponse> response;
    private final long length;
    private long read;
    private boolean ended;

    ResponseBody(ResponseInputStream<GetObjectResponse> response) {
      super(response);
      this.response = response;
      Long contentLength = response.response().contentLength();
      this.length = contentLength == null ? -1 : contentLength;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        ended = true;
      } else {
        read++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        ended = true;
      } else {
        read += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      read += skipped;
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public void close() throws IOException {
      if (!ended && (length < 0 || length - read > DRAIN_LIMIT)) {
        response.abort();
      }
      super.close();
    }
  }
}
