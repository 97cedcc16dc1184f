package dev.tern.crypto;

import java.io.IOException;

/**
 * A streamed ciphertext that cannot be decrypted. It is an {@link IOException} because it surfaces
 * from {@link java.io.InputStream#read}; {@link #reason()} says what was wrong, and
 * {@link #segmentIndex()} where (−1 for the header or the stream as a whole).
 */
public final class CorruptCiphertextException extends IOException {

  /** What was wrong with the stream. */
  public enum Reason {
    /** Too short for a header, or an unknown version byte. */
    MALFORMED_HEADER,
    /** The stream stops before its final segment: cut at a segment boundary or inside a segment. */
    TRUNCATED,
    /** More bytes follow the final segment. */
    TRAILING_DATA,
    /** A segment does not authenticate at its position: altered, reordered, wrong key or wrong associated data. */
    AUTHENTICATION_FAILED,
  }

  private final Reason reason;
  private final long segmentIndex;

  public CorruptCiphertextException(Reason reason, long segmentIndex, String message) {
    super(message);
    this.reason = reason;
    this.segmentIndex = segmentIndex;
  }

  public Reason reason() {
    return reason;
  }

  public long segmentIndex() {
    return segmentIndex;
  }
}
