package dev.tern.storage;

/** The store could not be reached or answered with a temporary error; trying later may work. */
public final class TransientStorageException extends StorageException {

  public TransientStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
