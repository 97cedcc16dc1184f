package dev.tern.storage;

import java.io.InputStream;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * A store that hands every call to another: tests subclass it to fail, hold or observe some calls
 * (usually puts) and leave the rest alone.
 */
public abstract class ForwardingObjectStore implements ObjectStore {

  protected final ObjectStore delegate;

  protected ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = Objects.requireNonNull(delegate);
  }

  @Override
  public void put(ObjectKey key, InputStream data, long length) {
    delegate.put(key, data, length);
  }

  @Override
  public InputStream get(ObjectKey key) {
    return delegate.get(key);
  }

  @Override
  public InputStream get(ObjectKey key, ByteRange range) {
    return delegate.get(key, range);
  }

  @Override
  public Optional<ObjectInfo> head(ObjectKey key) {
    return delegate.head(key);
  }

  @Override
  public ListPage list(ListRequest request) {
    return delegate.list(request);
  }

  @Override
  public void delete(ObjectKey key) {
    delegate.delete(key);
  }

  @Override
  public void deleteMany(Collection<ObjectKey> keys) {
    delegate.deleteMany(keys);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
