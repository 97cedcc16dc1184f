package dev.tern.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the file store does: its layout, atomic renames, sharing a root, sweeping. */
class FileObjectStoreTest {

  @TempDir
  Path root;

  FileObjectStore store;

  @BeforeEach
  void open() {
    store = new FileObjectStore(root);
  }

  @AfterEach
  void close() {
    store.close();
  }

  // ---- layout -----------------------------------------------------------------------------------

  @Test
  void anObjectAndObjectsBelowItAreFilesSideBySide() throws IOException {
    store.put(ObjectKey.of("a"), new byte[] {1});
    store.put(ObjectKey.of("a/b"), new byte[] {2});
    store.put(ObjectKey.of("a-c"), new byte[] {3});

    Path objects = root.resolve("objects");
    assertArrayEquals(new byte[] {1}, Files.readAllBytes(objects.resolve("a%obj")));
    assertArrayEquals(new byte[] {2}, Files.readAllBytes(objects.resolve("a/b%obj")));
    assertArrayEquals(new byte[] {3}, Files.readAllBytes(objects.resolve("a-c%obj")));
    assertTrue(Files.isDirectory(objects.resolve("a")));
    assertEquals(List.of("a", "a-c", "a/b"), keyStrings(store.list(ListRequest.of("")).objects()));
  }

  @Test
  void namesAreEscapedLowerCaseAscii() {
    assertEquals(root.resolve("objects/users/1/blob/%41bc%20%C3%A9%obj"),
        store.objectPath(ObjectKey.of("users/1/blob/Abc é")));
    assertEquals(root.resolve("objects/%2Ehidden/x%2E%obj"), store.objectPath(ObjectKey.of(".hidden/x.")));
    assertEquals(root.resolve("objects/%6Eul/%63om1.txt%obj"), store.objectPath(ObjectKey.of("nul/com1.txt")));
    assertEquals(root.resolve("objects/x%25obj%obj"), store.objectPath(ObjectKey.of("x%obj")));
  }

  @Test
  void aSegmentTooLongForOneNameIsSplitOverContinuationDirectories() throws IOException {
    ObjectKey key = ObjectKey.of("long/" + "x".repeat(600) + "/y");
    store.put(key, new byte[] {4});
    Path path = store.objectPath(key);
    assertEquals(root.resolve("objects/long/" + "x".repeat(240) + "%cont/" + "x".repeat(240) + "%cont/"
        + "x".repeat(120) + "/y%obj"), path);
    assertTrue(Files.isRegularFile(path));
    try (Stream<Path> all = Files.walk(root)) {
      all.forEach(p -> assertTrue(p.getFileName().toString().length() <= 255, p.toString()));
    }
    assertEquals(List.of(key), ObjectStoreContract.keys(store.list(ListRequest.of("long/x")).objects()));
  }

  @Test
  void deletesPruneTheDirectoriesTheyEmpty() {
    store.put(ObjectKey.of("users/1/log/a/op/1"), new byte[] {1});
    store.put(ObjectKey.of("users/1/log/a/op/2"), new byte[] {1});
    store.put(ObjectKey.of("users/1/blob/m"), new byte[] {1});

    store.delete(ObjectKey.of("users/1/log/a/op/1"));
    assertTrue(Files.isDirectory(root.resolve("objects/users/1/log/a/op")));
    store.deleteMany(List.of(ObjectKey.of("users/1/log/a/op/2")));
    assertFalse(Files.exists(root.resolve("objects/users/1/log")));
    assertTrue(Files.isDirectory(root.resolve("objects/users/1/blob")));
    store.delete(ObjectKey.of("users/1/blob/m"));
    assertFalse(Files.exists(root.resolve("objects/users")));
    assertTrue(Files.isDirectory(root.resolve("objects")), "the objects directory itself stays");
  }

