package dev.tern.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.CorruptCiphertextException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class StreamingAeadTest {

  static final byte[] AD = "users/alice/blob/0123456789abcdef".getBytes(UTF_8);
  private static final int S = StreamingAead.SEGMENT_SIZE;
  private static final SecureRandom RANDOM = new SecureRandom();

  static byte[] encrypt(StreamingAead aead, byte[] plaintext, byte[] ad) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = aead.encryptingStream(sink, ad)) {
      out.write(plaintext);
    }
    return sink.toByteArray();
  }

  static byte[] decrypt(StreamingAead aead, byte[] ciphertext, byte[] ad) throws IOException {
    try (InputStream in = aead.decryptingStream(new ByteArrayInputStream(ciphertext), ad)) {
      return in.readAllBytes();
    }
  }

  static byte[] random(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  @Test
  void roundTripsAtSegmentEdges() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random());
    for (int size : new int[] {0, 1, S - 1, S, S + 1, 2 * S, 3 * S + 7}) {
      byte[] plaintext = random(size);
      byte[] ciphertext = encrypt(aead, plaintext, AD);
      assertEquals(StreamingAead.ciphertextLength(size), ciphertext.length, "size " + size);
      assertEquals(size, StreamingAead.plaintextLength(ciphertext.length));
      assertArrayEquals(plaintext, decrypt(aead, ciphertext, AD), "size " + size);
    }
  }

  @Test
  void ciphertextLengthIsExact() {
    assertEquals(40 + 16, StreamingAead.ciphertextLength(0));
    assertEquals(40 + 1 + 16, StreamingAead.ciphertextLength(1));
    assertEquals(40 + S + 16, StreamingAead.ciphertextLength(S));
    assertEquals(40 + S + 1 + 32, StreamingAead.ciphertextLength(S + 1));
    long fiftyMb = 50L << 20;
    assertEquals(40 + fiftyMb + 800 * 16, StreamingAead.ciphertextLength(fiftyMb));
    assertThrows(IllegalArgumentException.class, () -> StreamingAead.plaintextLength(40 + 15));
    assertThrows(IllegalArgumentException.class, () -> StreamingAead.plaintextLength(40 + S + 16 + 16));
  }

  @Test
  void lengthsInvertForSmallSegments() {
    SegmentLayout layout = new SegmentLayout(16);
    boolean[] possible = new boolean[4000];
    for (int n = 0; n < 1500; n++) {
      long c = layout.ciphertextLength(n);
      assertEquals(n, layout.plaintextLength(c));
      possible[(int) c] = true;
    }
    for (int c = 0; c < 1500; c++) {
      if (!possible[c]) {
        assertEquals(-1, layout.plaintextLength(c), "length " + c);
      }
    }
  }

  @Test
  void writesAndReadsInOddChunks() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, 100);
    byte[] plaintext = random(1234);
    SplittableRandom chunks = new SplittableRandom(7);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = aead.encryptingStream(sink, AD)) {
      int i = 0;
      while (i < plaintext.length) {
        if (chunks.nextBoolean()) {
          out.write(plaintext[i++]);
        } else {
          int n = Math.min(plaintext.length - i, chunks.nextInt(250));
          out.write(plaintext, i, n);
          i += n;
        }
      }
    }
    assertEquals(aead.layout().ciphertextLength(1234), sink.size());
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    try (InputStream in = aead.decryptingStream(new ByteArrayInputStream(sink.toByteArray()), AD)) {
      byte[] buffer = new byte[300];
      while (true) {
        if (chunks.nextBoolean()) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          back.write(b);
        } else {
          int n = in.read(buffer, 0, 1 + chunks.nextInt(buffer.length - 1));
          if (n < 0) {
            break;
          }
          back.write(buffer, 0, n);
        }
      }
      assertEquals(-1, in.read());
    }
    assertArrayEquals(plaintext, back.toByteArray());
  }

  /**
   * 50 MB from a generator, encrypted on one thread into a pipe and decrypted on another: no array
   * larger than a segment is ever made, and both sides compare digests of what went through.
   */
  @Test
  void streamsFiftyMegabytesWithoutHoldingThem() throws Exception {
    long size = 50L << 20;
    StreamingAead aead = new StreamingAead(SymmetricKey.random());
    PipedInputStream pipeIn = new PipedInputStream(S);
    PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
    CountingOutputStream counted = new CountingOutputStream(pipeOut);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<byte[]> written = executor.submit(() -> {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = aead.encryptingStream(counted, AD)) {
          SplittableRandom generator = new SplittableRandom(42);
          byte[] chunk = new byte[10_000];
          long left = size;
          while (left > 0) {
            int n = (int) Math.min(left, chunk.length);
            fill(generator, chunk, n);
            digest.update(chunk, 0, n);
            out.write(chunk, 0, n);
            left -= n;
          }
        }
        return digest.digest();
      });
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      long read = 0;
      try (InputStream in = aead.decryptingStream(pipeIn, AD)) {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
          digest.update(buffer, 0, n);
          read += n;
        }
      }
      assertEquals(size, read);
      assertArrayEquals(written.get(), digest.digest());
      assertEquals(StreamingAead.ciphertextLength(size), counted.count);
    }
  }

  @Test
  void encryptingHoldsAtMostOneSegment() throws IOException {
    int segment = 1000;
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, segment);
    CountingOutputStream sink = new CountingOutputStream(OutputStream.nullOutputStream());
    SplittableRandom random = new SplittableRandom(3);
    long written = 0;
    try (OutputStream out = aead.encryptingStream(sink, AD)) {
      byte[] chunk = new byte[2500];
      for (int i = 0; i < 400; i++) {
        int n = random.nextInt(chunk.length);
        out.write(chunk, 0, n);
        written += n;
        long emittedPlaintext = (sink.count - StreamingAead.HEADER_LENGTH) / (segment + 16) * segment;
        assertTrue(written - emittedPlaintext <= segment, "holds " + (written - emittedPlaintext) + " bytes");
      }
    }
  }

  @Test
  void decryptingReadsAtMostOneSegmentAhead() throws IOException {
    int segment = 1000;
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, segment);
    byte[] ciphertext = encrypt(aead, random(100_000), AD);
    CountingInputStream source = new CountingInputStream(new ByteArrayInputStream(ciphertext));
    try (InputStream in = aead.decryptingStream(source, AD)) {
      long read = 0;
      byte[] buffer = new byte[137];
      int n;
      while ((n = in.read(buffer)) > 0) {
        read += n;
        long ahead = source.count - StreamingAead.HEADER_LENGTH - read / segment * (segment + 16);
        assertTrue(ahead <= 2L * (segment + 16) + 1, "read " + ahead + " bytes ahead");
      }
    }
  }

  @Test
  void neverClosedStreamIsTruncated() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, 16);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = aead.encryptingStream(sink, AD);
    out.write(random(40));
    var e = assertThrows(CorruptCiphertextException.class, () -> decrypt(aead, sink.toByteArray(), AD));
    assertEquals(Reason.TRUNCATED, e.reason());
  }

  @Test
  void closedEncryptingStreamRefusesWrites() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random());
    OutputStream out = aead.encryptingStream(new ByteArrayOutputStream(), AD);
    out.close();
    out.close();
    assertThrows(IOException.class, () -> out.write(1));
  }

  // Tampering, on a 3-segment stream of 16-byte segments: header (40) | 16+16 | 16+16 | 8+16.

  private static final int SMALL = 16;
  private static final int SEG = SMALL + 16;

  private static byte[] segment(byte[] ciphertext, int index) {
    int from = StreamingAead.HEADER_LENGTH + index * SEG;
    return Arrays.copyOfRange(ciphertext, from, Math.min(from + SEG, ciphertext.length));
  }

  private static byte[] assemble(byte[] ciphertext, int... segments) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ciphertext, 0, StreamingAead.HEADER_LENGTH);
    for (int index : segments) {
      out.writeBytes(segment(ciphertext, index));
    }
    return out.toByteArray();
  }

  private static Reason failure(StreamingAead aead, byte[] ciphertext, byte[] ad) {
    return assertThrows(CorruptCiphertextException.class, () -> decrypt(aead, ciphertext, ad)).reason();
  }

  @Test
  void truncationAtASegmentBoundaryIsDetected() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, SMALL);
    byte[] ciphertext = encrypt(aead, random(40), AD);
    assertEquals(StreamingAead.HEADER_LENGTH + 3 * SEG - 8, ciphertext.length);
    assertArrayEquals(ciphertext, assemble(ciphertext, 0, 1, 2));
    assertEquals(Reason.TRUNCATED, failure(aead, assemble(ciphertext, 0, 1), AD));
    assertEquals(Reason.TRUNCATED, failure(aead, assemble(ciphertext, 0), AD));
    assertEquals(Reason.TRUNCATED, failure(aead, assemble(ciphertext), AD));
    for (int cut = StreamingAead.HEADER_LENGTH; cut < ciphertext.length; cut++) {
      byte[] truncated = Arrays.copyOf(ciphertext, cut);
      assertThrows(CorruptCiphertextException.class, () -> decrypt(aead, truncated, AD), "cut at " + cut);
    }
    for (int cut = 0; cut < StreamingAead.HEADER_LENGTH; cut++) {
      assertEquals(Reason.MALFORMED_HEADER, failure(aead, Arrays.copyOf(ciphertext, cut), AD));
    }
  }

  @Test
  void droppedReorderedAndDuplicatedSegmentsAreDetected() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, SMALL);
    byte[] ciphertext = encrypt(aead, random(40), AD);
    int[][] tampered = {{0, 2}, {1, 2}, {1, 0, 2}, {0, 0, 2}, {0, 1, 1}, {0, 1, 1, 2}, {0, 1, 2, 2}, {2}};
    for (int[] order : tampered) {
      assertEquals(Reason.AUTHENTICATION_FAILED, failure(aead, assemble(ciphertext, order), AD),
          Arrays.toString(order));
    }
    // Bytes appended after the final segment: the final segment is then read as a middle one.
    byte[] extended = Arrays.copyOf(ciphertext, ciphertext.length + SEG);
    assertThrows(CorruptCiphertextException.class, () -> decrypt(aead, extended, AD));
    // A stream made of whole segments, extended by one more: the old final segment is now in the middle.
    byte[] full = encrypt(aead, random(32), AD);
    byte[] plusOne = assemble(full, 0, 1, 1);
    assertEquals(Reason.TRAILING_DATA, failure(aead, plusOne, AD));
  }

  @Test
  void segmentsFromAnotherStreamUnderTheSameKeyAreRejected() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, SMALL);
    byte[] a = encrypt(aead, random(40), AD);
    byte[] b = encrypt(aead, random(40), AD);
    byte[] spliced = a.clone();
    System.arraycopy(b, StreamingAead.HEADER_LENGTH + SEG, spliced, StreamingAead.HEADER_LENGTH + SEG, SEG);
    assertEquals(Reason.AUTHENTICATION_FAILED, failure(aead, spliced, AD));
  }

  @Test
  void wrongKeyAndWrongAssociatedDataFail() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random());
    byte[] ciphertext = encrypt(aead, random(1000), AD);
    assertEquals(Reason.AUTHENTICATION_FAILED, failure(new StreamingAead(SymmetricKey.random()), ciphertext, AD));
    assertEquals(Reason.AUTHENTICATION_FAILED,
        failure(aead, ciphertext, "users/alice/blob/0123456789abcdee".getBytes(UTF_8)));
    assertEquals(Reason.AUTHENTICATION_FAILED, failure(aead, ciphertext, new byte[0]));
  }

  @Test
  void everySingleBitFlipFails() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, SMALL);
    byte[] plaintext = random(40);
    byte[] ciphertext = encrypt(aead, plaintext, AD);
    assertArrayEquals(plaintext, decrypt(aead, ciphertext, AD));
    for (int i = 0; i < ciphertext.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] altered = ciphertext.clone();
        altered[i] ^= (byte) (1 << bit);
        Reason reason = failure(aead, altered, AD);
        assertEquals(i == 0 ? Reason.MALFORMED_HEADER : Reason.AUTHENTICATION_FAILED, reason, "byte " + i);
      }
    }
  }

  @Test
  void failureIsStickyAndNoUnverifiedPlaintextEscapes() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, SMALL);
    byte[] plaintext = random(40);
    byte[] ciphertext = encrypt(aead, plaintext, AD);
    ciphertext[StreamingAead.HEADER_LENGTH + SEG + 3] ^= 1;
    try (InputStream in = aead.decryptingStream(new ByteArrayInputStream(ciphertext), AD)) {
      assertArrayEquals(Arrays.copyOf(plaintext, SMALL), in.readNBytes(SMALL));
      var first = assertThrows(CorruptCiphertextException.class, in::read);
      assertEquals(1, first.segmentIndex());
      assertEquals(first, assertThrows(CorruptCiphertextException.class, in::read));
    }
  }

  @Test
  void unknownVersionIsAMalformedHeader() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random());
    byte[] ciphertext = encrypt(aead, random(10), AD);
    ciphertext[0] = 2;
    var e = assertThrows(CorruptCiphertextException.class, () -> decrypt(aead, ciphertext, AD));
    assertEquals(Reason.MALFORMED_HEADER, e.reason());
    assertTrue(e.getMessage().contains("version 2"));
  }

  @Test
  void segmentDecrypterOpensSingleSegments() throws Exception {
    StreamingAead aead = new StreamingAead(SymmetricKey.random(), RANDOM, SMALL);
    byte[] plaintext = random(40);
    byte[] ciphertext = encrypt(aead, plaintext, AD);
    SegmentDecrypter decrypter = aead.segmentDecrypter(Arrays.copyOf(ciphertext, StreamingAead.HEADER_LENGTH), AD);
    assertArrayEquals(Arrays.copyOfRange(plaintext, 16, 32), decrypter.decrypt(1, false, segment(ciphertext, 1)));
    assertArrayEquals(Arrays.copyOfRange(plaintext, 32, 40), decrypter.decrypt(2, true, segment(ciphertext, 2)));
    assertThrows(CryptoException.AuthenticationFailed.class, () -> decrypter.decrypt(2, false, segment(ciphertext, 2)));
    assertThrows(CryptoException.AuthenticationFailed.class, () -> decrypter.decrypt(0, false, segment(ciphertext, 1)));
    assertThrows(CryptoException.Malformed.class, () -> decrypter.decrypt(0, false, new byte[15]));
    decrypter.destroy();
    assertTrue(decrypter.isDestroyed());
    assertThrows(IllegalStateException.class, () -> decrypter.decrypt(1, false, segment(ciphertext, 1)));
  }

  @Test
  void twoEncryptionsDiffer() throws IOException {
    StreamingAead aead = new StreamingAead(SymmetricKey.random());
    byte[] plaintext = new byte[100];
    assertFalse(Arrays.equals(encrypt(aead, plaintext, AD), encrypt(aead, plaintext, AD)));
  }

  @Test
  void toStringShowsNoKey() {
    assertEquals("StreamingAead[AES-256-GCM-HKDF-SHA256, 65536-byte segments]",
        new StreamingAead(SymmetricKey.random()).toString());
  }

  static void fill(SplittableRandom random, byte[] chunk, int n) {
    for (int i = 0; i < n; i += 8) {
      long v = random.nextLong();
      for (int j = i; j < Math.min(n, i + 8); j++) {
        chunk[j] = (byte) v;
        v >>>= 8;
      }
    }
  }

  static final class CountingOutputStream extends OutputStream {
    private final OutputStream out;
    long count;

    CountingOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
