package dev.tern.crypto;

/**
 * Where a plaintext byte range lies in a {@link StreamingAead} ciphertext: which segments cover it
 * and which ciphertext bytes to fetch (one ranged GET) to decrypt it, without reading the rest.
 * Made by {@link StreamingAead#locate}; passed back to {@link StreamingAead#decryptingRange}.
 *
 * <p>The fetch window covers whole segments only. Decrypting also needs the stream's header,
 * {@code [0, }{@value StreamingAead#HEADER_LENGTH}{@code )}; when {@link #firstSegment()} is 0 the
 * header immediately precedes the window, so one GET of {@code [0, ciphertextOffset + ciphertextLength)}
 * fetches both.
 *
 * @param plaintextOffset the first plaintext byte wanted
 * @param plaintextLength how many plaintext bytes the range holds, after clipping to the end of the
 *     plaintext; 0 for an empty range, which needs no fetch at all
 * @param firstSegment the segment holding the first byte
 * @param lastSegment the segment holding the last byte
 * @param lastIsFinal whether {@code lastSegment} is the stream's final segment, which is sealed
 *     differently and must be opened as such
 * @param ciphertextOffset where the bytes to fetch start
 * @param ciphertextLength how many bytes to fetch
 */
public record SegmentRange(long plaintextOffset, long plaintextLength, long firstSegment, long lastSegment,
    boolean lastIsFinal, long ciphertextOffset, long ciphertextLength) {

  public SegmentRange {
    if (plaintextOffset < 0 || plaintextLength < 0 || firstSegment < 0 || lastSegment < firstSegment
        || ciphertextOffset < 0 || ciphertextLength < 0) {
      throw new IllegalArgumentException("inconsistent segment range: " + plaintextOffset + "+" + plaintextLength
          + " in segments " + firstSegment + ".." + lastSegment + " at " + ciphertextOffset + "+" + ciphertextLength);
    }
  }

  /** Whether the range holds no plaintext (it starts at or past the end). */
  public boolean isEmpty() {
    return plaintextLength == 0;
  }
}
