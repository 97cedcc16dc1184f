package dev.tern.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Objects by key, with S3's semantics: a put replaces the whole object atomically (a reader sees
 * the old object or the new one, never a part), listings are in key byte order, deletes are
 * idempotent. Tern writes each key once and never relies on read-after-write of a listing being
 * instantaneous, which every S3-compatible server provides today anyway.
 *
 * <p>Every method may throw a {@link StorageException}: {@link ObjectNotFoundException} for a get of
 * an absent key, {@link TransientStorageException} when trying later may help, {@link
 * PermanentStorageException} otherwise. Implementations are safe for concurrent use.
 */
public interface ObjectStore extends AutoCloseable {

  /** Stores {@code data} under {@code key}; durable when this returns. */
  default void put(ObjectKey key, byte[] data) {
    put(key, new ByteArrayInputStream(data), data.length);
  }

  /**
   * Stores exactly {@code length} bytes read from {@code data} under {@code key}, streaming them;
   * durable when this returns. A stream that ends early or has more bytes fails the put and
   * stores nothing. The stream is not closed.
   */
  void put(ObjectKey key, InputStream data, long length);

  /** The object's bytes, streamed; the caller closes the stream. */
  InputStream get(ObjectKey key);

  /** Part of the object's bytes, streamed; the caller closes the stream. */
  InputStream get(ObjectKey key, ByteRange range);

  /** The whole object in memory: only for objects known to be small (ops, keys, summaries). */
  default byte[] getBytes(ObjectKey key) {
    try (InputStream in = get(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new TransientStorageException("reading " + key + " failed: " + e.getMessage(), e);
    }
  }

  /** The object's size, or empty when there is no such object. */
  Optional<ObjectInfo> head(ObjectKey key);

  /** One page of keys; see {@link ListRequest}. */
  ListPage list(ListRequest request);

  /**
   * Every object whose key starts with {@code prefix} and sorts after {@code startAfter}, in byte
   * order, fetched a page at a time as the stream is consumed.
   */
  default Stream<ObjectInfo> listAll(String prefix, Optional<ObjectKey> startAfter) {
    ListRequest first = new ListRequest(prefix, startAfter, ListRequest.MAX_PAGE_SIZE, Optional.empty());
    Iterator<ObjectInfo> pages = new Iterator<>() {
      private ListRequest next = first;
      private Iterator<ObjectInfo> current = List.<ObjectInfo>of().iterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && next != null) {
          ListPage page = list(next);
          current = page.objects().iterator();
          next = page.continuation().map(first::resumeAt).orElse(null);
        }
        return current.hasNext();
      }

      @Override
      public ObjectInfo next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /** Removes the object; removing an absent object is not an error. */
  void delete(ObjectKey key);

  /** Removes every listed object (in as few requests as the store allows); absent ones are skipped. */
  void deleteMany(Collection<ObjectKey> keys);

  /** Releases connections and threads; the store is unusable afterwards. */
  @Override
  void close();
}
