package dev.tern.log;

/**
 * An object of a log cannot be opened or decoded: it was tampered with, sealed under another
 * key, or written in a format this version does not know. Store failures are not wrapped: they
 * stay {@link dev.tern.storage.StorageException}s, so callers can tell "try later" from "broken".
 */
public final class LogException extends RuntimeException {

  public LogException(String message, Throwable cause) {
    super(message, cause);
  }
}
