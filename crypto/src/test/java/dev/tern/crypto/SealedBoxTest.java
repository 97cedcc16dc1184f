package dev.tern.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tern.crypto.CorruptCiphertextException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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

class SealedBoxTest {

  private static final byte[] AD = "users/alice/incoming/00000180d77400dc126b16aac546b769".getBytes(UTF_8);
  private static final SecureRandom RANDOM = new SecureRandom();
  private final X25519KeyPair alice = X25519KeyPair.generate();
  private final SealedBox toAlice = new SealedBox(alice.publicKey());

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  @Test
  void roundTrips() throws CryptoException {
    for (int size : new int[] {0, 1, 100, 70_000}) {
      byte[] plaintext = random(size);
      byte[] box = toAlice.seal(plaintext, AD);
      assertEquals(SealedBox.sealedLength(size), box.length);
      assertArrayEquals(plaintext, SealedBox.open(alice, box, AD));
    }
  }

  @Test
  void eachBoxHasItsOwnEphemeralKey() {
    byte[] plaintext = "same".getBytes(UTF_8);
    byte[] a = toAlice.seal(plaintext, AD);
    byte[] b = toAlice.seal(plaintext, AD);
    assertFalse(Arrays.equals(Arrays.copyOf(a, 33), Arrays.copyOf(b, 33)));
  }

  @Test
  void wrongRecipientWrongAssociatedDataFail() {
    byte[] box = toAlice.seal("hello".getBytes(UTF_8), AD);
    assertThrows(CryptoException.AuthenticationFailed.class, () -> SealedBox.open(X25519KeyPair.generate(), box, AD));
    assertThrows(CryptoException.AuthenticationFailed.class,
        () -> SealedBox.open(alice, box, "users/alice/incoming/other".getBytes(UTF_8)));
  }

  @Test
  void everySingleBitFlipFails() {
    byte[] box = toAlice.seal("Subject: hi\r\n\r\nbody".getBytes(UTF_8), AD);
    for (int i = 0; i < box.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] altered = box.clone();
        altered[i] ^= (byte) (1 << bit);
        assertThrows(CryptoException.class, () -> SealedBox.open(alice, altered, AD), "byte " + i + " bit " + bit);
      }
    }
  }

  @Test
  void malformedBoxes() {
    byte[] box = toAlice.seal(new byte[0], AD);
    assertThrows(CryptoException.Malformed.class,
        () -> SealedBox.open(alice, Arrays.copyOf(box, SealedBox.OVERHEAD - 1), AD));
    box[0] = 9;
    assertThrows(CryptoException.Malformed.class, () -> SealedBox.open(alice, box, AD));
    // An ephemeral key replaced by a low-order point.
    byte[] lowOrder = toAlice.seal(new byte[0], AD);
    Arrays.fill(lowOrder, 1, 33, (byte) 0);
    assertThrows(CryptoException.Malformed.class, () -> SealedBox.open(alice, lowOrder, AD));
    assertThrows(IllegalArgumentException.class,
        () -> new SealedBox(new X25519PublicKey(new byte[32])).seal(new byte[1], AD));
  }

  private byte[] sealStream(byte[] plaintext) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = toAlice.encryptingStream(sink, AD)) {
      out.write(plaintext);
    }
    return sink.toByteArray();
  }

  private static byte[] openStream(X25519KeyPair recipient, byte[] sealed, byte[] ad) throws IOException {
    try (InputStream in = SealedBox.decryptingStream(recipient, new ByteArrayInputStream(sealed), ad)) {
      return in.readAllBytes();
    }
  }

  @Test
  void streamsRoundTrip() throws IOException {
    for (int size : new int[] {0, 1, StreamingAead.SEGMENT_SIZE, StreamingAead.SEGMENT_SIZE + 1, 300_000}) {
      byte[] plaintext = random(size);
      byte[] sealed = sealStream(plaintext);
      assertEquals(SealedBox.streamLength(size), sealed.length);
      assertArrayEquals(plaintext, openStream(alice, sealed, AD));
    }
  }

  @Test
  void streamsFailForAnotherRecipientOrObject() throws IOException {
    byte[] sealed = sealStream(random(1000));
    var wrongKey = assertThrows(CorruptCiphertextException.class,
        () -> openStream(X25519KeyPair.generate(), sealed, AD));
    assertEquals(Reason.AUTHENTICATION_FAILED, wrongKey.reason());
    var wrongAd = assertThrows(CorruptCiphertextException.class, () -> openStream(alice, sealed, new byte[0]));
    assertEquals(Reason.AUTHENTICATION_FAILED, wrongAd.reason());
    // A sealed stream's header is not a sealed box of the same associated data, nor the reverse.
    assertThrows(CryptoException.AuthenticationFailed.class,
        () -> SealedBox.open(alice, Arrays.copyOf(sealed, SealedBox.STREAM_HEADER_LENGTH), AD));
  }

  @Test
  void everySingleByteFlipOfASealedStreamFails() throws IOException {
    byte[] sealed = sealStream(random(100));
    for (int i = 0; i < sealed.length; i++) {
      byte[] altered = sealed.clone();
      altered[i] ^= (byte) 0x80;
      assertThrows(CorruptCiphertextException.class, () -> openStream(alice, altered, AD), "byte " + i);
    }
    for (int cut = 0; cut < sealed.length; cut++) {
      byte[] truncated = Arrays.copyOf(sealed, cut);
      assertThrows(CorruptCiphertextException.class, () -> openStream(alice, truncated, AD), "cut at " + cut);
    }
  }

  /** What LMTP does with a large message: sealed while it arrives, never whole in memory. */
  @Test
  void streamsTwentyMegabytesThroughAPipe() throws Exception {
    long size = 20L << 20;
    PipedInputStream pipeIn = new PipedInputStream(StreamingAead.SEGMENT_SIZE);
    PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<byte[]> written = executor.submit(() -> {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = toAlice.encryptingStream(pipeOut, AD)) {
          SplittableRandom generator = new SplittableRandom(9);
          byte[] chunk = new byte[8192];
          for (long left = size; left > 0; left -= chunk.length) {
            StreamingAeadTest.fill(generator, chunk, chunk.length);
            digest.update(chunk);
            out.write(chunk);
          }
        }
        return digest.digest();
      });
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = SealedBox.decryptingStream(alice, pipeIn, AD)) {
        byte[] buffer = new byte[10_000];
        int n;
        while ((n = in.read(buffer)) > 0) {
          digest.update(buffer, 0, n);
        }
      }
      assertArrayEquals(written.get(), digest.digest());
    }
  }
}
