package dev.tern.crypto;

/**
 * Where the segments of a {@link StreamingAead} ciphertext lie. Every segment but the last holds
 * exactly {@code segmentSize} plaintext bytes; the last holds 1 to {@code segmentSize}, or 0 when
 * the whole plaintext is empty. Each segment adds a 16-byte tag; the stream starts with a header.
 */
record SegmentLayout(int segmentSize) {

  static final int HEADER_LENGTH = 1 + StreamingAead.SALT_LENGTH + StreamingAead.NONCE_PREFIX_LENGTH;
  static final int TAG_LENGTH = Gcm.TAG_LENGTH;
  /** A 32-bit segment counter in the nonce. */
  static final long MAX_SEGMENTS = 1L << 32;

  SegmentLayout {
    if (segmentSize < 1 || segmentSize > Integer.MAX_VALUE - TAG_LENGTH - 1) {
      throw new IllegalArgumentException("segment size must be positive and leave room for a tag: " + segmentSize);
    }
  }

  int ciphertextSegmentSize() {
    return segmentSize + TAG_LENGTH;
  }

  long segmentCount(long plaintextLength) {
    requireNonNegative(plaintextLength, "plaintext length");
    return plaintextLength == 0 ? 1 : (plaintextLength - 1) / segmentSize + 1;
  }

  long ciphertextLength(long plaintextLength) {
    long segments = segmentCount(plaintextLength);
    if (segments > MAX_SEGMENTS) {
      throw new IllegalArgumentException("plaintext of " + plaintextLength + " bytes exceeds the 2^32-segment limit");
    }
    return Math.addExact(HEADER_LENGTH + plaintextLength, segments * TAG_LENGTH);
  }

  /** The plaintext length of a ciphertext of this length, or −1 if no stream has this length. */
  long plaintextLength(long ciphertextLength) {
    long body = ciphertextLength - HEADER_LENGTH;
    if (body < TAG_LENGTH) {
      return -1;
    }
    long segments = (body - 1) / ciphertextSegmentSize() + 1;
    long plaintext = body - segments * TAG_LENGTH;
    if (plaintext < 0 || segments > MAX_SEGMENTS || ciphertextLength(plaintext) != ciphertextLength) {
      return -1;
    }
    return plaintext;
  }

  /** The offset in the ciphertext where segment {@code index} starts. */
  long segmentOffset(long index) {
    requireNonNegative(index, "segment index");
    return Math.addExact(HEADER_LENGTH, Math.multiplyExact(index, (long) ciphertextSegmentSize()));
  }

  /** The segment holding plaintext byte {@code plaintextOffset}. */
  long segmentIndex(long plaintextOffset) {
    requireNonNegative(plaintextOffset, "plaintext offset");
    return plaintextOffset / segmentSize;
  }

  /**
   * The segments covering plaintext {@code [offset, offset + length)} of a ciphertext of
   * {@code ciphertextLength} bytes, the range clipped to the plaintext's end.
   *
   * @throws CryptoException.Malformed if no stream has that ciphertext length (it was truncated or
   *     extended in storage)
   */
  SegmentRange locate(long ciphertextLength, long offset, long length) throws CryptoException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative range: offset " + offset + ", length " + length);
    }
    long plaintextLength = plaintextLength(ciphertextLength);
    if (plaintextLength < 0) {
      throw new CryptoException.Malformed("no stream ciphertext is " + ciphertextLength + " bytes long: truncated or extended");
    }
    long end = length > Long.MAX_VALUE - offset ? plaintextLength : Math.min(plaintextLength, offset + length);
    if (offset >= end) {
      return new SegmentRange(Math.min(offset, plaintextLength), 0, 0, 0, false, HEADER_LENGTH, 0);
    }
    long first = segmentIndex(offset);
    long last = segmentIndex(end - 1);
    long from = segmentOffset(first);
    long to = Math.min(segmentOffset(last + 1), ciphertextLength);
    boolean lastIsFinal = last == segmentCount(plaintextLength) - 1;
    return new SegmentRange(offset, end - offset, first, last, lastIsFinal, from, to - from);
  }

  private static void requireNonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }
}
