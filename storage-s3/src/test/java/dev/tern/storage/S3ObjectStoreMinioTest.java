package dev.tern.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link S3ObjectStore} against a real MinIO server in Docker. Runs only where a Docker engine is
 * reachable; skipped elsewhere. Keys avoid what MinIO cannot hold (an object {@code a} next to
 * objects under {@code a/}, segments over 255 bytes).
 */
@Testcontainers(disabledWithoutDocker = true)
class S3ObjectStoreMinioTest {

  private static final String BUCKET = "tern";

  @Container
  static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z");

  private static S3Config config;

  @BeforeAll
  static void createBucket() {
    config = S3Config.of(URI.create(MINIO.getS3URL()), BUCKET, MINIO.getUserName(),
        MINIO.getPassword());
    try (S3Client raw = S3ObjectStoreTest.rawClient(config)) {
      raw.createBucket(request -> request.bucket(BUCKET));
    }
  }

  @Test
  void putGetRangeHeadDelete() throws IOException {
    try (S3ObjectStore store = new S3ObjectStore(config.withKeyPrefix("basic"))) {
      ObjectKey key = ObjectKey.of("users/1/blob/m1");
      byte[] data = S3ObjectStoreTest.bytes(1, 10_000);
      store.put(key, data);
      assertArrayEquals(data, store.getBytes(key));
      assertEquals(Optional.of(new ObjectInfo(key, data.length)), store.head(key));
      try (InputStream in = store.get(key, ByteRange.of(9_990, 100))) {
        assertEquals(10, in.readAllBytes().length);
      }
      try (InputStream in = store.get(key, ByteRange.of(20_000, 1))) {
        assertEquals(0, in.readAllBytes().length);
      }
      store.delete(key);
      store.delete(key);
      assertEquals(Optional.empty(), store.head(key));
      assertThrows(ObjectNotFoundException.class, () -> store.get(key));
    }
  }

  @Test
  void multipartUpload() throws IOException {
    try (S3ObjectStore store = new S3ObjectStore(config.withKeyPrefix("multipart"))) {
      ObjectKey key = ObjectKey.of("big");
      long size = 2 * S3ObjectStore.PART_SIZE + 3;
      store.put(key, new ObjectStoreContract.GeneratedStream(7, size), size);
      try (InputStream in = store.get(key)) {
        assertEquals(S3ObjectStoreTest.digest(new ObjectStoreContract.GeneratedStream(7, size)),
            S3ObjectStoreTest.digest(in));
      }
    }
  }

  @Test
  void listingPagesInByteOrderAndBatchDelete() {
    try (S3ObjectStore store = new S3ObjectStore(config.withKeyPrefix("list"))) {
      List<ObjectKey> keys = new ArrayList<>();
      for (int i = 0; i < 1100; i++) {
        keys.add(ObjectKey.of("users/" + (i % 3) + "/op/" + String.format("%05d", i)));
      }
      keys.add(ObjectKey.of("u/é"));
      keys.add(ObjectKey.of("u/\uE000"));
      keys.add(ObjectKey.of("u/😀"));
      keys.forEach(k -> store.put(k, k.utf8()));
      List<ObjectKey> sorted = keys.stream().sorted().toList();
      assertEquals(sorted, ObjectStoreContract.keys(store.listAll("", Optional.empty()).toList()));
      assertEquals(sorted.subList(1, sorted.size()), ObjectStoreContract.keys(
          store.listAll("", Optional.of(sorted.getFirst())).toList()));
      store.deleteMany(keys);
      assertEquals(List.of(), store.list(ListRequest.of("")).objects());
    }
  }

  @Test
  void aWrongSecretIsPermanent() {
    S3Config wrong = config.withCredentials(config.accessKeyId(), "wrong-secret-123456");
    try (S3ObjectStore store = new S3ObjectStore(wrong)) {
      assertThrows(PermanentStorageException.class,
          () -> store.put(ObjectKey.of("k"), "x".getBytes(UTF_8)));
      assertThrows(PermanentStorageException.class, () -> store.list(ListRequest.of("")));
    }
  }
}
