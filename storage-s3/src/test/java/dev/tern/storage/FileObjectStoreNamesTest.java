package dev.tern.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties of the file store's names, checked on random keys from fixed seeds (a failure names
 * its seed; jqwik is not on this module's test classpath): every valid key maps to a path of valid
 * names and back, and listings of random key sets equal {@link MemoryObjectStore}'s, which is
 * ordered by {@link ObjectKey#compareUtf8}, page for page.
 */
class FileObjectStoreNamesTest {

  /** Pieces of segments: plain, escaped, multi-byte, case pairs, the suffixes, device names. */
  private static final List<String> UNITS = List.of("a", "b", "z", "0", "9", "-", "_", ".", "~",
      "%", "A", "Z", " ", "é", "e\u0301", "ｚ", "\uE000", "\uFFFD", "😀", "\\", ":", "*", "?",
      "%obj", "%cont", "%2E", "obj", "nul", "con", "Com1", "lpt9", "aux.", "\u007e\u00a0");

  /** Few pieces, so random keys share prefixes and differ right around '/' (0x2F). */
  private static final List<String> CLOSE_UNITS =
      List.of("a", "b", "-", ".", "0", "~", "A", "é", "\uE000", "😀");

  private static final Pattern NAME =
      Pattern.compile("(?:[a-z0-9._-]|%[0-9A-F]{2})+(?:%obj|%cont)?");
  private static final Set<String> DEVICES = Set.of("con", "prn", "aux", "nul", "com0", "com1",
      "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3",
      "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");
  private static final int[] CHUNK_SIZES = {FileNames.MIN_CHUNK, 13, 20, 64, FileNames.DEFAULT_MAX_CHUNK};

  @TempDir
  Path root;

  @Test
  void everyKeyMapsToValidNamesAndBack() {
    List<FileObjectStore> stores = new ArrayList<>();
    for (int maxChunk : CHUNK_SIZES) {
      stores.add(new FileObjectStore(root.resolve("c" + maxChunk), Clock.systemUTC(), maxChunk));
    }
    for (long seed = 0; seed < 3000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      ObjectKey key = randomKey(random, UNITS);
      for (int i = 0; i < stores.size(); i++) {
        FileObjectStore store = stores.get(i);
        Path path = store.objectPath(key);
        String context = "seed " + seed + ", chunk " + CHUNK_SIZES[i] + ", key " + key + ", path " + path;
        assertEquals(key, keyOf(store, path), context);
        for (Path name : store.root().resolve("objects").relativize(path)) {
          checkName(name.toString(), CHUNK_SIZES[i], context);
        }
      }
    }
  }

  @Test
  void namesOutsideTheCanonicalFormDecodeToNothing() {
    for (String name : List.of("", "A", "a%2", "a%zz", "a%2e", "%61", "%2F", "%0A", "a%C3", "%C3%28",
        ".a", "a.", "nul", "com1.x", "é", "a b", "%obj", "%cont", ".a%obj", "a.%obj", "..%obj",
        "con%obj", "lpt9.x%obj", "A%obj", "a~%obj", "a:b%obj", "é%obj", ".a%cont", "aux%cont", "a b%cont")) {
      assertNull(FileNames.decode(name), name);
    }
    assertEquals(new FileNames.Entry(FileNames.Kind.OBJECT, "a"), FileNames.decode("a%obj"));
    assertEquals(new FileNames.Entry(FileNames.Kind.OBJECT, "a.b-c_9"), FileNames.decode("a.b-c_9%obj"));
    assertEquals(new FileNames.Entry(FileNames.Kind.OBJECT, "com10"), FileNames.decode("com10%obj"));
    assertEquals(new FileNames.Entry(FileNames.Kind.OBJECT, "cons.x"), FileNames.decode("cons.x%obj"));
    assertEquals(new FileNames.Entry(FileNames.Kind.CONTINUATION, "nulx"), FileNames.decode("nulx%cont"));
    assertEquals(new FileNames.Entry(FileNames.Kind.DIRECTORY, "nul"), FileNames.decode("%6Eul"));
    assertEquals(new FileNames.Entry(FileNames.Kind.CONTINUATION, ".x."), FileNames.decode("%2Ex%2E%cont"));
  }

  @Test
  void namesWithoutEscapesAreTheirOwnTextWhenEscapingItGivesThemBack() {
    List<String> units = List.of("a", "z", "0", "9", "-", "_", ".", "A", " ", "~", "é", "/", "\u0001",
        "con", "nul", "com1", "com", "lpt", "aux.");
    for (long seed = 0; seed < 3000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      StringBuilder name = new StringBuilder();
      for (int i = random.nextInt(5); i > 0; i--) {
        name.append(units.get(random.nextInt(units.size())));
      }
      String text = name.toString();
      boolean canonical = !text.isEmpty() && FileNames.escape(text).equals(text);
      assertEquals(canonical ? text : null, FileNames.unescape(text), "seed " + seed + ": " + text);
      assertEquals(canonical ? new FileNames.Entry(FileNames.Kind.OBJECT, text) : null,
          FileNames.decode(text + FileNames.OBJECT_SUFFIX), "seed " + seed + ": " + text);
    }
  }

  @Test
  void listingsEqualTheByteOrderOfTheKeys() {
    for (long seed = 0; seed < 60; seed++) {
      SplittableRandom random = new SplittableRandom(1000 + seed);
      // Small chunks put continuation directories among the others (and each level costs a
      // directory fsync per put, so not the smallest).
      int maxChunk = random.nextBoolean() ? 24 : FileNames.DEFAULT_MAX_CHUNK;
      Path dir = root.resolve("s" + seed);
      try (FileObjectStore files = new FileObjectStore(dir, Clock.systemUTC(), maxChunk);
          MemoryObjectStore model = new MemoryObjectStore()) {
        Set<ObjectKey> keys = new LinkedHashSet<>();
        int count = 1 + random.nextInt(30);
        while (keys.size() < count) {
          keys.add(randomKey(random, random.nextInt(4) == 0 ? UNITS : CLOSE_UNITS));
        }
        for (ObjectKey key : keys) {
          files.put(key, key.utf8());
          model.put(key, key.utf8());
        }
        String context = "seed " + (1000 + seed) + ", chunk " + maxChunk + ", keys " + keys;
        assertEquals(keys.stream().sorted(ObjectKey::compareTo).toList(),
            ObjectStoreContract.keys(files.listAll("", Optional.empty()).toList()), context);
        compareRandomListings(random, files, model, List.copyOf(keys), context);

        List<ObjectKey> doomed = keys.stream().filter(k -> random.nextBoolean()).toList();
        files.deleteMany(doomed);
        model.deleteMany(doomed);
        compareRandomListings(random, files, model, List.copyOf(keys), context + ", deleted " + doomed);
      }
    }
  }

  private static void compareRandomListings(SplittableRandom random, ObjectStore files,
      ObjectStore model, List<ObjectKey> keys, String context) {
    for (int i = 0; i < 12; i++) {
      String some = keys.get(random.nextInt(keys.size())).value();
      String prefix = switch (random.nextInt(4)) {
        case 0 -> "";
        case 1 -> some.substring(0, some.offsetByCodePoints(0, random.nextInt(some.codePointCount(0, some.length()) + 1)));
        case 2 -> some.substring(0, some.lastIndexOf('/') + 1);
        default -> some + "/";
      };
      ListRequest request = ListRequest.of(prefix).pageSize(1 + random.nextInt(7));
      if (random.nextBoolean()) {
        request = request.startAfter(random.nextBoolean()
            ? keys.get(random.nextInt(keys.size()))
            : randomKey(random, CLOSE_UNITS));
      }
      ListRequest next = request;
      while (next != null) {
        ListPage expected = model.list(next);
        assertEquals(expected, files.list(next), context + ", request " + next);
        next = expected.continuation().map(request::resumeAt).orElse(null);
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** A valid key of 1 to 4 segments; now and then a segment long enough to need several names. */
  static ObjectKey randomKey(SplittableRandom random, List<String> units) {
    while (true) {
      StringBuilder key = new StringBuilder();
      int segments = 1 + random.nextInt(4);
      for (int s = 0; s < segments; s++) {
        if (s > 0) {
          key.append('/');
        }
        int length = random.nextInt(8) == 0 ? 20 + random.nextInt(100) : 1 + random.nextInt(4);
        for (int u = 0; u < length; u++) {
          key.append(units.get(random.nextInt(units.size())));
        }
      }
      try {
        return ObjectKey.of(key.toString());
      } catch (IllegalArgumentException e) {
        // a "." segment or too long: draw again
      }
    }
  }

  /** The key a path under {@code objects/} stands for, decoded as listings do. */
  static ObjectKey keyOf(FileObjectStore store, Path path) {
    StringBuilder key = new StringBuilder();
    Path relative = store.root().resolve("objects").relativize(path);
    for (int i = 0; i < relative.getNameCount(); i++) {
      FileNames.Entry entry = FileNames.decode(relative.getName(i).toString());
      assertTrue(entry != null, "undecodable name in " + path);
      boolean last = i == relative.getNameCount() - 1;
      assertEquals(last ? FileNames.Kind.OBJECT : entry.kind(), entry.kind(), path.toString());
      key.append(entry.text());
      if (entry.kind() == FileNames.Kind.DIRECTORY) {
        key.append('/');
      }
    }
    return ObjectKey.of(key.toString());
  }

  private static void checkName(String name, int maxChunk, String context) {
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes <= 255, "name longer than 255 bytes: " + context);
    assertTrue(NAME.matcher(name).matches(), "bad characters in " + name + ": " + context);
    String bare = name.replaceFirst("%(obj|cont)$", "");
    assertTrue(bare.length() <= maxChunk + 4, "chunk " + bare + " too long: " + context);
    assertTrue(!bare.startsWith(".") && !bare.endsWith("."), "dot at an end of " + name + ": " + context);
    int dot = name.indexOf('.');
    assertTrue(!DEVICES.contains(dot < 0 ? name : name.substring(0, dot)), "device name " + name + ": " + context);
  }
}
