package dev.tern.storage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One page of a listing, keys in byte order; {@code continuation} is present when more follow. */
public record ListPage(List<ObjectInfo> objects, Optional<String> continuation) {

  public ListPage {
    objects = List.copyOf(objects);
    Objects.requireNonNull(continuation, "continuation");
  }
}
