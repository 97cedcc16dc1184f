package dev.tern.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObjectStore} promises, run against each implementation by a subclass
 * ({@code MemoryObjectStoreContractTest}, {@code FileObjectStoreContractTest}, the S3 one).
 *
 * <p>Each test gets a new, empty store from {@link #createStore()} and hands it back to {@link
 * #disposeStore} afterwards. Behaviour pinned here beyond the interface's javadoc, matching S3:
 * a range running past the end is cut at the end and one starting at or past the end reads
 * nothing ({@link ByteRange}); a put whose stream holds fewer or more bytes than declared throws
 * {@link IllegalArgumentException} (the caller's bug) and leaves any earlier object in place; a
 * delete of an absent key succeeds.
 */
abstract class ObjectStoreContract {

  protected ObjectStore store;

  /** A new, empty store for one test. */
  protected abstract ObjectStore createStore() throws Exception;

  /** Releases a store made by {@link #createStore()}; closes it by default. */
  protected void disposeStore(ObjectStore store) throws Exception {
    store.close();
  }

  @BeforeEach
  final void openStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  final void closeStore() throws Exception {
    if (store != null) {
      disposeStore(store);
    }
  }

  // ---- put, get, head, delete ---------------------------------------------------------------------

  @Test
  void putThenGetReturnsTheBytes() throws IOException {
    ObjectKey key = ObjectKey.of("users/1/blob/m1");
    byte[] data = "Subject: hello\r\n\r\nbody\r\n".getBytes(UTF_8);
    store.put(key, data);

    assertArrayEquals(data, store.getBytes(key));
    try (InputStream in = store.get(key)) {
      assertArrayEquals(data, in.readAllBytes());
    }
    assertEquals(Optional.of(new ObjectInfo(key, data.length)), store.head(key));
  }

  @Test
  void putFromAStreamStoresExactlyTheDeclaredBytes() {
    ObjectKey key = ObjectKey.of("k");
    byte[] data = bytes(1, 100_000);
    store.put(key, new ByteArrayInputStream(data), data.length);
    assertArrayEquals(data, store.getBytes(key));
  }

  @Test
  void theCallersArrayIsCopied() {
    ObjectKey key = ObjectKey.of("k");
    byte[] data = {1, 2, 3};
    store.put(key, data);
    data[0] = 9;
    byte[] read = store.getBytes(key);
    assertArrayEquals(new byte[] {1, 2, 3}, read);
    read[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, store.getBytes(key));
  }

  @Test
  void aPutReplacesTheWholeObject() {
    ObjectKey key = ObjectKey.of("a/b");
    store.put(key, bytes(2, 5000));
    store.put(key, "short".getBytes(UTF_8));
    assertArrayEquals("short".getBytes(UTF_8), store.getBytes(key));
    assertEquals(5, store.head(key).orElseThrow().size());
    store.put(key, bytes(3, 7000));
    assertArrayEquals(bytes(3, 7000), store.getBytes(key));
    assertEquals(List.of(new ObjectInfo(key, 7000)), store.list(ListRequest.of("")).objects());
  }

  @Test
  void anEmptyObjectExists() throws IOException {
    ObjectKey key = ObjectKey.of("empty");
    store.put(key, new byte[0]);
    assertArrayEquals(new byte[0], store.getBytes(key));
    try (InputStream in = store.get(key, ByteRange.of(0, 10))) {
      assertArrayEquals(new byte[0], in.readAllBytes());
    }
    assertEquals(Optional.of(new ObjectInfo(key, 0)), store.head(key));
    assertEquals(List.of(new ObjectInfo(key, 0)), store.list(ListRequest.of("")).objects());
  }

  @Test
  void anAbsentObjectIsNotFound() {
    ObjectKey key = ObjectKey.of("users/1/blob/missing");
    store.put(ObjectKey.of("users/1/blob/present"), new byte[] {1});

    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class, () -> store.get(key));
    assertEquals(key, e.key());
    assertThrows(ObjectNotFoundException.class, () -> store.getBytes(key));
    assertThrows(ObjectNotFoundException.class, () -> store.get(key, ByteRange.of(0, 1)));
    assertThrows(ObjectNotFoundException.class, () -> store.get(ObjectKey.of("nowhere/at/all")));
    assertEquals(Optional.empty(), store.head(key));
    // A key that is only the beginning of another one's path is no object either.
    assertEquals(Optional.empty(), store.head(ObjectKey.of("users/1")));
    assertThrows(ObjectNotFoundException.class, () -> store.get(ObjectKey.of("users/1/blob")));
  }

  @Test
  void deleteRemovesTheObject() {
    ObjectKey key = ObjectKey.of("users/1/incoming/x");
    ObjectKey other = ObjectKey.of("users/1/incoming/y");
    store.put(key, new byte[] {1, 2});
    store.put(other, new byte[] {3});
    store.delete(key);

    assertEquals(Optional.empty(), store.head(key));
    assertThrows(ObjectNotFoundException.class, () -> store.get(key));
    assertEquals(List.of(new ObjectInfo(other, 1)), store.list(ListRequest.of("")).objects());
    assertArrayEquals(new byte[] {3}, store.getBytes(other));
  }

  @Test
  void deletingAnAbsentObjectIsNotAnError() {
    store.delete(ObjectKey.of("never/written"));
    ObjectKey key = ObjectKey.of("once");
    store.put(key, new byte[] {1});
    store.delete(key);
    store.delete(key);
    assertEquals(Optional.empty(), store.head(key));
  }

  @Test
  void anObjectCanBeWrittenAgainAfterItsDelete() {
    ObjectKey key = ObjectKey.of("a/b/c");
    store.put(key, new byte[] {1});
    store.delete(key);
    store.put(key, new byte[] {2});
    assertArrayEquals(new byte[] {2}, store.getBytes(key));
  }

  @Test
  void aKeyAndKeysBelowItCoexist() {
    ObjectKey a = ObjectKey.of("a");
    ObjectKey ab = ObjectKey.of("a/b");
    ObjectKey abc = ObjectKey.of("a/b/c");
    store.put(ab, new byte[] {2});
    store.put(a, new byte[] {1});
    store.put(abc, new byte[] {3});
    assertArrayEquals(new byte[] {1}, store.getBytes(a));
    assertArrayEquals(new byte[] {2}, store.getBytes(ab));
    assertArrayEquals(new byte[] {3}, store.getBytes(abc));

    store.delete(ab);
    assertArrayEquals(new byte[] {1}, store.getBytes(a));
    assertArrayEquals(new byte[] {3}, store.getBytes(abc));
    assertEquals(List.of(a, abc), keys(store.list(ListRequest.of("")).objects()));
  }

  @Test
  void awkwardKeysRoundTrip() {
    List<String> names = new ArrayList<>(List.of(
        "A", "a", "Ab", "aB", "with space", "tab-less~tilde", "per%cent", "%41", "x%obj", "x%cont",
        ".hidden", "..dots", "dots..", "-dash", "back\\slash", "colon:star*?q\"<>|", "CON", "nul",
        "trailing.", "trailing ", "é", "e\u0301", "ｚ", "\uE000", "😀", "\uFFFD", "#[]@!$&'()+,;=",
        "a".repeat(255), "b".repeat(256), "é".repeat(200), "😀".repeat(100)));
    names.add("deep/" + "s".repeat(300) + "/" + "t".repeat(300) + "/leaf");
    names.add("z".repeat(ObjectKey.MAX_BYTES));
    names.add("ü".repeat(ObjectKey.MAX_BYTES / 2 - 1) + "ab");
    List<ObjectKey> keys = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      ObjectKey key = ObjectKey.of(names.get(i));
      keys.add(key);
      store.put(key, ("#" + i).getBytes(UTF_8));
    }
    for (int i = 0; i < keys.size(); i++) {
      assertArrayEquals(("#" + i).getBytes(UTF_8), store.getBytes(keys.get(i)), keys.get(i).value());
    }
    assertEquals(sorted(keys), keys(store.listAll("", Optional.empty()).toList()));
    store.deleteMany(keys);
    assertEquals(List.of(), store.list(ListRequest.of("")).objects());
  }

  // ---- failed puts ------------------------------------------------------------------------------

  @Test
  void aStreamShorterThanDeclaredFailsThePutAndStoresNothing() {
    ObjectKey key = ObjectKey.of("users/1/blob/short");
    assertThrows(IllegalArgumentException.class,
        () -> store.put(key, new ByteArrayInputStream(bytes(4, 1000)), 1001));
    assertEquals(Optional.empty(), store.head(key));
    assertEquals(List.of(), store.list(ListRequest.of("")).objects());
  }

  @Test
  void aStreamLongerThanDeclaredFailsThePutAndStoresNothing() {
    ObjectKey key = ObjectKey.of("users/1/blob/long");
    assertThrows(IllegalArgumentException.class,
        () -> store.put(key, new ByteArrayInputStream(bytes(5, 1001)), 1000));
    assertEquals(Optional.empty(), store.head(key));
    assertThrows(IllegalArgumentException.class,
        () -> store.put(key, new ByteArrayInputStream(new byte[1]), 0));
    assertEquals(Optional.empty(), store.head(key));
  }

  @Test
  void aFailedPutLeavesTheEarlierObject() {
    ObjectKey key = ObjectKey.of("k");
    store.put(key, new byte[] {7, 7});
    assertThrows(IllegalArgumentException.class,
        () -> store.put(key, new ByteArrayInputStream(bytes(6, 10)), 20));
    assertThrows(RuntimeException.class, () -> store.put(key, failingAfter(bytes(7, 70_000)), 100_000));
    assertArrayEquals(new byte[] {7, 7}, store.getBytes(key));
  }

  @Test
  void aStreamThatFailsMidwayFailsThePutAndStoresNothing() {
    ObjectKey key = ObjectKey.of("users/1/blob/broken");
    assertThrows(RuntimeException.class, () -> store.put(key, failingAfter(bytes(8, 200_000)), 300_000));
    assertEquals(Optional.empty(), store.head(key));
    assertEquals(List.of(), store.list(ListRequest.of("")).objects());
  }

  // ---- ranges -----------------------------------------------------------------------------------

  @Test
  void rangedGets() {
    ObjectKey key = ObjectKey.of("r");
    byte[] data = bytes(9, 1000);
    store.put(key, data);

    assertArrayEquals(slice(data, 0, 10), range(key, 0, 10), "start");
    assertArrayEquals(slice(data, 400, 250), range(key, 400, 250), "middle");
    assertArrayEquals(slice(data, 990, 10), range(key, 990, 10), "end");
    assertArrayEquals(slice(data, 999, 1), range(key, 999, 1), "last byte");
    assertArrayEquals(data, range(key, 0, 1000), "everything");
    assertArrayEquals(slice(data, 995, 5), range(key, 995, 100), "running past the end: cut");
    assertArrayEquals(data, range(key, 0, Long.MAX_VALUE), "up to the largest length");
    assertArrayEquals(new byte[0], range(key, 1000, 1), "starting at the end: nothing");
    assertArrayEquals(new byte[0], range(key, 5000, 10), "starting past the end: nothing");
    assertArrayEquals(new byte[0], range(key, 10, 0), "empty range");
  }

  // ---- listing ----------------------------------------------------------------------------------

  @Test
  void listingAnEmptyStoreOrAnUnusedPrefixFindsNothing() {
    assertEquals(new ListPage(List.of(), Optional.empty()), store.list(ListRequest.of("")));
    store.put(ObjectKey.of("users/1/log/x"), new byte[] {1});
    assertEquals(new ListPage(List.of(), Optional.empty()), store.list(ListRequest.of("users/2/")));
    assertEquals(new ListPage(List.of(), Optional.empty()), store.list(ListRequest.of("users/1/log/x/")));
    assertEquals(new ListPage(List.of(), Optional.empty()), store.list(ListRequest.of("users/1/log/y")));
    assertEquals(new ListPage(List.of(), Optional.empty()), store.list(ListRequest.of("v")));
    assertEquals(0, store.listAll("users/3", Optional.empty()).count());
  }

  @Test
  void listingReportsSizes() {
    store.put(ObjectKey.of("s/a"), new byte[3]);
    store.put(ObjectKey.of("s/b"), new byte[0]);
    store.put(ObjectKey.of("s/c/d"), new byte[70_000]);
    assertEquals(List.of(
            new ObjectInfo(ObjectKey.of("s/a"), 3),
            new ObjectInfo(ObjectKey.of("s/b"), 0),
            new ObjectInfo(ObjectKey.of("s/c/d"), 70_000)),
        store.list(ListRequest.of("s/")).objects());
  }

  @Test
  void twoThousandFiveHundredKeysInPagesOfAThousand() {
    List<ObjectKey> keys = manyKeys(2500);
    putAll(keys, 8);
    List<ObjectKey> expected = sorted(keys);

    ListPage first = store.list(ListRequest.of("users/"));
    ListPage second = store.list(ListRequest.of("users/").resumeAt(first.continuation().orElseThrow()));
    ListPage third = store.list(ListRequest.of("users/").resumeAt(second.continuation().orElseThrow()));
    assertEquals(1000, first.objects().size());
    assertEquals(1000, second.objects().size());
    assertEquals(500, third.objects().size());
    assertEquals(Optional.empty(), third.continuation());
    List<ObjectKey> all = new ArrayList<>();
    for (ListPage page : List.of(first, second, third)) {
      all.addAll(keys(page.objects()));
    }
    assertEquals(expected, all);

    for (int pageSize : new int[] {1, 7, 333, 999, 1000}) {
      if (pageSize == 1) {
        // One key a page: only the beginning, a full walk would be 2 500 requests.
        assertEquals(expected.subList(0, 30), keys(pages(ListRequest.of("").pageSize(1), 30)));
      } else {
        assertEquals(expected, keys(pages(ListRequest.of("").pageSize(pageSize), Integer.MAX_VALUE)),
            "page size " + pageSize);
      }
    }
    assertEquals(expected, keys(store.listAll("", Optional.empty()).toList()));
  }

  @Test
  void prefixStartAfterAndContinuation() {
    List<ObjectKey> keys = manyKeys(300);
    putAll(keys, 4);
    List<ObjectKey> expected = sorted(keys);

    // Prefixes need not end at a '/'.
    for (String prefix : List.of("users/1", "users/1/", "users/10/", "users/2/log/", "users/3/blob/0")) {
      assertEquals(filter(expected, k -> k.value().startsWith(prefix)),
          keys(pages(ListRequest.of(prefix).pageSize(17), Integer.MAX_VALUE)), prefix);
    }
    // startAfter: a present key, an absent key, one before and one after the prefix's range.
    ObjectKey present = expected.get(123);
    assertEquals(expected.subList(124, expected.size()),
        keys(pages(ListRequest.of("").startAfter(present).pageSize(50), Integer.MAX_VALUE)));
    ObjectKey absent = ObjectKey.of(present.value() + "!");
    assertEquals(filter(expected, k -> k.compareTo(absent) > 0),
        keys(pages(ListRequest.of("").startAfter(absent).pageSize(50), Integer.MAX_VALUE)));
    assertEquals(filter(expected, k -> k.value().startsWith("users/2/")),
        keys(pages(ListRequest.of("users/2/").startAfter(ObjectKey.of("users/1/zzz")).pageSize(40),
            Integer.MAX_VALUE)));
    assertEquals(List.of(),
        store.list(ListRequest.of("users/2/").startAfter(ObjectKey.of("users/3"))).objects());
    // startAfter inside the prefix, with a page size.
    List<ObjectKey> inPrefix = filter(expected, k -> k.value().startsWith("users/2/"));
    ObjectKey middle = inPrefix.get(inPrefix.size() / 2);
    assertEquals(filter(inPrefix, k -> k.compareTo(middle) > 0),
        keys(pages(ListRequest.of("users/2/").startAfter(middle).pageSize(9), Integer.MAX_VALUE)));
    // A continuation resumes after the page it came from, startAfter still holding.
    ListPage page = store.list(ListRequest.of("users/").startAfter(middle).pageSize(10));
    assertEquals(filter(expected, k -> k.compareTo(middle) > 0).subList(0, 10), keys(page.objects()));
    ListPage next = store.list(ListRequest.of("users/").startAfter(middle).pageSize(10)
        .resumeAt(page.continuation().orElseThrow()));
    assertEquals(filter(expected, k -> k.compareTo(middle) > 0).subList(10, 20), keys(next.objects()));
    // listAll starts after startAfter too.
    assertEquals(filter(expected, k -> k.compareTo(middle) > 0),
        keys(store.listAll("", Optional.of(middle)).toList()));
  }

  @Test
  void unicodeKeysListInUtf8ByteOrder() {
    // UTF-8 byte order, which UTF-16 order is not: U+E000 sorts before U+1F600 in UTF-8 only.
    List<String> inByteOrder = List.of("u/Z", "u/a", "u/z", "u/~", "u/é", "u/\uE000", "u/ｚ",
        "u/\uFFFD", "u/😀", "u/😀😀");
    List<ObjectKey> keys = inByteOrder.stream().map(ObjectKey::of).toList();
    List<ObjectKey> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, new java.util.Random(11));
    shuffled.forEach(k -> store.put(k, k.utf8()));

    assertEquals(keys, keys(store.list(ListRequest.of("")).objects()));
    assertEquals(keys, keys(pages(ListRequest.of("u/").pageSize(3), Integer.MAX_VALUE)));
    assertEquals(keys.subList(5, keys.size()),
        keys(store.list(ListRequest.of("u/").startAfter(keys.get(4))).objects()));
    assertEquals(List.of(ObjectKey.of("u/😀"), ObjectKey.of("u/😀😀")),
        keys(store.list(ListRequest.of("u/😀")).objects()));
  }

  @Test
  void nestedKeysListInByteOrder() {
    // '-' (0x2D) and '.' (0x2E) sort before '/' (0x2F), which sorts before '0' (0x30).
    List<ObjectKey> keys = List.of("a", "a-c", "a.b", "a/b", "a/b-", "a/b/c", "a/b0", "a/c", "a0",
        "ab", "b", "b/a/a/a/a", "b/a/a/b", "b/b").stream().map(ObjectKey::of).toList();
    List<ObjectKey> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, new java.util.Random(7));
    shuffled.forEach(k -> store.put(k, k.utf8()));

    assertEquals(keys, keys(store.list(ListRequest.of("")).objects()));
    for (int pageSize = 1; pageSize <= keys.size(); pageSize++) {
      assertEquals(keys, keys(pages(ListRequest.of("").pageSize(pageSize), Integer.MAX_VALUE)));
    }
    assertEquals(keys.subList(0, 10), keys(store.list(ListRequest.of("a")).objects()));
    assertEquals(keys.subList(3, 8), keys(store.list(ListRequest.of("a/")).objects()));
    assertEquals(keys.subList(3, 7), keys(store.list(ListRequest.of("a/b")).objects()));
    assertEquals(keys.subList(5, 6), keys(store.list(ListRequest.of("a/b/")).objects()));
    for (int i = 0; i < keys.size(); i++) {
      ObjectKey after = keys.get(i);
      assertEquals(keys.subList(i + 1, keys.size()),
          keys(store.list(ListRequest.of("").startAfter(after)).objects()), "after " + after);
    }
  }

  // ---- big objects, concurrency, batches ---------------------------------------------------------

  @Test
  void aTwentyMegabyteObjectStreamsBothWays() throws IOException {
    ObjectKey key = ObjectKey.of("users/1/blob/big");
    long size = 20L * 1024 * 1024 + 17;
    store.put(key, new GeneratedStream(42, size), size);

    assertEquals(Optional.of(new ObjectInfo(key, size)), store.head(key));
    try (InputStream in = store.get(key)) {
      assertEquals(digest(new GeneratedStream(42, size)), digest(in));
    }
    long offset = 7L * 1024 * 1024 + 3;
    long length = 5L * 1024 * 1024;
    try (InputStream in = store.get(key, ByteRange.of(offset, length))) {
      GeneratedStream expected = new GeneratedStream(42, offset + length);
      expected.skipNBytes(offset);
      assertEquals(digest(expected), digest(in));
    }
  }

  @Test
  void sixteenThreadsPutConcurrently() throws Exception {
    int threads = 16;
    int perThread = 40;
    List<ObjectKey> all = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<ObjectKey> mine = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          // Threads share directories: users/<i % 3>/log/op/ holds keys of every thread.
          mine.add(ObjectKey.of("users/" + (i % 3) + "/log/op/" + String.format("%02d-%03d", t, i)));
        }
        all.addAll(mine);
        done.add(pool.submit(() -> mine.forEach(k -> store.put(k, k.utf8()))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<ObjectInfo> listed = store.listAll("", Optional.empty()).toList();
    assertEquals(sorted(all), keys(listed));
    for (ObjectInfo info : listed) {
      assertArrayEquals(info.key().utf8(), store.getBytes(info.key()));
    }
  }

  @Test
  void deleteManyRemovesMoreThanAThousandKeys() {
    List<ObjectKey> keys = manyKeys(1500);
    putAll(keys, 8);
    List<ObjectKey> doomed = new ArrayList<>(keys.subList(0, 1200));
    doomed.add(ObjectKey.of("users/never/written"));
    doomed.add(keys.get(5)); // twice
    store.deleteMany(doomed);

    assertEquals(sorted(keys.subList(1200, 1500)), keys(store.listAll("", Optional.empty()).toList()));
    assertEquals(Optional.empty(), store.head(keys.get(0)));
    assertArrayEquals(keys.get(1499).utf8(), store.getBytes(keys.get(1499)));
    store.deleteMany(List.of());
    store.deleteMany(keys);
    assertEquals(List.of(), store.list(ListRequest.of("")).objects());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** {@code count} keys shaped like Tern's, spread over users, logs and blobs. */
  static List<ObjectKey> manyKeys(int count) {
    List<ObjectKey> keys = new ArrayList<>(count);
    SplittableRandom random = new SplittableRandom(count);
    for (int i = 0; i < count; i++) {
      String user = Integer.toString(random.nextInt(12));
      String hex = HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(i);
      keys.add(switch (i % 4) {
        case 0 -> ObjectKey.of("users/" + user + "/log/mailboxes/op/" + hex);
        case 1 -> ObjectKey.of("users/" + user + "/log/mbx-" + (i % 3) + "/op/" + hex);
        case 2 -> ObjectKey.of("users/" + user + "/blob/" + hex);
        default -> ObjectKey.of("users/" + user + "/meta/" + hex);
      });
    }
    return keys;
  }

  /** Puts each key with its own UTF-8 bytes as the data, from {@code threads} threads. */
  void putAll(List<ObjectKey> keys, int threads) {
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = keys.stream()
          .<Future<?>>map(k -> pool.submit(() -> store.put(k, k.utf8())))
          .toList();
      for (Future<?> f : done) {
        f.get();
      }
    } catch (Exception e) {
      throw new AssertionError("putting " + keys.size() + " keys failed", e);
    }
  }

  /** Follows continuations from {@code request}, checking page sizes, up to {@code max} objects. */
  List<ObjectInfo> pages(ListRequest request, int max) {
    List<ObjectInfo> all = new ArrayList<>();
    ListRequest next = request;
    while (all.size() < max) {
      ListPage page = store.list(next);
      assertTrue(page.objects().size() <= request.pageSize(), "page larger than asked");
      all.addAll(page.objects());
      if (page.continuation().isEmpty()) {
        break;
      }
      assertFalse(page.objects().isEmpty(), "an empty page with a continuation");
      next = request.resumeAt(page.continuation().get());
    }
    return all.size() > max ? all.subList(0, max) : all;
  }

  static List<ObjectKey> keys(List<ObjectInfo> infos) {
    return infos.stream().map(ObjectInfo::key).toList();
  }

  static List<ObjectKey> sorted(List<ObjectKey> keys) {
    return keys.stream().distinct().sorted().toList();
  }

  static List<ObjectKey> filter(List<ObjectKey> keys, Predicate<ObjectKey> keep) {
    return keys.stream().filter(keep).toList();
  }

  byte[] range(ObjectKey key, long offset, long length) {
    try (InputStream in = store.get(key, ByteRange.of(offset, length))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] slice(byte[] data, int offset, int length) {
    byte[] slice = new byte[length];
    System.arraycopy(data, offset, slice, 0, length);
    return slice;
  }

  static byte[] bytes(long seed, int length) {
    byte[] data = new byte[length];
    SplittableRandom random = new SplittableRandom(seed);
    IntStream.range(0, length).forEach(i -> data[i] = (byte) random.nextInt());
    return data;
  }

  /** {@code data}, then an {@link IOException} instead of the end of the stream. */
  static InputStream failingAfter(byte[] data) {
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("the client went away");
      }
    };
    return new SequenceInputStream(new ByteArrayInputStream(data), failing);
  }

  static String digest(InputStream in) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      sha.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** {@code size} pseudo-random bytes from {@code seed}, generated as they are read. */
  static final class GeneratedStream extends InputStream {

    private final SplittableRandom random;
    private long remaining;

    GeneratedStream(long seed, long size) {
      this.random = new SplittableRandom(seed);
      this.remaining = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) random.nextInt(256);
      }
      remaining -= n;
      return n;
    }
  }
}
