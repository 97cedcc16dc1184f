package dev.tern.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An X25519 public key (RFC 7748): the 32-byte little-endian u-coordinate. Not secret: it is
 * stored in clear at {@code users/<id>/keys/public} and is all LMTP needs to seal incoming mail.
 * The array is copied in and out, so a key, once made, cannot change.
 *
 * @param bytes the 32 bytes (copied)
 */
public record X25519PublicKey(byte[] bytes) {

  public static final int LENGTH = 32;

  public X25519PublicKey {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("an X25519 public key is " + LENGTH + " bytes, not " + bytes.length);
    }
    bytes = bytes.clone();
  }

  /** A copy of the 32 bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The array itself, for code in this package that only reads it. */
  byte[] internal() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof X25519PublicKey other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The key in hex; a public key may be logged. */
  @Override
  public String toString() {
    return "X25519PublicKey[" + HexFormat.of().formatHex(bytes) + "]";
  }
}
