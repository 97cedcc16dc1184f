package dev.tern.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Objects as files under a root directory: the embedded store, nothing else to install.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 * root/objects/users/1/log/mailboxes/op/0193...%obj    the object users/1/log/mailboxes/op/0193...
 * root/objects/a%obj                                   the object a
 * root/objects/a/b%obj                                 the object a/b, next to a
 * root/objects/%41bc%20%C3%A9%obj                      the object "Abc é"
 * root/tmp/4711-23-3f9c0d2ab5e4e1a7.tmp                a put in progress (or left by a crash)
 * </pre>
 *
 * <p>Each key segment but the last is a directory; the last is a file with the suffix {@code %obj}.
 * Segments are escaped so that file names are lower-case ASCII, never hidden, valid on Windows
 * too, and unique on case-insensitive or normalising filesystems; segments too long for one file
 * name are split over {@code %cont} directories. {@link FileNames} has the rules. Entries this
 * store never writes (and files where it would not put their key) are ignored.
 *
 * <h2>Writes</h2>
 *
 * <p>A put writes a temporary file in {@code root/tmp} (same filesystem) named after the process,
 * the thread and 64 random bits, forces it to disk, renames it onto the object's path ({@code
 * ATOMIC_MOVE}: the commit point, replacing any older version at once) and forces the directories
 * from the object's up to {@code objects/}, so the new entry and any directory created for it
 * survive a crash. Readers never look in {@code tmp/}, so a crash leaves at worst an orphan
 * temporary file; files in {@code tmp/} older than an hour are removed when a store is opened on
 * the root. A reader that opened an object keeps reading the version it opened.
 *
 * <p>Several processes may share one root: nothing relies on an in-process lock. A delete removes
 * the object's file, forces its directory, and then, best effort, removes the directories it left
 * empty; a put racing with it may find its directory gone before its rename, and then creates it
 * again and retries.
 *
 * <p>Forcing a directory opens it as a {@link FileChannel}. Windows cannot open directories at all
 * ({@link AccessDeniedException}); there the rename's durability is left to NTFS's journal and a
 * warning is logged once. Any other failure to force a directory fails the put.
 *
 * <h2>Listing</h2>
 *
 * <p>Listings come out in key byte order. A directory is read only when it can hold keys that
 * match the listing's prefix and come after its start: each entry stands for a string every key
 * under it starts with ({@code a%obj}: exactly {@code a}; directory {@code a}: {@code a/};
 * continuation {@code ab%cont}: {@code ab} and more), and entries are merged lazily in a sorted
 * set by that string, so an object {@code a-c} correctly comes before {@code a/b}, which comes
 * before {@code a0}. A directory is read whole (its entries come unsorted) but only a page's worth
 * of entries is kept. A continuation token is the last key returned. {@link FileListing} has the
 * walk.
 *
 * <h2>Errors</h2>
 *
 * <p>A missing object is an {@link ObjectNotFoundException}; a refused permission, a read-only
 * filesystem or a path too long a {@link PermanentStorageException}; any other I/O failure (a full
 * disk) a {@link TransientStorageException} naming the file: {@link #failure} decides. A put whose
 * stream holds fewer or more bytes than declared throws {@link IllegalArgumentException} and
 * stores nothing; one whose stream fails otherwise throws a {@link TransientStorageException}.
 *
 * <p>The root's absolute path should stay under about 900 bytes: a 1024-byte key of non-ASCII
 * characters escapes to a path of about 3 200 bytes, and Linux paths are limited to 4 096.
 */
public final class FileObjectStore implements ObjectStore {

  private static final Logger LOG = LoggerFactory.getLogger(FileObjectStore.class);

  /** Temporary files older than this are left by crashed puts and swept on open. */
  static final Duration STALE_TEMP_AGE = Duration.ofHours(1);
  static final String TEMP_SUFFIX = ".tmp";
  private static final int MOVE_ATTEMPTS = 50;
  private static final int BUFFER_SIZE = 64 * 1024;
  private static final long PID = ProcessHandle.current().pid();
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private final Path root;
  /** Directories whose entry in their parent this process has forced to disk (see {@link #commit}). */
  private final java.util.Set<Path> durableDirectories = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Path objects;
  private final Path tmp;
  private final int maxChunk;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong directoriesRead = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean warnedDirectorySync;
  private volatile Consumer<Path> beforeRename = dir -> { };

  /** Opens (creating if needed) the store in {@code root}, and sweeps stale temporary files. */
  public FileObjectStore(Path root) {
    this(root, Clock.systemUTC(), FileNames.DEFAULT_MAX_CHUNK);
  }

  /** For tests: a clock for the sweep, and a file-name budget small enough to force chunking. */
  FileObjectStore(Path root, Clock clock, int maxChunk) {
    if (maxChunk < FileNames.MIN_CHUNK) {
      throw new IllegalArgumentException("name chunks below " + FileNames.MIN_CHUNK + " bytes");
    }
    this.root = root.toAbsolutePath().normalize();
    this.objects = this.root.resolve("objects");
    this.tmp = this.root.resolve("tmp");
    this.maxChunk = maxChunk;
    this.clock = Objects.requireNonNull(clock, "clock");
    try {
      Files.createDirectories(objects);
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw failure("creating the store directories in", this.root, e);
    }
    syncDirectory(this.root);
    sweepStaleTemps();
  }

  /** For tests: runs between creating an object's directory and renaming the object into it. */
  void beforeRename(Consumer<Path> hook) {
    this.beforeRename = Objects.requireNonNull(hook, "hook");
  }

  /** The root directory. */
  public Path root() {
    return root;
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
    Path target = objectPath(key);
    Path temp = newTempFile();
    boolean committed = false;
    try {
      write(key, temp, data, length);
      commit(temp, target);
      committed = true;
    } finally {
      if (!committed) {
        deleteQuietly(temp);
      }
    }
  }

  /**
   * Creates a new, empty temporary file named after this process, this thread and 64 random bits,
   * so names never collide between processes sharing the root (and creation would fail if they did).
   */
  private Path newTempFile() {
    for (int attempt = 0; ; attempt++) {
      String name = PID + "-" + Thread.currentThread().threadId() + "-"
          + HexFormat.of().toHexDigits(random.nextLong()) + TEMP_SUFFIX;
      Path temp = tmp.resolve(name);
      try {
        return Files.createFile(temp);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 3) {
          throw failure("creating a temporary file", temp, e);
        }
      } catch (NoSuchFileException e) {
        // tmp/ removed under us (an administrator cleaning up): recreate it once.
        if (attempt >= 3) {
          throw failure("creating a temporary file", temp, e);
        }
        try {
          Files.createDirectories(tmp);
        } catch (IOException again) {
          throw failure("creating", tmp, again);
        }
      } catch (IOException e) {
        throw failure("creating a temporary file", temp, e);
      }
    }
  }

  private void write(ObjectKey key, Path temp, InputStream data, long length) {
    ExactLengthInputStream in = new ExactLengthInputStream(data, length);
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      byte[] buffer = new byte[(int) Math.min(BUFFER_SIZE, Math.max(length, 1))];
      while (true) {
        int n = read(key, in, buffer);
        if (n < 0) {
          break;
        }
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          out.write(chunk);
        }
      }
      try {
        in.checkAtEnd();
      } catch (IOException e) {
        throw sourceFailure(key, e);
      }
      out.force(true);
    } catch (IOException e) {
      throw failure("writing", temp, e);
    }
  }

  private static int read(ObjectKey key, ExactLengthInputStream in, byte[] buffer) {
    try {
      return in.read(buffer, 0, buffer.length);
    } catch (IOException e) {
      throw sourceFailure(key, e);
    }
  }

  /** The caller's stream failed: a wrong length is the caller's bug, anything else may pass. */
  static RuntimeException sourceFailure(ObjectKey key, IOException e) {
    if (e instanceof ExactLengthInputStream.LengthMismatchException) {
      return new IllegalArgumentException("put " + key + ": " + e.getMessage(), e);
    }
    return new TransientStorageException("put " + key + ": reading the data failed: " + e, e);
  }

  /** Renames the temporary file onto the object, creating (again, if a delete raced) its parents. */
  private void commit(Path temp, Path target) {
    Path parent = target.getParent();
    for (int attempt = 1; ; attempt++) {
      try {
        Files.createDirectories(parent);
        beforeRename.accept(parent);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        break;
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        // A concurrent delete removed a directory it found empty, before the rename or while
        // createDirectories checked it (which then reports it as existing but not a directory).
        if (attempt == MOVE_ATTEMPTS || !Files.exists(temp)) {
          throw failure("moving " + temp + " to", target, e);
        }
      } catch (IOException e) {
        throw failure("moving " + temp + " to", target, e);
      }
    }
    // The new file's entry lives in its parent; each directory's own entry lives in its parent's.
    // A directory this process has made durable once stays so until it prunes it, so a put into
    // an existing directory costs two fsyncs (file, parent), not one per level up to objects/.
    syncDirectory(parent);
    for (Path dir = parent; !dir.equals(objects) && dir.startsWith(objects); dir = dir.getParent()) {
      if (durableDirectories.contains(dir)) {
        break;
      }
      syncDirectory(dir.getParent());
      durableDirectories.add(dir);
    }
  }

  private void syncDirectory(Path dir) {
    FileChannel channel;
    try {
      channel = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return; // removed since (emptied by a concurrent delete): nothing of ours left to make durable
    } catch (IOException e) {
      if (WINDOWS) {
        if (!warnedDirectorySync) {
          warnedDirectorySync = true;
          LOG.warn("cannot open directories to force them on this platform ({}): renames in {} "
              + "rely on the filesystem's own journal", e.toString(), root);
        }
        return;
      }
      throw failure("opening directory", dir, e);
    }
    try (channel) {
      channel.force(true);
    } catch (IOException e) {
      throw failure("forcing directory", dir, e);
    }
  }

  // ---- get, head --------------------------------------------------------------------------------

  @Override
  public InputStream get(ObjectKey key) {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    Path path = objectPath(key);
    try {
      return Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(key, e);
    } catch (IOException e) {
      throw failure("reading", path, e);
    }
  }

  @Override
  public InputStream get(ObjectKey key, ByteRange range) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(range, "range");
    ensureOpen();
    Path path = objectPath(key);
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(key, e);
    } catch (IOException e) {
      throw failure("reading", path, e);
    }
    try {
      long size = channel.size();
      if (range.offset() >= size || range.length() == 0) {
        channel.close();
        return InputStream.nullInputStream();
      }
      channel.position(range.offset());
      return new LimitedInputStream(Channels.newInputStream(channel),
          Math.min(range.end(), size) - range.offset());
    } catch (IOException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw failure("reading", path, e);
    }
  }

  @Override
  public Optional<ObjectInfo> head(ObjectKey key) {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    Path path = objectPath(key);
    try {
      return Optional.of(new ObjectInfo(key, Files.readAttributes(path, BasicFileAttributes.class).size()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failure("reading the attributes of", path, e);
    }
  }

  // ---- list -------------------------------------------------------------------------------------

  @Override
  public ListPage list(ListRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    return FileListing.page(this, request);
  }

  /** Directories read by listings so far (tests check that listings do not walk the whole tree). */
  long directoriesRead() {
    return directoriesRead.get();
  }

  void countDirectoryRead() {
    directoriesRead.incrementAndGet();
  }

  // ---- delete -----------------------------------------------------------------------------------

  @Override
  public void delete(ObjectKey key) {
    deleteMany(List.of(key));
  }

  @Override
  public void deleteMany(Collection<ObjectKey> keys) {
    ensureOpen();
    Set<Path> parents = new LinkedHashSet<>();
    for (ObjectKey key : keys) {
      Path path = objectPath(Objects.requireNonNull(key, "key"));
      try {
        if (Files.deleteIfExists(path)) {
          parents.add(path.getParent());
        }
      } catch (IOException e) {
        throw failure("deleting", path, e);
      }
    }
    for (Path parent : parents) {
      syncDirectory(parent);
    }
    for (Path parent : parents) {
      pruneEmptyDirectories(parent);
    }
  }

  /** Removes {@code dir} and its ancestors below {@code objects/} while they are empty; best effort. */
  private void pruneEmptyDirectories(Path dir) {
    for (Path d = dir; !d.equals(objects) && d.startsWith(objects); d = d.getParent()) {
      try {
        durableDirectories.remove(d); // before the delete: a racing put must sync it again
        Files.delete(d);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      } catch (IOException e) {
        LOG.debug("could not remove empty directory {}: {}", d, e.toString());
        return;
      }
    }
  }

  // ---- temporary files --------------------------------------------------------------------------

  /** Removes temporary files older than {@link #STALE_TEMP_AGE}: leftovers of crashed puts. */
  private void sweepStaleTemps() {
    Instant cutoff = clock.instant().minus(STALE_TEMP_AGE);
    int swept = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
      for (Path path : entries) {
        try {
          BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
          FileTime modified = attributes.lastModifiedTime();
          if (attributes.isRegularFile() && modified.toInstant().isBefore(cutoff)
              && Files.deleteIfExists(path)) {
            swept++;
          }
        } catch (NoSuchFileException e) {
          // swept by another process meanwhile
        }
      }
    } catch (IOException | DirectoryIteratorException e) {
      LOG.warn("could not sweep stale temporary files in {}: {}", tmp, e.toString());
      return;
    }
    if (swept > 0) {
      LOG.info("removed {} temporary files left by interrupted puts in {}", swept, tmp);
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      LOG.warn("could not remove temporary file {} (swept on a later open): {}", temp, e.toString());
    }
  }

  // ---- paths ------------------------------------------------------------------------------------

  /** The directory holding every object. */
  Path objectsDirectory() {
    return objects;
  }

  /** The longest name chunk, before edge escapes and suffix (see {@link FileNames#chunks}). */
  int maxChunk() {
    return maxChunk;
  }

  /** The file of the object {@code key}. */
  Path objectPath(ObjectKey key) {
    return path(key, true);
  }

  /** The directory holding the keys that start with {@code key} and '/'. */
  Path directoryPath(ObjectKey key) {
    return path(key, false);
  }

  private Path path(ObjectKey key, boolean object) {
    String[] segments = key.value().split("/");
    StringBuilder relative = new StringBuilder(key.value().length() + 16);
    for (int i = 0; i < segments.length; i++) {
      List<String> chunks = FileNames.chunks(segments[i], maxChunk);
      for (int c = 0; c < chunks.size() - 1; c++) {
        relative.append(chunks.get(c)).append(FileNames.CONTINUATION_SUFFIX).append('/');
      }
      relative.append(chunks.getLast());
      if (i < segments.length - 1) {
        relative.append('/');
      } else if (object) {
        relative.append(FileNames.OBJECT_SUFFIX);
      }
    }
    // One resolve of the whole relative path ('/' separates names on every platform Java runs on).
    return objects.resolve(relative.toString());
  }

  // ---- the rest ---------------------------------------------------------------------------------

  /**
   * Maps an I/O failure on {@code path}, the one place that does: refused permissions, a read-only
   * filesystem and a path too long for it are permanent (retrying cannot help); anything else
   * (a full disk, an I/O error, an interrupted thread) is transient.
   */
  static StorageException failure(String action, Path path, IOException e) {
    String message = action + " " + path + " failed: " + e;
    if (e instanceof AccessDeniedException || hasReason(e, "Read-only file system")
        || hasReason(e, "File name too long")) {
      return new PermanentStorageException(message, e);
    }
    return new TransientStorageException(message, e);
  }

  private static boolean hasReason(IOException e, String reason) {
    return e instanceof FileSystemException fse && fse.getReason() != null
        && fse.getReason().contains(reason);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("FileObjectStore on " + root + " is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "FileObjectStore[" + root + "]";
  }
}
