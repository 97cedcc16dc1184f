package dev.tern.crypto;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Password bytes in an array the caller can zero, unlike {@code String.getBytes}'s. */
final class Passwords {

  private Passwords() {}

  /**
   * The UTF-8 bytes of {@code password}, as typed: no Unicode normalisation, so hashes agree with
   * other Argon2 tools. Unpaired surrogates are rejected rather than replaced by '?', which would
   * let distinct passwords collide.
   */
  static byte[] utf8(CharSequence password) {
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer buffer;
    try {
      buffer = encoder.encode(CharBuffer.wrap(password));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("password is not valid Unicode (unpaired surrogate)");
    }
    byte[] out = Arrays.copyOfRange(buffer.array(), buffer.arrayOffset(), buffer.arrayOffset() + buffer.limit());
    Arrays.fill(buffer.array(), (byte) 0);
    return out;
  }
}
