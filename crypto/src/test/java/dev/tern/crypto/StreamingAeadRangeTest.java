package dev.tern.crypto;

import static dev.tern.crypto.StreamingAeadTest.AD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Decrypting plaintext byte ranges from the segments that cover them, as ranged GETs would. */
class StreamingAeadRangeTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A stored ciphertext that records every ranged read made of it. */
  private static final class Stored implements StreamingAead.RangeSource {
    final byte[] bytes;
    final List<long[]> reads = new ArrayList<>();

    Stored(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public InputStream open(long offset, long length) {
      reads.add(new long[] {offset, length});
      int from = (int) Math.min(offset, bytes.length);
      int to = (int) Math.min(bytes.length, offset + length);
      return new ByteArrayInputStream(Arrays.copyOfRange(bytes, from, to));
    }

    long fetched() {
      return reads.stream().mapToLong(r -> r[1]).sum();
    }
  }

  private static byte[] plaintext(long seed, int length) {
    byte[] bytes = new byte[length];
    StreamingAeadTest.fill(new SplittableRandom(seed), bytes, length);
    return bytes;
  }

  @Property(tries = 400)
  void anyRangeDecryptsToThePlaintextFromOnlyItsSegments(
      @ForAll @IntRange(min = 1, max = 64) int segmentSize,
      @ForAll @IntRange(min = 0, max = 600) int plaintextLength,
      @ForAll @IntRange(min = 0, max = 700) int offset,
      @ForAll @IntRange(min = 0, max = 700) int length,
      @ForAll long seed) throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, segmentSize);
    byte[] plaintext = plaintext(seed, plaintextLength);
    Stored stored = new Stored(StreamingAeadTest.encrypt(aead, plaintext, AD));

    byte[] got;
    try (InputStream in = aead.decryptingRange(stored, stored.bytes.length, offset, length, AD)) {
      got = in.readAllBytes();
    }

    int from = Math.min(offset, plaintextLength);
    int to = (int) Math.min(plaintextLength, (long) offset + length);
    assertArrayEquals(Arrays.copyOfRange(plaintext, from, Math.max(from, to)), got);
    if (got.length == 0) {
      assertTrue(stored.reads.isEmpty(), "an empty range fetches nothing");
    } else {
      long segments = (to - 1) / segmentSize - offset / segmentSize + 1;
      assertTrue(stored.fetched() <= StreamingAead.HEADER_LENGTH + segments * (segmentSize + 16),
          "fetched " + stored.fetched() + " bytes for " + segments + " segments");
      assertEquals(offset < segmentSize ? 1 : 2, stored.reads.size());
    }
  }

  @Property(tries = 200)
  void locateCoversExactlyTheSegmentsHoldingTheRange(
      @ForAll @IntRange(min = 1, max = 64) int segmentSize,
      @ForAll @IntRange(min = 0, max = 600) int plaintextLength,
      @ForAll @IntRange(min = 0, max = 700) int offset,
      @ForAll @IntRange(min = 1, max = 700) int length) throws Exception {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, segmentSize);
    SegmentLayout layout = aead.layout();
    long ciphertextLength = layout.ciphertextLength(plaintextLength);
    SegmentRange range = aead.locate(ciphertextLength, offset, length);
    if (offset >= plaintextLength) {
      assertTrue(range.isEmpty());
      return;
    }
    long end = Math.min(plaintextLength, (long) offset + length);
    assertEquals(offset, range.plaintextOffset());
    assertEquals(end - offset, range.plaintextLength());
    assertEquals(offset / segmentSize, range.firstSegment());
    assertEquals((end - 1) / segmentSize, range.lastSegment());
    assertEquals(range.lastSegment() == layout.segmentCount(plaintextLength) - 1, range.lastIsFinal());
    assertEquals(layout.segmentOffset(range.firstSegment()), range.ciphertextOffset());
    long fetchEnd = range.ciphertextOffset() + range.ciphertextLength();
    assertEquals(range.lastIsFinal() ? ciphertextLength : layout.segmentOffset(range.lastSegment() + 1), fetchEnd);
  }

  @Test
  void rangeFromExplicitHeaderAndWindow() throws Exception {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, 100);
    byte[] plaintext = plaintext(1, 1000);
    byte[] ciphertext = StreamingAeadTest.encrypt(aead, plaintext, AD);
    byte[] header = Arrays.copyOf(ciphertext, StreamingAead.HEADER_LENGTH);
    SegmentRange range = aead.locate(ciphertext.length, 250, 500);
    assertEquals(new SegmentRange(250, 500, 2, 7, false, 40 + 2 * 116, 6 * 116), range);
    InputStream window = new ByteArrayInputStream(ciphertext, (int) range.ciphertextOffset(),
        (int) range.ciphertextLength());
    try (InputStream in = aead.decryptingRange(header, range, window, AD)) {
      assertArrayEquals(Arrays.copyOfRange(plaintext, 250, 750), in.readAllBytes());
    }
  }

  @Test
  void defaultSegmentsAcrossSeveralMegabytes() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random());
    byte[] plaintext = plaintext(2, 3 << 20);
    Stored stored = new Stored(StreamingAeadTest.encrypt(aead, plaintext, AD));
    int offset = 5 * StreamingAead.SEGMENT_SIZE - 10;
    try (InputStream in = aead.decryptingRange(stored, stored.bytes.length, offset, 20, AD)) {
      assertArrayEquals(Arrays.copyOfRange(plaintext, offset, offset + 20), in.readAllBytes());
    }
    assertEquals(StreamingAead.HEADER_LENGTH + 2L * (StreamingAead.SEGMENT_SIZE + 16), stored.fetched());
    // The tail, through the final segment.
    try (InputStream in = aead.decryptingRange(stored, stored.bytes.length, plaintext.length - 5, 100, AD)) {
      assertArrayEquals(Arrays.copyOfRange(plaintext, plaintext.length - 5, plaintext.length), in.readAllBytes());
    }
  }

  @Test
  void tamperedSegmentsInTheRangeFail() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, 16);
    byte[] plaintext = plaintext(3, 100);
    byte[] ciphertext = StreamingAeadTest.encrypt(aead, plaintext, AD);
    for (int i = 0; i < ciphertext.length; i++) {
      byte[] altered = ciphertext.clone();
      altered[i] ^= 0x40;
      Stored stored = new Stored(altered);
      boolean inRange = i < StreamingAead.HEADER_LENGTH || (i - StreamingAead.HEADER_LENGTH) / 32 == 3;
      try (InputStream in = aead.decryptingRange(stored, altered.length, 50, 10, AD)) {
        byte[] got = in.readAllBytes();
        assertFalse(inRange, "flip at " + i + " went unnoticed");
        assertArrayEquals(Arrays.copyOfRange(plaintext, 50, 60), got);
      } catch (CorruptCiphertextException e) {
        assertTrue(inRange, "flip at " + i + " outside the range failed it");
      }
    }
  }

  @Test
  void truncatedObjectsAndWrongAssociatedDataFail() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, 16);
    byte[] ciphertext = StreamingAeadTest.encrypt(aead, plaintext(4, 100), AD);
    // Cut at a segment boundary: the length is still plausible, but the new last segment is not final.
    int cut = StreamingAead.HEADER_LENGTH + 4 * 32;
    Stored cutStored = new Stored(Arrays.copyOf(ciphertext, cut));
    var e = assertThrows(CorruptCiphertextException.class, () -> {
      try (InputStream in = aead.decryptingRange(cutStored, cut, 60, 10, AD)) {
        in.readAllBytes();
      }
    });
    assertEquals(CorruptCiphertextException.Reason.TRUNCATED, e.reason());
    // A length no stream has.
    assertThrows(CorruptCiphertextException.class,
        () -> aead.decryptingRange(new Stored(ciphertext), cut + 5, 0, 10, AD));
    assertThrows(CryptoException.Malformed.class, () -> aead.locate(cut + 5, 0, 10));
    // The object's real length, but it is shorter than the caller believes.
    Stored shortStored = new Stored(Arrays.copyOf(ciphertext, ciphertext.length - 40));
    assertThrows(CorruptCiphertextException.class, () -> {
      try (InputStream in = aead.decryptingRange(shortStored, ciphertext.length, 40, 60, AD)) {
        in.readAllBytes();
      }
    });
    // Wrong associated data.
    assertThrows(CorruptCiphertextException.class, () -> {
      try (InputStream in = aead.decryptingRange(new Stored(ciphertext), ciphertext.length, 20, 10, new byte[1])) {
        in.readAllBytes();
      }
    });
  }
}
