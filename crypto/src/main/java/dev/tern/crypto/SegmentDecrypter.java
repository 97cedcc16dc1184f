package dev.tern.crypto;

import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.security.auth.Destroyable;

/**
 * Decrypts single segments of one {@link StreamingAead} ciphertext, given its header: for readers
 * that fetch only the segments covering a byte range (see {@link StreamingAead#segmentOffset}).
 * The caller says whether a segment is the final one; it knows from the object's length.
 */
public final class SegmentDecrypter implements Destroyable {

  private final SegmentLayout layout;
  private final byte[] streamKey;
  private final byte[] noncePrefix;
  private volatile boolean destroyed;

  SegmentDecrypter(SegmentLayout layout, byte[] streamKey, byte[] noncePrefix) {
    this.layout = layout;
    this.streamKey = streamKey;
    this.noncePrefix = noncePrefix;
  }

  /** The plaintext of segment {@code index} (its ciphertext, tag included, is {@code segment}). */
  public byte[] decrypt(long index, boolean last, byte[] segment) throws CryptoException {
    if (segment.length < SegmentLayout.TAG_LENGTH || segment.length > layout.ciphertextSegmentSize()) {
      throw new CryptoException.Malformed("segment of " + segment.length + " bytes; segments are "
          + SegmentLayout.TAG_LENGTH + " to " + layout.ciphertextSegmentSize() + " bytes");
    }
    byte[] out = new byte[segment.length - SegmentLayout.TAG_LENGTH];
    if (!tryDecrypt(index, last, segment, 0, segment.length, out)) {
      throw new CryptoException.AuthenticationFailed("segment " + index + (last ? " (final)" : "")
          + " does not authenticate: altered, moved, wrong key or wrong associated data");
    }
    return out;
  }

  /** Decrypts {@code in[off, off+len)} into {@code out}; false, with nothing written, if it does not verify. */
  boolean tryDecrypt(long index, boolean last, byte[] in, int off, int len, byte[] out) {
    if (destroyed) {
      throw new IllegalStateException("segment decrypter destroyed");
    }
    try {
      Gcm.open(streamKey, StreamingAead.nonce(noncePrefix, index, last), StreamingAead.NO_AD, in, off, len, out, 0);
      return true;
    } catch (AEADBadTagException e) {
      return false;
    }
  }

  SegmentLayout layout() {
    return layout;
  }

  @Override
  public void destroy() {
    destroyed = true;
    Arrays.fill(streamKey, (byte) 0);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "SegmentDecrypter[redacted]";
  }
}
