package dev.tern.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encrypts messages of any size as a stream of independently authenticated segments, so a 50 MB
 * message is never whole in memory and a reader can decrypt a byte range by fetching only the
 * segments that cover it.
 *
 * <p>This is the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár ("Online
 * authenticated-encryption and its nonce-reuse misuse-resistance", CRYPTO 2015), laid out like
 * Tink's AES-GCM-HKDF streaming AEAD:
 *
 * <pre>
 * header   = version (1) | salt (32, random) | nonce prefix (7, random)
 * key      = HKDF-SHA256(ikm = master key, salt = salt, info = "tern/stream/v1" | 0 | associated data)
 * segment  = AES-256-GCM(key, nonce = prefix | counter (uint32 BE) | last (1 on the final segment, else 0), segment plaintext)
 * </pre>
 *
 * <p>Segments hold {@value #SEGMENT_SIZE} plaintext bytes; the final one 1 to {@value #SEGMENT_SIZE},
 * and an empty plaintext is one empty final segment, so {@link #ciphertextLength} is exact. The
 * counter in the nonce pins each segment to its position and the last flag marks the end, so
 * reordering, dropping, duplicating, truncating at a segment boundary and appending are all
 * detected. A fresh key per stream (from the random salt) keeps the master key's nonce budget
 * untouched and lets one stream have 2³² segments (256 TiB). The associated data (the object's
 * store key) is bound through the key rather than per segment, so a stream copied under another
 * object name derives a different key and fails on its first segment. The label in the HKDF info
 * keeps these stream keys apart from anything else derived from the same master key.
 *
 * <p>Memory: an encrypting stream holds one plaintext and one ciphertext segment, a decrypting
 * stream one of each plus a byte; nothing grows with the message. Instances are thread-safe; the
 * streams they make are not.
 */
public final class StreamingAead {

  public static final int SEGMENT_SIZE = 64 * 1024;
  public static final int HEADER_LENGTH = SegmentLayout.HEADER_LENGTH;

  static final byte VERSION = 1;
  static final int SALT_LENGTH = 32;
  static final int NONCE_PREFIX_LENGTH = 7;
  static final byte[] NO_AD = new byte[0];
  private static final byte[] LABEL = "tern/stream/v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final SegmentLayout DEFAULT_LAYOUT = new SegmentLayout(SEGMENT_SIZE);

  /** Reads part of a stored ciphertext, such as one ranged GET against the object store. */
  @FunctionalInterface
  public interface RangeSource {
    /** The {@code length} ciphertext bytes starting at {@code offset}. */
    InputStream open(long offset, long length) throws IOException;
  }

  private final SymmetricKey key;
  private final SecureRandom random;
  private final SegmentLayout layout;

  public StreamingAead(SymmetricKey key, SecureRandom random) {
    this(key, random, SEGMENT_SIZE);
  }

  public StreamingAead(SymmetricKey key) {
    this(key, Randomness.strong());
  }

  /** Smaller segments let tests cover many segments with little data. */
  StreamingAead(SymmetricKey key, SecureRandom random, int segmentSize) {
    this.key = Objects.requireNonNull(key, "key");
    this.random = Objects.requireNonNull(random, "random");
    this.layout = segmentSize == SEGMENT_SIZE ? DEFAULT_LAYOUT : new SegmentLayout(segmentSize);
  }

  /**
   * A stream that encrypts what is written to it into {@code sink}. The header is written at once;
   * {@link OutputStream#close()} writes the final segment and closes {@code sink}. A stream that is
   * never closed leaves a ciphertext that readers reject as truncated.
   */
  public OutputStream encryptingStream(OutputStream sink, byte[] associatedData) throws IOException {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(associatedData, "associatedData");
    byte[] header = new byte[HEADER_LENGTH];
    random.nextBytes(header);
    header[0] = VERSION;
    byte[] salt = Arrays.copyOfRange(header, 1, 1 + SALT_LENGTH);
    byte[] prefix = Arrays.copyOfRange(header, 1 + SALT_LENGTH, HEADER_LENGTH);
    byte[] streamKey = streamKey(salt, associatedData);
    try {
      sink.write(header);
    } catch (IOException | RuntimeException e) {
      Arrays.fill(streamKey, (byte) 0);
      throw e;
    }
    return new EncryptingStream(sink, layout, streamKey, prefix);
  }

  /**
   * A stream of the plaintext of the ciphertext read from {@code source}. Every byte it returns has
   * been authenticated; a problem surfaces as a {@link CorruptCiphertextException} from
   * {@code read}, and only after the final segment has verified does {@code read} return −1.
   * Closing it closes {@code source}.
   */
  public InputStream decryptingStream(InputStream source, byte[] associatedData) {
    Objects.requireNonNull(source, "source");
    byte[] ad = Objects.requireNonNull(associatedData, "associatedData").clone();
    return DecryptingStream.whole(source, header -> segmentDecrypter(header, ad), layout);
  }

  /**
   * Which segments of a ciphertext of {@code ciphertextLength} bytes hold plaintext bytes
   * {@code [offset, offset + length)}, and which ciphertext bytes to fetch for them. The range is
   * clipped to the end of the plaintext.
   *
   * @throws CryptoException.Malformed if no ciphertext has that length (truncated or extended in storage)
   */
  public SegmentRange locate(long ciphertextLength, long offset, long length) throws CryptoException {
    return layout.locate(ciphertextLength, offset, length);
  }

  /**
   * The plaintext of {@code range}, decrypted from {@code fetched}, which holds exactly the
   * ciphertext bytes {@code range} says to fetch, given the stream's {@code header} (its first
   * {@value #HEADER_LENGTH} bytes). Closing the returned stream closes {@code fetched}; a problem
   * surfaces as a {@link CorruptCiphertextException}.
   */
  public InputStream decryptingRange(byte[] header, SegmentRange range, InputStream fetched, byte[] associatedData)
      throws CorruptCiphertextException {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(fetched, "fetched");
    Objects.requireNonNull(associatedData, "associatedData");
    if (!range.isEmpty() && range.ciphertextOffset() != layout.segmentOffset(range.firstSegment())) {
      throw new IllegalArgumentException("segment range made for another segment size");
    }
    SegmentDecrypter decrypter;
    try {
      decrypter = segmentDecrypter(header, associatedData);
    } catch (CryptoException e) {
      throw new CorruptCiphertextException(CorruptCiphertextException.Reason.MALFORMED_HEADER, -1, e.getMessage());
    }
    return DecryptingStream.range(fetched, decrypter, range);
  }

  /**
   * The plaintext bytes {@code [offset, offset + length)} (clipped to the plaintext's end) of a
   * stored ciphertext of {@code ciphertextLength} bytes, fetching through {@code source} only the
   * header and the segments that cover the range: one read when the range starts in the first
   * segment, else two. An empty range reads nothing.
   */
  public InputStream decryptingRange(RangeSource source, long ciphertextLength, long offset, long length,
      byte[] associatedData) throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(associatedData, "associatedData");
    SegmentRange range;
    try {
      range = locate(ciphertextLength, offset, length);
    } catch (CryptoException e) {
      throw new CorruptCiphertextException(CorruptCiphertextException.Reason.TRUNCATED, -1, e.getMessage());
    }
    if (range.isEmpty()) {
      return InputStream.nullInputStream();
    }
    if (range.firstSegment() == 0) {
      InputStream in = source.open(0, range.ciphertextOffset() + range.ciphertextLength());
      try {
        return decryptingRange(readHeader(in), range, in, associatedData);
      } catch (IOException | RuntimeException e) {
        in.close();
        throw e;
      }
    }
    byte[] header;
    try (InputStream in = source.open(0, HEADER_LENGTH)) {
      header = readHeader(in);
    }
    return decryptingRange(header, range, source.open(range.ciphertextOffset(), range.ciphertextLength()),
        associatedData);
  }

  private static byte[] readHeader(InputStream in) throws IOException {
    byte[] header = in.readNBytes(HEADER_LENGTH);
    if (header.length < HEADER_LENGTH) {
      throw new CorruptCiphertextException(CorruptCiphertextException.Reason.MALFORMED_HEADER, -1,
          "stream ends " + header.length + " bytes into its " + HEADER_LENGTH + "-byte header");
    }
    return header;
  }

  /**
   * A decrypter for single segments of the ciphertext whose first {@value #HEADER_LENGTH} bytes are
   * {@code header}; destroy it when done.
   */
  public SegmentDecrypter segmentDecrypter(byte[] header, byte[] associatedData) throws CryptoException {
    Objects.requireNonNull(associatedData, "associatedData");
    if (header.length != HEADER_LENGTH) {
      throw new CryptoException.Malformed("stream header of " + header.length + " bytes, not " + HEADER_LENGTH);
    }
    if (header[0] != VERSION) {
      throw new CryptoException.Malformed("unknown streaming AEAD version " + (header[0] & 0xff));
    }
    byte[] salt = Arrays.copyOfRange(header, 1, 1 + SALT_LENGTH);
    byte[] prefix = Arrays.copyOfRange(header, 1 + SALT_LENGTH, HEADER_LENGTH);
    return new SegmentDecrypter(layout, streamKey(salt, associatedData), prefix);
  }

  private byte[] streamKey(byte[] salt, byte[] associatedData) {
    byte[] info = Hkdf.concat(LABEL, associatedData);
    return Hkdf.sha256(key.internal(), salt, info, Gcm.KEY_LENGTH);
  }

  /** The exact ciphertext length of a plaintext of {@code plaintextLength} bytes. */
  public static long ciphertextLength(long plaintextLength) {
    return DEFAULT_LAYOUT.ciphertextLength(plaintextLength);
  }

  /**
   * The plaintext length of a ciphertext of {@code ciphertextLength} bytes.
   *
   * @throws IllegalArgumentException if no ciphertext has that length
   */
  public static long plaintextLength(long ciphertextLength) {
    long plaintext = DEFAULT_LAYOUT.plaintextLength(ciphertextLength);
    if (plaintext < 0) {
      throw new IllegalArgumentException("no stream ciphertext is " + ciphertextLength + " bytes long");
    }
    return plaintext;
  }

  /** How many segments a plaintext of this length has (at least one). */
  public static long segmentCount(long plaintextLength) {
    return DEFAULT_LAYOUT.segmentCount(plaintextLength);
  }

  /** The segment holding plaintext byte {@code plaintextOffset}. */
  public static long segmentIndex(long plaintextOffset) {
    return DEFAULT_LAYOUT.segmentIndex(plaintextOffset);
  }

  /** Where segment {@code segmentIndex} starts in the ciphertext (it is {@value #SEGMENT_SIZE} + 16 bytes, or less if final). */
  public static long segmentOffset(long segmentIndex) {
    return DEFAULT_LAYOUT.segmentOffset(segmentIndex);
  }

  SegmentLayout layout() {
    return layout;
  }

  static byte[] nonce(byte[] prefix, long index, boolean last) {
    if (index < 0 || index >= SegmentLayout.MAX_SEGMENTS) {
      throw new IllegalArgumentException("segment index out of range: " + index);
    }
    byte[] nonce = new byte[Gcm.NONCE_LENGTH];
    System.arraycopy(prefix, 0, nonce, 0, NONCE_PREFIX_LENGTH);
    nonce[7] = (byte) (index >>> 24);
    nonce[8] = (byte) (index >>> 16);
    nonce[9] = (byte) (index >>> 8);
    nonce[10] = (byte) index;
    nonce[11] = (byte) (last ? 1 : 0);
    return nonce;
  }

  @Override
  public String toString() {
    return "StreamingAead[AES-256-GCM-HKDF-SHA256, " + layout.segmentSize() + "-byte segments]";
  }
}
