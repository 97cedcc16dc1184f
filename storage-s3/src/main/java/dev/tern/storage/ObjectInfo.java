package dev.tern.storage;

import java.util.Objects;

/** What a listing or a head tells about one object. */
public record ObjectInfo(ObjectKey key, long size) {

  public ObjectInfo {
    Objects.requireNonNull(key, "key");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
  }
}
