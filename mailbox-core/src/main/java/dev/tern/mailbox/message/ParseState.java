package dev.tern.mailbox.message;

import java.io.IOException;
import java.io.InputStream;

/** What the entity parsers of one message share: limits, a scratch buffer, what went wrong. */
final class ParseState {

  /** Nesting of multiparts and message/rfc822 parts (Dovecot's default limit too). */
  static final int MAX_DEPTH = 100;
  /** Parts in one message (Dovecot's default limit too). */
  static final int MAX_PARTS = 10_000;

  private final byte[] scratch = new byte[8192];
  private int parts;
  private boolean structureTruncated;
  private Exception firstProblem;
  private IOException sourceFailure;

  byte[] scratch() {
    return scratch;
  }

  /** Whether a child part at {@code depth} may be parsed (counts it if so). */
  boolean mayDescend(int depth) {
    if (depth > MAX_DEPTH || parts >= MAX_PARTS) {
      structureTruncated = true;
      return false;
    }
    parts++;
    return true;
  }

  /** A limit kept a multipart from being split. */
  void refused() {
    structureTruncated = true;
  }

  /** Records that an entity could not be parsed as mime4j and Dovecot's rules say; returns true. */
  boolean degraded(Exception cause) {
    structureTruncated = true;
    if (firstProblem == null) {
      firstProblem = cause;
    }
    return true;
  }

  boolean structureTruncated() {
    return structureTruncated;
  }

  /** The first reason the structure was degraded, for the log. */
  Exception firstProblem() {
    return firstProblem;
  }

  void sourceFailed(IOException e) {
    if (sourceFailure == null) {
      sourceFailure = e;
    }
  }

  IOException sourceFailure() {
    return sourceFailure;
  }

  long drain(InputStream in) throws IOException {
    long total = 0;
    int n;
    while ((n = in.read(scratch, 0, scratch.length)) >= 0) {
      total += n;
    }
    return total;
  }
}
