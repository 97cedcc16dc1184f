package dev.tern.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Objects in memory, for tests: a sorted concurrent map of defensive copies. It counts the
 * requests an S3 server would have received ({@link #requestCounts()}), so a test can assert what
 * an operation costs (how many LISTs a log sync makes), and it can fail chosen requests
 * ({@link #failNext}) to test how callers react to a flaky store.
 *
 * <p>Keys are held as strings ordered by {@link ObjectKey#compareUtf8}, the keys' byte order, so a
 * listing prefix that is not itself a valid key ("users/1/") still bounds a sub-map. A listing's
 * continuation token is the last key it returned. {@link #close()} does nothing: several
 * simulated nodes may share one store and close their handles independently.
 */
public final class MemoryObjectStore implements ObjectStore {

  /** The kinds of request an S3 server would count; a ranged get is a get. */
  public enum Request { GET, PUT, HEAD, LIST, DELETE }

  /** Requests made so far, by kind; {@code deletes} counts one per batch of a deleteMany. */
  public record RequestCounts(long gets, long puts, long heads, long lists, long deletes) {

    public long total() {
      return gets + puts + heads + lists + deletes;
    }

    /** The difference since an {@code earlier} snapshot. */
    public RequestCounts since(RequestCounts earlier) {
      return new RequestCounts(gets - earlier.gets, puts - earlier.puts, heads - earlier.heads,
          lists - earlier.lists, deletes - earlier.deletes);
    }
  }

  private static final int DELETE_BATCH = 1000;

  private final ConcurrentSkipListMap<String, byte[]> objects =
      new ConcurrentSkipListMap<>(ObjectKey::compareUtf8);
  private final Map<Request, AtomicLong> counts = new EnumMap<>(Request.class);
  private final Map<Request, Queue<StorageException>> faults = new EnumMap<>(Request.class);

  public MemoryObjectStore() {
    for (Request request : Request.values()) {
      counts.put(request, new AtomicLong());
      faults.put(request, new ConcurrentLinkedQueue<>());
    }
  }

  /** Requests made so far. */
  public RequestCounts requestCounts() {
    return new RequestCounts(requestCount(Request.GET), requestCount(Request.PUT),
        requestCount(Request.HEAD), requestCount(Request.LIST), requestCount(Request.DELETE));
  }

  /** Requests of one kind made so far. */
  public long requestCount(Request kind) {
    return counts.get(kind).get();
  }

  /** Sets every counter back to zero. */
  public void resetRequestCounts() {
    counts.values().forEach(count -> count.set(0));
  }

  /**
   * Makes the next request of {@code kind} fail with {@code failure} instead of running (it is
   * still counted). Queued failures are used one per request, in order.
   */
  public void failNext(Request kind, StorageException failure) {
    faults.get(kind).add(Objects.requireNonNull(failure, "failure"));
  }

  /** Number of objects stored. */
  public int size() {
    return objects.size();
  }

  @Override
  public void put(ObjectKey key, InputStream data, long length) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(data, "data");
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("object of " + length + " bytes is too large for memory");
    }
    request(Request.PUT);
    byte[] bytes;
    ExactLengthInputStream exact = new ExactLengthInputStream(data, length);
    try {
      bytes = exact.readAllBytes();
      exact.checkAtEnd();
    } catch (ExactLengthInputStream.LengthMismatchException e) {
      throw new IllegalArgumentException("put " + key + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new TransientStorageException("put " + key + ": reading the data failed: " + e, e);
    }
    objects.put(key.value(), bytes);
  }

  @Override
  public void put(ObjectKey key, byte[] data) {
    put(key, new ByteArrayInputStream(data), data.length);
  }

  @Override
  public InputStream get(ObjectKey key) {
    return new ByteArrayInputStream(bytes(key));
  }

  @Override
  public InputStream get(ObjectKey key, ByteRange range) {
    Objects.requireNonNull(range, "range");
    byte[] bytes = bytes(key);
    int from = (int) Math.min(range.offset(), bytes.length);
    int to = (int) Math.min(range.end(), bytes.length);
    return new ByteArrayInputStream(bytes, from, to - from);
  }

  @Override
  public byte[] getBytes(ObjectKey key) {
    return bytes(key).clone();
  }

  private byte[] bytes(ObjectKey key) {
    Objects.requireNonNull(key, "key");
    request(Request.GET);
    byte[] bytes = objects.get(key.value());
    if (bytes == null) {
      throw new ObjectNotFoundException(key);
    }
    return bytes; // never handed out: callers get a stream over it or a copy
  }

  @Override
  public Optional<ObjectInfo> head(ObjectKey key) {
    Objects.requireNonNull(key, "key");
    request(Request.HEAD);
    byte[] bytes = objects.get(key.value());
    return bytes == null ? Optional.empty() : Optional.of(new ObjectInfo(key, bytes.length));
  }

  @Override
  public ListPage list(ListRequest request) {
    Objects.requireNonNull(request, "request");
    request(Request.LIST);
    String prefix = request.prefix();
    // The exclusive lower bound: the later of startAfter and the continuation token.
    String after = request.startAfter().map(ObjectKey::value).orElse(null);
    if (request.continuation().isPresent()) {
      String token = request.continuation().get();
      if (after == null || ObjectKey.compareUtf8(token, after) > 0) {
        after = token;
      }
    }
    Map<String, byte[]> tail;
    if (after != null && ObjectKey.compareUtf8(after, prefix) >= 0) {
      tail = objects.tailMap(after, false);
    } else {
      tail = objects.tailMap(prefix, true);
    }
    List<ObjectInfo> page = new ArrayList<>();
    boolean more = false;
    for (Map.Entry<String, byte[]> entry : tail.entrySet()) {
      if (!entry.getKey().startsWith(prefix)) {
        break; // keys with one prefix are contiguous in byte order
      }
      if (page.size() == request.pageSize()) {
        more = true;
        break;
      }
      page.add(new ObjectInfo(new ObjectKey(entry.getKey()), entry.getValue().length));
    }
    Optional<String> continuation =
        more ? Optional.of(page.getLast().key().value()) : Optional.empty();
    return new ListPage(page, continuation);
  }

  @Override
  public void delete(ObjectKey key) {
    Objects.requireNonNull(key, "key");
    request(Request.DELETE);
    objects.remove(key.value());
  }

  @Override
  public void deleteMany(Collection<ObjectKey> keys) {
    List<ObjectKey> all = List.copyOf(keys);
    for (int i = 0; i < all.size(); i += DELETE_BATCH) {
      request(Request.DELETE);
      for (ObjectKey key : all.subList(i, Math.min(all.size(), i + DELETE_BATCH))) {
        objects.remove(key.value());
      }
    }
  }

  @Override
  public void close() {
  }

  @Override
  public String toString() {
    return "MemoryObjectStore[" + objects.size() + " objects]";
  }

  private void request(Request kind) {
    counts.get(kind).incrementAndGet();
    StorageException failure = faults.get(kind).poll();
    if (failure != null) {
      throw failure;
    }
  }
}