  @Test
  void strayEntriesAreIgnored() throws IOException {
    Path objects = root.resolve("objects");
    List<ObjectKey> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ObjectKey key = ObjectKey.of(String.format("d/k%04d", i));
      expected.add(key);
      // Written straight into place (no fsyncs): the layout is all a listing reads.
      Path path = store.objectPath(key);
      Files.createDirectories(path.getParent());
      Files.write(path, new byte[] {(byte) i});
    }
    Files.writeString(objects.resolve("README"), "not an object");
    Files.writeString(objects.resolve("d/notes.txt~"), "an editor's backup");
    Files.writeString(objects.resolve("d/K%obj"), "not canonical: upper-case");
    Files.writeString(objects.resolve("d/k%2Fx%obj"), "a slash in a name");
    Files.createDirectories(objects.resolve("d/k%cont"));
    Files.writeString(objects.resolve("d/k%cont/0051y%obj"), "a split no chunk size gives");
    Files.writeString(objects.resolve("%2E%obj"), "the key '.' is invalid");
    // Directories where files belong, many in a row early in the listing: a walk over d/ has
    // dropped the real objects after them by the time it finds out, and must come back for them.
    for (int i = 0; i < 100; i++) {
      Files.createDirectories(objects.resolve(String.format("d/k0000s%02d%%obj", i)));
    }

