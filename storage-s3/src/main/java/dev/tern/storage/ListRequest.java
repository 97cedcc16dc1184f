package dev.tern.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * One page of a listing: keys starting with {@code prefix} (any string, not necessarily ending
 * in '/'), strictly after {@code startAfter} when given, at most {@code pageSize} of them, resuming
 * after a previous page's {@code continuation} when given.
 */
public record ListRequest(String prefix, Optional<ObjectKey> startAfter, int pageSize,
    Optional<String> continuation) {

  /** S3's largest page. */
  public static final int MAX_PAGE_SIZE = 1000;

  public ListRequest {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(startAfter, "startAfter");
    Objects.requireNonNull(continuation, "continuation");
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("page size " + pageSize + " not in 1.." + MAX_PAGE_SIZE);
    }
  }

  public static ListRequest of(String prefix) {
    return new ListRequest(prefix, Optional.empty(), MAX_PAGE_SIZE, Optional.empty());
  }

  public ListRequest startAfter(ObjectKey key) {
    return new ListRequest(prefix, Optional.of(key), pageSize, continuation);
  }

  public ListRequest pageSize(int size) {
    return new ListRequest(prefix, startAfter, size, continuation);
  }

  public ListRequest resumeAt(String token) {
    return new ListRequest(prefix, startAfter, pageSize, Optional.of(token));
  }
}
