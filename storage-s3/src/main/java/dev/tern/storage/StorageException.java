package dev.tern.storage;

/**
 * A store operation that failed. The three kinds tell a caller what to do: an absent object is an
 * answer, a transient failure may succeed if tried again later (the S3 client has already retried
 * with back-off), a permanent one will not (credentials, permissions, a missing bucket).
 */
public abstract sealed class StorageException extends RuntimeException
    permits ObjectNotFoundException, TransientStorageException, PermanentStorageException {

  StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
