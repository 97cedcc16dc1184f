package dev.tern.storage;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One listing of a {@link FileObjectStore}: a walk over a sorted set of objects and unopened
 * directories, ordered by the string every key under the entry starts with. The smallest entry is
 * taken: an object is the next key; a directory is opened and its matching entries added. Since a
 * directory's bound is a prefix of (so no greater than) each of its keys, an object taken from the
 * set is never greater than anything still to come.
 *
 * <p>A directory's entries come in no particular order, so each is read whole, but the set stays
 * small: once it holds as many objects as the walk may still return, everything after the last
 * of them can only lead to later keys and is dropped. Should one of those objects then turn out
 * not to be one (deleted meanwhile, or a stray entry), the walk starts again after the last key
 * it returned, ignoring that entry, as what was dropped may be needed now.
 *
 * <p>A log's op directory holds thousands of entries, read whole on every sync for the few hundred
 * newest, so what an entry costs counts: entries are tested against the prefix and the start on
 * the part of their key past their directory's (rejected ones build no key), and a file is known
 * to be where this store would put its key, without building that path, when it and its
 * directories have the names that key's segments escape to unchanged.
 */
final class FileListing {

  /**
   * A node of the lazy merge: an object with its key, or a directory with the prefix of its keys.
   * {@code placed}: the node is known to be where the store puts its key, or the keys under it:
   * the walk's start is, and so is each entry of a placed directory (not a continuation) named its
   * text unescaped within one chunk. An object not placed is checked against its key's path.
   */
  private record Node(String bound, Path path, boolean object, boolean placed) {}

  /** Nodes by bound; objects before directories of the same bound; then by path, to be total. */
  private static final Comparator<Node> NODE_ORDER =
      Comparator.<Node, String>comparing(Node::bound, ObjectKey::compareUtf8)
          .thenComparing(node -> !node.object())
          .thenComparing(node -> node.path().toString());

  private final FileObjectStore store;
  private final String prefix;
  /** Keys must sort after this: the request's start, then the last key returned. */
  private String after;
  private final TreeSet<Node> queue = new TreeSet<>(NODE_ORDER);
  /** Entries found not to be objects: by path, as a stray file may decode to a real object's key. */
  private final Set<Path> ignored = new HashSet<>();
  private int wanted;
  private int trimAt;
  private boolean trimmed;

  private FileListing(FileObjectStore store, String prefix, String after, int limit) {
    this.store = store;
    this.prefix = prefix;
    this.after = after;
    this.wanted = limit;
    start();
  }

  /** The page {@code request} asks for. */
  static ListPage page(FileObjectStore store, ListRequest request) {
    String after = request.startAfter().map(ObjectKey::value).orElse(null);
    if (request.continuation().isPresent()) {
      String token = request.continuation().get();
      if (after == null || ObjectKey.compareUtf8(token, after) > 0) {
        after = token;
      }
    }
    // One more than a page: finding it tells whether a continuation is needed.
    FileListing walk = new FileListing(store, request.prefix(), after, request.pageSize() + 1);
    List<ObjectInfo> page = new ArrayList<>(Math.min(request.pageSize(), 64));
    ObjectInfo next;
    while (page.size() < request.pageSize() && (next = walk.next()) != null) {
      page.add(next);
    }
    boolean more = page.size() == request.pageSize() && walk.next() != null;
    return new ListPage(page, more ? Optional.of(page.getLast().key().value()) : Optional.empty());
  }

  private void start() {
    queue.clear();
    trimmed = false;
    trimAt = trimThreshold(0);
    String head = prefix.substring(0, prefix.lastIndexOf('/') + 1);
    if (head.isEmpty()) {
      queue.add(new Node("", store.objectsDirectory(), false, true));
    } else {
      // Start in the deepest directory the prefix names, if it can name one.
      ObjectKey dirKey;
      try {
        dirKey = ObjectKey.of(head.substring(0, head.length() - 1));
      } catch (IllegalArgumentException e) {
        return; // no valid key starts with this prefix
      }
      queue.add(new Node(head, store.directoryPath(dirKey), false, true));
    }
  }

  /** The next object, or null at the end or once the walk's limit is reached. */
  private ObjectInfo next() {
    Node node;
    while (wanted > 0 && (node = queue.pollFirst()) != null) {
      if (!node.object()) {
        open(node);
        continue;
      }
      ObjectInfo info = object(node);
      if (info != null) {
        wanted--;
        after = node.bound();
        return info;
      }
      ignored.add(node.path());
      if (trimmed) {
        start();
      }
    }
    return null;
  }

  /** The object a file stands for, or null for a stray or vanished file. */
  private ObjectInfo object(Node node) {
    ObjectKey key;
    try {
      key = ObjectKey.of(node.bound());
    } catch (IllegalArgumentException e) {
      return null; // a stray file decoding to no valid key ("%2E%obj" would be ".")
    }
    if (!node.placed() && !store.objectPath(key).equals(node.path())) {
      return null; // a stray file in a place this store would not put its key
    }
    try {
      BasicFileAttributes attributes = Files.readAttributes(node.path(), BasicFileAttributes.class);
      return attributes.isRegularFile() ? new ObjectInfo(key, attributes.size()) : null;
    } catch (NoSuchFileException e) {
      return null; // deleted since the directory was read
    } catch (IOException e) {
      throw FileObjectStore.failure("reading the attributes of", node.path(), e);
    }
  }

