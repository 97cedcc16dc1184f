package dev.tern.storage;

/** The store refused the request in a way retrying will not change. */
public final class PermanentStorageException extends StorageException {

  public PermanentStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
