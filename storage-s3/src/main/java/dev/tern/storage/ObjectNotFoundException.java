package dev.tern.storage;

/** The object does not exist. */
public final class ObjectNotFoundException extends StorageException {

  private final ObjectKey key;

  public ObjectNotFoundException(ObjectKey key) {
    this(key, null);
  }

  public ObjectNotFoundException(ObjectKey key, Throwable cause) {
    super("no object " + key, cause);
    this.key = key;
  }

  public ObjectKey key() {
    return key;
  }
}
