package dev.tern.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The contract for {@link S3ObjectStore}, against S3Proxy in this process: one server for the
 * class, a new bucket per test (a key prefix would push the contract's longest keys past S3's
 * 1024 bytes).
 *
 * <p>Three contract tests ask what S3 does and S3Proxy does not (see {@link S3ProxyServer}); they
 * are replaced here by the part S3Proxy can check. The store itself adds nothing to the order or
 * the shape of keys: it passes them to the server and back.
 */
class S3ObjectStoreContractTest extends ObjectStoreContract {

  private static final AtomicInteger BUCKETS = new AtomicInteger();
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

  @Override
  protected ObjectStore createStore() {
    String bucket = "contract-" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
    return new S3ObjectStore(server.config().withBucket(bucket));
  }

  @Override
  @Test
  @Disabled("S3Proxy keeps objects as files: an object 'a' and objects under 'a/' collide "
      + "(MinIO too); AWS S3 and Garage hold both, and Tern's key layout never needs it")
  void aKeyAndKeysBelowItCoexist() {
  }

  @Override
  @Test
  @Disabled("S3Proxy lists in UTF-16 order, not S3's UTF-8 byte order; "
      + "see awkwardKeysRoundTripOnS3Proxy")
  void awkwardKeysRoundTrip() {
  }

  @Override
  @Test
  @Disabled("S3Proxy lists in UTF-16 order, not S3's UTF-8 byte order; "
      + "see unicodeKeysBelowUFFFFListInOrderOnS3Proxy")
  void unicodeKeysListInUtf8ByteOrder() {
  }

  @Override
  @Test
  @Disabled("S3Proxy cannot hold 'a' next to 'a/b'; see nestedKeysWithoutAKeyAboveAnotherListInOrder")
  void nestedKeysListInByteOrder() {
  }

  /** The contract's nested keys, without the pairs S3Proxy cannot hold ('a' and 'a/b'). */
  @Test
  void nestedKeysWithoutAKeyAboveAnotherListInOrder() {
    // '-' (0x2D) and '.' (0x2E) sort before '/' (0x2F), which sorts before '0' (0x30).
    List<ObjectKey> keys = List.of("a-c", "a.b", "a/b-", "a/b/c", "a/b0", "a/c", "a0", "ab",
        "b/a/a/a/a", "b/a/a/b", "b/b").stream().map(ObjectKey::of).toList();
    List<ObjectKey> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, new Random(7));
    shuffled.forEach(k -> store.put(k, k.utf8()));

    assertEquals(keys, keys(store.list(ListRequest.of("")).objects()));
    for (int pageSize = 1; pageSize <= keys.size(); pageSize++) {
      assertEquals(keys, keys(pages(ListRequest.of("").pageSize(pageSize), Integer.MAX_VALUE)));
    }
    assertEquals(keys.subList(0, 8), keys(store.list(ListRequest.of("a")).objects()));
    assertEquals(keys.subList(2, 6), keys(store.list(ListRequest.of("a/")).objects()));
    assertEquals(keys.subList(2, 5), keys(store.list(ListRequest.of("a/b")).objects()));
    assertEquals(keys.subList(3, 4), keys(store.list(ListRequest.of("a/b/")).objects()));
    for (int i = 0; i < keys.size(); i++) {
      ObjectKey after = keys.get(i);
      assertEquals(keys.subList(i + 1, keys.size()),
          keys(store.list(ListRequest.of("").startAfter(after)).objects()), "after " + after);
    }
  }

  /**
   * The contract's awkward keys and the two characters XML cannot carry (DeleteObjects must not
   * send them): every one round-trips; the listing holds exactly them.
   */
  @Test
  void awkwardKeysRoundTripOnS3Proxy() {
    List<String> names = new ArrayList<>(List.of(
        "A", "a", "Ab", "aB", "with space", "tab-less~tilde", "per%cent", "%41", "%2F", "x%obj",
        "plus+sign", "q?uery", "amp&ersand", "hash#", ".hidden", "..dots", "dots..", "-dash",
        "back\\slash", "colon:star*?q\"<>|", "CON", "nul", "trailing.", "trailing ", "é",
        "e\u0301", "ｚ", "\uE000", "😀", "\uFFFD", "\uFFFE", "x\uFFFF", "#[]@!$&'()+,;=",
        "a".repeat(255),
        "é".repeat(200), "😀".repeat(100)));
    names.add("deep/" + "s".repeat(300) + "/" + "t".repeat(300) + "/leaf");
    names.add("z".repeat(ObjectKey.MAX_BYTES));
    List<ObjectKey> keys = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      ObjectKey key = ObjectKey.of(names.get(i));
      keys.add(key);
      store.put(key, ("#" + i).getBytes(UTF_8));
    }
    for (int i = 0; i < keys.size(); i++) {
      assertArrayEquals(("#" + i).getBytes(UTF_8), store.getBytes(keys.get(i)), keys.get(i).value());
      assertEquals(Optional.of(new ObjectInfo(keys.get(i), ("#" + i).length())),
          store.head(keys.get(i)));
    }
    List<ObjectKey> listed = keys(store.listAll("", Optional.empty()).toList());
    assertEquals(keys.size(), listed.size());
    assertEquals(new HashSet<>(keys), new HashSet<>(listed));
    store.deleteMany(keys);
    assertEquals(List.of(), store.list(ListRequest.of("")).objects());
  }

  /** Below U+FFFF, UTF-16 order and UTF-8 byte order agree: there S3Proxy's order is S3's. */
  @Test
  void unicodeKeysBelowUFFFFListInOrderOnS3Proxy() {
    List<ObjectKey> keys = List.of("u/Z", "u/a", "u/z", "u/~", "u/é", "u/\uE000", "u/ｚ",
        "u/\uFFFD", "u/\uFFFD\uFFFD").stream().map(ObjectKey::of).toList();
    List<ObjectKey> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, new Random(11));
    shuffled.forEach(k -> store.put(k, k.utf8()));

    assertEquals(keys, keys(store.list(ListRequest.of("")).objects()));
    assertEquals(keys, keys(pages(ListRequest.of("u/").pageSize(2), Integer.MAX_VALUE)));
    assertEquals(keys.subList(5, keys.size()),
        keys(store.list(ListRequest.of("u/").startAfter(keys.get(4))).objects()));
    assertEquals(keys.subList(7, 9), keys(store.list(ListRequest.of("u/\uFFFD")).objects()));
  }
}