    for (int pageSize : new int[] {1, 2, 3, 10, 1000}) {
      List<ObjectInfo> all = new ArrayList<>();
      ListRequest request = ListRequest.of("").pageSize(pageSize);
      int pages = 0;
      while (request != null && pages++ < 20) {
        ListPage page = store.list(request);
        all.addAll(page.objects());
        request = page.continuation().map(request::resumeAt).orElse(null);
      }
      int seen = Math.min(expected.size(), 20 * pageSize);
      assertEquals(expected.subList(0, seen), ObjectStoreContract.keys(all), "page size " + pageSize);
    }
  }

  @Test
  void unescapedNamesWhereThisStoreWouldNotPutTheirKeysAreIgnored() throws IOException {
    // Listings take a shortcut for names without escapes in directories where this store puts
    // their keys: these are all such names, and none is where this store would put its key.
    try (FileObjectStore small = new FileObjectStore(root.resolve("small"), Clock.systemUTC(), 20)) {
      String split = "b".repeat(30);
      small.put(ObjectKey.of("d/a"), new byte[] {1});
      small.put(ObjectKey.of("d/" + split), new byte[] {2});
      small.put(ObjectKey.of("d/x/y"), new byte[] {3});
      Path d = root.resolve("small/objects/d");
      Files.writeString(d.resolve("con%obj"), "a device name");
      Files.writeString(d.resolve("nul.txt%obj"), "a device name with an extension");
      Files.writeString(d.resolve(".hidden%obj"), "a leading dot");
      Files.writeString(d.resolve("x.%obj"), "a trailing dot");
      Files.writeString(d.resolve("c".repeat(21) + "%obj"), "a name longer than a chunk");
      Files.createDirectories(d.resolve("e".repeat(21)));
      Files.writeString(d.resolve("e".repeat(21) + "/f%obj"), "in a directory longer than a chunk");
      Files.createDirectories(d.resolve("g%cont/h"));
      Files.writeString(d.resolve("g%cont/h/i%obj"), "under a split no segment needs");
      Files.writeString(d.resolve("g%cont/j%obj"), "in a split no segment needs");
      Files.createDirectories(d.resolve("x/k%obj"));

      List<String> expected = List.of("d/a", "d/" + split, "d/x/y");
      assertEquals(expected, keyStrings(small.list(ListRequest.of("")).objects()));
      assertEquals(expected, keyStrings(small.list(ListRequest.of("d/")).objects()));
      assertEquals(List.of("d/x/y"), keyStrings(small.list(ListRequest.of("d/")
          .startAfter(ObjectKey.of("d/" + split))).objects()));
    }
  }

  @Test
  void aStrayFileStandingForAnObjectsKeyDoesNotHideTheObject() throws IOException {
    List<ObjectKey> expected = new ArrayList<>();
    expected.add(ObjectKey.of("d/ab"));
    for (int i = 0; i < 100; i++) {
      expected.add(ObjectKey.of(String.format("d/b%03d", i)));
    }
    for (ObjectKey key : expected) {
      Path path = store.objectPath(key); // straight into place: the layout is all a listing reads
      Files.createDirectories(path.getParent());
      Files.write(path, new byte[] {1});
    }
    // Decodes to d/ab as well, and sorts first, but this store would put d/ab elsewhere.
    Path stray = root.resolve("objects/d/a%cont/b%obj");
    Files.createDirectories(stray.getParent());
    Files.writeString(stray, "a stray copy");

    for (int pageSize : new int[] {1, 2, 1000}) {
      List<ObjectInfo> all = new ArrayList<>();
      ListRequest request = ListRequest.of("d/").pageSize(pageSize);
      while (request != null) {
        ListPage page = store.list(request);
        all.addAll(page.objects());
        request = page.continuation().map(request::resumeAt).orElse(null);
      }
      assertEquals(expected, ObjectStoreContract.keys(all), "page size " + pageSize);
    }
  }

  @Test
  void smallPagesOverLargeDirectoriesMatchTheModel() {
    // Directories of a few hundred entries, objects and subdirectories mixed, make a walk drop
    // the entries past its page (several times per directory) and come back for them later.
    MemoryObjectStore model = new MemoryObjectStore();
    for (int i = 0; i < 400; i++) {
      String key = switch (i % 4) {
        case 0 -> "d/" + (i % 3) + "/k" + i;
        case 1 -> "d/" + (i % 3) + "/k" + i + "/sub";
        case 2 -> "d/" + (i % 3) + "-k" + i;
        default -> "d/" + (i % 3) + "/k" + (i - 3) + "-";
      };
      store.put(ObjectKey.of(key), new byte[i % 5]);
      model.put(ObjectKey.of(key), new byte[i % 5]);
    }
    for (int pageSize : new int[] {1, 2, 5, 40}) {
      for (String prefix : List.of("", "d/1", "d/1/")) {
        ListRequest request = ListRequest.of(prefix).pageSize(pageSize);
        int pages = 0;
        while (request != null) {
          ListPage expected = model.list(request);
          assertEquals(expected, store.list(request), request.toString());
          request = expected.continuation().map(request::resumeAt).orElse(null);
          pages++;
        }
        assertTrue(pages > 1);
      }
    }
  }

  @Test
  void listingsReadOnlyTheDirectoriesThatCanMatch() {
    for (int user = 0; user < 20; user++) {
      for (int i = 0; i < 5; i++) {
        store.put(ObjectKey.of("users/" + user + "/log/mailboxes/op/" + i), new byte[] {1});
        store.put(ObjectKey.of("users/" + user + "/blob/" + i), new byte[] {1});
      }
    }
    long before = store.directoriesRead();
    assertEquals(5, store.list(ListRequest.of("users/7/log/mailboxes/op/")).objects().size());
    assertEquals(1, store.directoriesRead() - before);

    before = store.directoriesRead();
    assertEquals(3, store.list(ListRequest.of("users/7/log/mailboxes/op/")
        .startAfter(ObjectKey.of("users/7/log/mailboxes/op/1"))).objects().size());
    assertEquals(1, store.directoriesRead() - before);

    before = store.directoriesRead();
    store.list(ListRequest.of("users/").pageSize(3));
    assertTrue(store.directoriesRead() - before <= 6, "a short page opens few directories");
  }

  // ---- atomic puts ------------------------------------------------------------------------------

  @Test
  void aPutWhoseStreamFailsLeavesNoObjectAndNoTemporaryFile() throws IOException {
    ObjectKey key = ObjectKey.of("users/1/blob/m");
    assertThrows(TransientStorageException.class,
        () -> store.put(key, ObjectStoreContract.failingAfter(new byte[300_000]), 1_000_000));
    assertThrows(IllegalArgumentException.class,
        () -> store.put(key, new ByteArrayInputStream(new byte[10]), 11));
    assertThrows(IllegalArgumentException.class,
        () -> store.put(key, new ByteArrayInputStream(new byte[12]), 11));

    assertEquals(Optional.empty(), store.head(key));
    assertEquals(List.of(), files(root.resolve("tmp")));
    assertEquals(List.of(), files(root.resolve("objects")));
  }

  @Test
  void aPutInProgressIsInvisible() throws Exception {
    ObjectKey key = ObjectKey.of("users/1/blob/m");
    store.put(key, "old".getBytes(UTF_8));
    CountDownLatch halfway = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    InputStream blocking = new InputStream() {
      private int sent;

      @Override
      public int read() throws IOException {
        if (sent == 100_000) {
          halfway.countDown();
          try {
            resume.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        return sent++ < 200_000 ? 'n' : -1;
      }
    };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> put = pool.submit(() -> store.put(key, blocking, 200_000));
      assertTrue(halfway.await(10, TimeUnit.SECONDS));
      // The old object, whole, while the new one is being written next to it.
      assertArrayEquals("old".getBytes(UTF_8), store.getBytes(key));
      assertEquals(Optional.of(new ObjectInfo(key, 3)), store.head(key));
      List<Path> temps = files(root.resolve("tmp"));
      assertEquals(1, temps.size());
      assertTrue(temps.getFirst().getFileName().toString().startsWith(ProcessHandle.current().pid() + "-"));
      InputStream oldReader = store.get(key);
      resume.countDown();
      put.get(10, TimeUnit.SECONDS);

      assertEquals(200_000, store.head(key).orElseThrow().size());
      assertArrayEquals("old".getBytes(UTF_8), oldReader.readAllBytes(), "an open reader keeps its version");
      oldReader.close();
      assertEquals(List.of(), files(root.resolve("tmp")));
    } finally {
      resume.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void aPutWhoseDirectoryIsPrunedBeforeItsRenameCreatesItAgain() throws IOException {
    ObjectKey key = ObjectKey.of("users/1/incoming/x");
    AtomicInteger removals = new AtomicInteger();
    store.beforeRename(dir -> {
      if (removals.getAndIncrement() < 2) {
        try {
          Files.delete(dir); // what a concurrent delete's pruning does to a directory it finds empty
          Files.delete(dir.getParent());
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    });
    store.put(key, new byte[] {5});
    assertEquals(3, removals.get());
    assertArrayEquals(new byte[] {5}, store.getBytes(key));
    assertEquals(List.of(), files(root.resolve("tmp")));
  }

  @Test
  void concurrentPutsAndDeletesInOneDirectoryLoseNothing() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 100; i++) {
            // Every thread empties the directories, so pruning races with the others' puts.
            ObjectKey key = ObjectKey.of("churn/" + (i % 3) + "/d/t" + thread + "-" + i);
            store.put(key, new byte[] {(byte) i});
            store.delete(key);
          }
          store.put(ObjectKey.of("churn/" + (thread % 3) + "/d/last-" + thread), new byte[] {1});
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> expected = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      expected.add("churn/" + (t % 3) + "/d/last-" + t);
    }
    assertEquals(expected.stream().sorted().toList(),
        keyStrings(store.listAll("", Optional.empty()).toList()));
  }

  // ---- sharing a root ---------------------------------------------------------------------------

  @Test
  void aSecondStoreOnTheSameRootSeesTheFirstsWrites() {
    try (FileObjectStore second = new FileObjectStore(root)) {
      store.put(ObjectKey.of("a/1"), new byte[] {1});
      assertArrayEquals(new byte[] {1}, second.getBytes(ObjectKey.of("a/1")));
      second.put(ObjectKey.of("a/2"), new byte[] {2});
      assertEquals(List.of("a/1", "a/2"), keyStrings(store.list(ListRequest.of("a/")).objects()));
      second.delete(ObjectKey.of("a/1"));
      assertEquals(Optional.empty(), store.head(ObjectKey.of("a/1")));
    }
  }

  @Test
  void anotherProcessWritesToTheSameRootConcurrently() throws Exception {
    int count = 300;
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Writer.class.getName(), root.toString(), "child", Integer.toString(count))
        .redirectErrorStream(true)
        .start();
    List<String> output = new ArrayList<>();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
      String line;
      while ((line = lines.readLine()) != null && !line.equals("ready")) {
        output.add(line);
      }
      assertEquals("ready", line, "the writer did not start: " + output);
      Writer.write(store, "parent", count);
      while ((line = lines.readLine()) != null) {
        output.add(line);
      }
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the writer did not finish");
      assertEquals(0, child.exitValue(), "the writer failed: " + output);
    } finally {
      child.destroyForcibly();
    }

    List<String> expected = new ArrayList<>();
    for (String writer : List.of("child", "parent")) {
      for (int i = 0; i < count; i++) {
        expected.add(Writer.key(writer, i).value());
      }
      for (int d = 0; d < 4; d++) {
        expected.add("churn/" + d + "/last-" + writer);
      }
    }
    List<ObjectInfo> listed = store.listAll("", Optional.empty()).toList();
    assertEquals(expected.stream().sorted(ObjectKey::compareUtf8).toList(), keyStrings(listed));
    for (ObjectInfo info : listed) {
      assertArrayEquals(info.key().utf8(), store.getBytes(info.key()));
    }
    assertEquals(List.of(), files(root.resolve("tmp")));
  }

  /** The other process of {@link #anotherProcessWritesToTheSameRootConcurrently}. */
  static final class Writer {

    public static void main(String[] args) {
      try (FileObjectStore store = new FileObjectStore(Path.of(args[0]))) {
        System.out.println("ready");
        System.out.flush();
        write(store, args[1], Integer.parseInt(args[2]));
      }
    }

    static ObjectKey key(String writer, int i) {
      return ObjectKey.of("shared/" + (i % 8) + "/op/" + writer + "-" + i);
    }

    /** Writes keys shared directories, and puts and deletes keys where the other writer does. */
    static void write(ObjectStore store, String writer, int count) {
      for (int i = 0; i < count; i++) {
        ObjectKey key = key(writer, i);
        store.put(key, key.utf8());
        ObjectKey churn = ObjectKey.of("churn/" + (i % 4) + "/" + writer + "-" + i);
        store.put(churn, new byte[] {1});
        store.delete(churn);
      }
      for (int d = 0; d < 4; d++) {
        ObjectKey last = ObjectKey.of("churn/" + d + "/last-" + writer);
        store.put(last, last.utf8());
      }
    }
  }

  // ---- temporary files --------------------------------------------------------------------------

  @Test
  void openingSweepsStaleTemporaryFiles() throws IOException {
    Path tmp = root.resolve("tmp");
    Instant now = Instant.parse("2025-03-01T12:00:00Z");
    Path stale = Files.writeString(tmp.resolve("123-45-00ff00ff00ff00ff.tmp"), "crashed put");
    Files.setLastModifiedTime(stale, FileTime.from(now.minus(Duration.ofMinutes(61))));
    Path recent = Files.writeString(tmp.resolve("123-46-00ff00ff00ff00fe.tmp"), "a put in progress");
    Files.setLastModifiedTime(recent, FileTime.from(now.minus(Duration.ofMinutes(59))));

    try (FileObjectStore reopened = new FileObjectStore(root, Clock.fixed(now, ZoneOffset.UTC),
        FileNames.DEFAULT_MAX_CHUNK)) {
      assertFalse(Files.exists(stale));
      assertTrue(Files.exists(recent));
      assertEquals(List.of(), reopened.list(ListRequest.of("")).objects());
    }
  }

  @Test
  void aRemovedTemporaryDirectoryIsCreatedAgain() throws IOException {
    Files.delete(root.resolve("tmp"));
    store.put(ObjectKey.of("k"), new byte[] {1});
    assertArrayEquals(new byte[] {1}, store.getBytes(ObjectKey.of("k")));
  }

  // ---- errors, closing --------------------------------------------------------------------------

  @Test
  void ioFailuresMapToPermanentOrTransient() {
    Path path = root.resolve("x");
    assertInstanceOf(PermanentStorageException.class,
        FileObjectStore.failure("writing", path, new AccessDeniedException(path.toString())));
    assertInstanceOf(PermanentStorageException.class, FileObjectStore.failure("writing", path,
        new FileSystemException(path.toString(), null, "Read-only file system")));
    assertInstanceOf(PermanentStorageException.class, FileObjectStore.failure("reading", path,
        new FileSystemException(path.toString(), null, "File name too long")));
    assertInstanceOf(TransientStorageException.class, FileObjectStore.failure("writing", path,
        new FileSystemException(path.toString(), null, "No space left on device")));
    assertInstanceOf(TransientStorageException.class,
        FileObjectStore.failure("reading", path, new IOException("Input/output error")));
  }

  @Test
  void aRootThatIsAFileIsAnError() throws IOException {
    Path file = Files.writeString(root.resolve("file"), "x");
    assertThrows(StorageException.class, () -> new FileObjectStore(file));
  }

  @Test
  void aClosedStoreRefusesRequests() {
    store.close();
    assertThrows(IllegalStateException.class, () -> store.put(ObjectKey.of("k"), new byte[0]));
    assertThrows(IllegalStateException.class, () -> store.get(ObjectKey.of("k")));
    assertThrows(IllegalStateException.class, () -> store.list(ListRequest.of("")));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  static List<String> keyStrings(List<ObjectInfo> infos) {
    return infos.stream().map(info -> info.key().value()).toList();
  }

  /** Regular files under {@code dir}, at any depth. */
  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).toList();
    }
  }
}
