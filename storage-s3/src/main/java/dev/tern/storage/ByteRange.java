package dev.tern.storage;

/**
 * A byte range of an object: {@code length} bytes from {@code offset}. A range running past the
 * end of the object is cut at the end, as S3 does; one starting at or past the end reads nothing.
 */
public record ByteRange(long offset, long length) {

  public ByteRange {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("bad byte range: offset " + offset + ", length " + length);
    }
  }

  public static ByteRange of(long offset, long length) {
    return new ByteRange(offset, length);
  }

  /** The first index after the range (saturating). */
  public long end() {
    long end = offset + length;
    return end < 0 ? Long.MAX_VALUE : end;
  }
}