  private void open(Node dir) {
    store.countDirectoryRead();
    String base = dir.bound();
    KeyTest test = new KeyTest(base, prefix, after);
    String pathPrefix = dir.path().toString() + dir.path().getFileSystem().getSeparator();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.path())) {
      for (Path path : entries) {
        String name = name(path, pathPrefix);
        FileNames.Entry entry = FileNames.decode(name);
        if (entry == null) {
          continue;
        }
        String text = entry.text();
        switch (entry.kind()) {
          case OBJECT -> {
            if (test.passes(text)) {
              String key = base + text;
              if (!ignored.contains(path)) {
                add(new Node(key, path, true, placed(dir, name, text, FileNames.OBJECT_SUFFIX)));
              }
            }
          }
          case DIRECTORY -> consider(base + text + "/", path, placed(dir, name, text, ""));
          // Where a chunk goes depends on the whole segment: never placed.
          case CONTINUATION -> consider(base + text, path, false);
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      // removed since its parent was read, or a stray file: no keys there
    } catch (IOException e) {
      throw FileObjectStore.failure("listing", dir.path(), e);
    } catch (DirectoryIteratorException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        return; // removed while being read
      }
      throw FileObjectStore.failure("listing", dir.path(), e.getCause());
    }
  }

  /**
   * An entry's name, as the end of its path's string ({@link Path#getFileName} parses the whole path
   * first, and costs more). Names this store writes are ASCII, which decodes the same alone or
   * within the path; a name that is not decodes to no entry either way.
   */
  private static String name(Path entry, String pathPrefix) {
    String path = entry.toString();
    return path.startsWith(pathPrefix) ? path.substring(pathPrefix.length())
        : entry.getFileName().toString();
  }

  /**
   * Whether an entry of {@code dir} is where the store puts its key (or the keys under it): {@code
   * dir} is, and the entry's name is its text and suffix (an escape makes a name longer than its
   * text) with the text within one chunk (unescaped, a character counts one byte towards it). That
   * is the name escaping and chunking the segment give.
   */
  private boolean placed(Node dir, String name, String text, String suffix) {
    return dir.placed() && name.length() == text.length() + suffix.length()
        && text.length() <= store.maxChunk();
  }

  /** Adds a directory whose keys all start with {@code bound} if some of them can match. */
  private void consider(String bound, Path path, boolean placed) {
    boolean prefixMatches = bound.startsWith(prefix) || prefix.startsWith(bound);
    boolean afterMatches = after == null || ObjectKey.compareUtf8(bound, after) > 0
        || after.startsWith(bound);
    if (prefixMatches && afterMatches) {
      add(new Node(bound, path, false, placed));
    }
  }

  private void add(Node node) {
    queue.add(node);
    if (queue.size() >= trimAt) {
      trim();
      trimAt = trimThreshold(queue.size());
    }
  }

  /** Drops every node after the {@code wanted}-th object: none of their keys can be returned. */
  private void trim() {
    int seen = 0;
    for (Node node : queue) {
      if (node.object() && ++seen == wanted) {
        NavigableSet<Node> tail = queue.tailSet(node, false);
        trimmed |= !tail.isEmpty();
        tail.clear();
        return;
      }
    }
  }

  /** Trims again when the set has doubled (keeping the cost linear) and is well past a page. */
  private int trimThreshold(int size) {
    return Math.max(2 * size, 2 * wanted + 64);
  }

  /**
   * Whether a key {@code base + text} starts with the prefix and sorts after {@code after}, tested
   * on {@code text} alone: the parts of both past {@code base}, or their verdict for every key
   * under {@code base}. (A base never ends inside a surrogate pair, so the UTF-8 order of the keys
   * is that of their texts when {@code after} starts with the base, else that of the base.)
   */
  private static final class KeyTest {

    /** No key under the base matches. */
    private final boolean nonePass;
    /** What the text must start with. */
    private final String prefixRest;
    /** What the text must sort after, or null if any text does. */
    private final String afterRest;

    KeyTest(String base, String prefix, String after) {
      boolean nonePass = false;
      if (base.startsWith(prefix)) {
        prefixRest = "";
      } else if (prefix.startsWith(base)) {
        prefixRest = prefix.substring(base.length());
      } else {
        prefixRest = "";
        nonePass = true;
      }
      if (after == null) {
        afterRest = null;
      } else if (after.startsWith(base)) {
        afterRest = after.substring(base.length());
      } else {
        afterRest = null;
        nonePass |= ObjectKey.compareUtf8(base, after) < 0;
      }
      this.nonePass = nonePass;
    }

    boolean passes(String text) {
      return !nonePass && text.startsWith(prefixRest)
          && (afterRest == null || ObjectKey.compareUtf8(text, afterRest) > 0);
    }
  }
}
