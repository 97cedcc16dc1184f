package dev.tern.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * Encryption to a public key: LMTP holds only a user's X25519 public key, seals each incoming
 * message with it, and only a holder of the private key (a logged-in session, a cleartext root)
 * can open it. The sender keeps nothing that would let it read the message again.
 *
 * <pre>
 * box     = version (1) | ephemeral public key (32) | AES-256-GCM ciphertext | tag (16)
 * shared  = X25519(ephemeral private key, recipient public key)
 * key|iv  = HKDF-SHA256(ikm = shared, salt = ephemeral public ‖ recipient public, info = "tern/sealed-box/v1", 32 + 12)
 * </pre>
 *
 * <p>A fresh ephemeral key per box makes the derived key single-use, so the derived nonce is safe;
 * putting both public keys into the KDF binds the box to its recipient (as libsodium's sealed boxes
 * and HPKE do). The caller's associated data (the object's store key) is GCM's associated data.
 * This authenticates the content but not the sender: anyone with the public key can make a box,
 * which is what mail delivery is.
 *
 * <p>{@link #encryptingStream} handles messages of any size: a sealed header carrying a random
 * per-message key, then a {@link StreamingAead} stream under that key:
 *
 * <pre>
 * stream  = box(message key (32), ad = "tern/sealed-stream/v1" ‖ 0 ‖ ad) (81) | StreamingAead(message key, ad)
 * </pre>
 */
public final class SealedBox {

  /** Bytes a box adds to its plaintext. */
  public static final int OVERHEAD = 1 + X25519PublicKey.LENGTH + Gcm.TAG_LENGTH;
  /** Bytes before a sealed stream's {@link StreamingAead} body. */
  public static final int STREAM_HEADER_LENGTH = OVERHEAD + SymmetricKey.LENGTH;

  static final byte VERSION = 1;
  private static final byte[] INFO = "tern/sealed-box/v1".getBytes(US_ASCII);
  private static final byte[] STREAM_LABEL = "tern/sealed-stream/v1\0".getBytes(US_ASCII);

  private final X25519PublicKey recipient;
  private final SecureRandom random;

  public SealedBox(X25519PublicKey recipient, SecureRandom random) {
    this.recipient = Objects.requireNonNull(recipient, "recipient");
    this.random = Objects.requireNonNull(random, "random");
  }

  public SealedBox(X25519PublicKey recipient) {
    this(recipient, Randomness.strong());
  }

  public X25519PublicKey recipient() {
    return recipient;
  }

  /**
   * Seals {@code plaintext} to the recipient, binding {@code associatedData}.
   *
   * @throws IllegalArgumentException if the recipient's key is a low-order point (no real key is)
   */
  public byte[] seal(byte[] plaintext, byte[] associatedData) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(associatedData, "associatedData");
    X25519KeyPair ephemeral = X25519KeyPair.generate(random);
    byte[] keyAndNonce = null;
    byte[] key = null;
    try {
      byte[] ephemeralPublic = ephemeral.publicKey().internal();
      keyAndNonce = derive(ephemeral.agree(recipient), ephemeralPublic, recipient.internal());
      key = Arrays.copyOf(keyAndNonce, Gcm.KEY_LENGTH);
      byte[] out = new byte[OVERHEAD + plaintext.length];
      out[0] = VERSION;
      System.arraycopy(ephemeralPublic, 0, out, 1, X25519PublicKey.LENGTH);
      Gcm.seal(key, nonce(keyAndNonce), associatedData, plaintext, 0, plaintext.length, out,
          1 + X25519PublicKey.LENGTH);
      return out;
    } catch (CryptoException e) {
      throw new IllegalArgumentException("cannot seal to this public key: " + e.getMessage(), e);
    } finally {
      ephemeral.destroy();
      wipe(keyAndNonce);
      wipe(key);
    }
  }

  /**
   * The plaintext of {@code box}, if it was sealed to {@code recipient}'s public key with
   * {@code associatedData}.
   */
  public static byte[] open(X25519KeyPair recipient, byte[] box, byte[] associatedData) throws CryptoException {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(box, "box");
    Objects.requireNonNull(associatedData, "associatedData");
    if (box.length < OVERHEAD) {
      throw new CryptoException.Malformed("sealed box of " + box.length + " bytes is shorter than its "
          + OVERHEAD + "-byte overhead");
    }
    if (box[0] != VERSION) {
      throw new CryptoException.Malformed("unknown sealed box version " + (box[0] & 0xff));
    }
    X25519PublicKey ephemeral = new X25519PublicKey(Arrays.copyOfRange(box, 1, 1 + X25519PublicKey.LENGTH));
    byte[] keyAndNonce = derive(recipient.agree(ephemeral), ephemeral.internal(), recipient.publicKey().internal());
    byte[] key = Arrays.copyOf(keyAndNonce, Gcm.KEY_LENGTH);
    try {
      byte[] plaintext = new byte[box.length - OVERHEAD];
      int offset = 1 + X25519PublicKey.LENGTH;
      Gcm.open(key, nonce(keyAndNonce), associatedData, box, offset, box.length - offset, plaintext, 0);
      return plaintext;
    } catch (AEADBadTagException e) {
      throw new CryptoException.AuthenticationFailed(
          "sealed box tag mismatch: another recipient, wrong associated data or altered bytes");
    } finally {
      wipe(keyAndNonce);
      wipe(key);
    }
  }

  /**
   * A stream that seals what is written to it into {@code sink}, for messages too large to hold:
   * the {@value #STREAM_HEADER_LENGTH}-byte sealed header is written at once, then segments as they
   * fill. {@link OutputStream#close()} finishes the stream and closes {@code sink}.
   */
  public OutputStream encryptingStream(OutputStream sink, byte[] associatedData) throws IOException {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(associatedData, "associatedData");
    SymmetricKey messageKey = SymmetricKey.random(random);
    try {
      byte[] header = seal(messageKey.internal(), streamHeaderData(associatedData));
      sink.write(header);
      // The stream derives its own key from the message key, which is not needed after this.
      return new StreamingAead(messageKey, random).encryptingStream(sink, associatedData);
    } finally {
      messageKey.destroy();
    }
  }

  /**
   * The plaintext of a sealed stream read from {@code source}. The sealed header is read and opened
   * now (a wrong recipient or associated data fails here); the body is verified segment by
   * segment as it is read, as {@link StreamingAead#decryptingStream} does. Closing the returned
   * stream closes {@code source}.
   *
   * @throws CorruptCiphertextException if the header is short, unknown or does not open
   */
  public static InputStream decryptingStream(X25519KeyPair recipient, InputStream source, byte[] associatedData)
      throws IOException {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(associatedData, "associatedData");
    byte[] header = source.readNBytes(STREAM_HEADER_LENGTH);
    if (header.length < STREAM_HEADER_LENGTH) {
      throw new CorruptCiphertextException(CorruptCiphertextException.Reason.MALFORMED_HEADER, -1,
          "sealed stream of " + header.length + " bytes ends inside its " + STREAM_HEADER_LENGTH + "-byte header");
    }
    byte[] keyBytes;
    try {
      keyBytes = open(recipient, header, streamHeaderData(associatedData));
    } catch (CryptoException.Malformed e) {
      throw new CorruptCiphertextException(CorruptCiphertextException.Reason.MALFORMED_HEADER, -1, e.getMessage());
    } catch (CryptoException e) {
      throw new CorruptCiphertextException(CorruptCiphertextException.Reason.AUTHENTICATION_FAILED, -1,
          "sealed stream header does not open: another recipient, wrong associated data or altered bytes");
    }
    SymmetricKey messageKey = SymmetricKey.of(keyBytes);
    wipe(keyBytes);
    StreamingAead aead = new StreamingAead(messageKey);
    byte[] streamHeader = source.readNBytes(StreamingAead.HEADER_LENGTH);
    try {
      if (streamHeader.length < StreamingAead.HEADER_LENGTH) {
        throw new CorruptCiphertextException(CorruptCiphertextException.Reason.MALFORMED_HEADER, -1,
            "sealed stream ends inside its " + StreamingAead.HEADER_LENGTH + "-byte stream header");
      }
      return DecryptingStream.body(source, aead.segmentDecrypter(streamHeader, associatedData));
    } catch (CryptoException e) {
      throw new CorruptCiphertextException(CorruptCiphertextException.Reason.MALFORMED_HEADER, -1, e.getMessage());
    } finally {
      messageKey.destroy();
    }
  }

  /** The exact length of a box sealing {@code plaintextLength} bytes. */
  public static long sealedLength(long plaintextLength) {
    if (plaintextLength < 0) {
      throw new IllegalArgumentException("plaintext length must not be negative: " + plaintextLength);
    }
    return Math.addExact(plaintextLength, OVERHEAD);
  }

  /** The exact length of a sealed stream of {@code plaintextLength} bytes, for a PUT's content length. */
  public static long streamLength(long plaintextLength) {
    return Math.addExact(STREAM_HEADER_LENGTH, StreamingAead.ciphertextLength(plaintextLength));
  }

  /** HKDF of the shared secret, which it zeroes, into a key and a nonce. */
  private static byte[] derive(byte[] shared, byte[] ephemeralPublic, byte[] recipientPublic) {
    try {
      return Hkdf.sha256(shared, Hkdf.concat(ephemeralPublic, recipientPublic), INFO, Gcm.KEY_LENGTH + Gcm.NONCE_LENGTH);
    } finally {
      wipe(shared);
    }
  }

  private static byte[] nonce(byte[] keyAndNonce) {
    return Arrays.copyOfRange(keyAndNonce, Gcm.KEY_LENGTH, Gcm.KEY_LENGTH + Gcm.NONCE_LENGTH);
  }

  private static byte[] streamHeaderData(byte[] associatedData) {
    return Hkdf.concat(STREAM_LABEL, associatedData);
  }

  private static void wipe(byte[] bytes) {
    if (bytes != null) {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "SealedBox[to " + recipient + "]";
  }
}
