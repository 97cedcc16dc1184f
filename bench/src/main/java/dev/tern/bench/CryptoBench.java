package dev.tern.bench;

import dev.tern.crypto.Aead;
import dev.tern.crypto.Argon2Params;
import dev.tern.crypto.CryptoException;
import dev.tern.crypto.PasswordSlot;
import dev.tern.crypto.SealedBox;
import dev.tern.crypto.SlotSalt;
import dev.tern.crypto.StreamingAead;
import dev.tern.crypto.SymmetricKey;
import dev.tern.crypto.X25519KeyPair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The costs the crypto module puts on every request: AES-256-GCM seal + open of a small object
 * (4 KiB: an op or a summary) and of a large one (1 MiB), streaming encryption and decryption of a
 * 1 MiB message in 64 KiB segments, a 4 KiB sealed box (LMTP, with one X25519 agreement), and one
 * Argon2id derivation at the default cost (what an uncached login pays).
 *
 * <p>Throughput is in operations per second: multiply by the size for bytes per second.
 *
 * <pre>bench/run CryptoBench -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Thread)
public class CryptoBench {

  private static final byte[] AD = "users/alice/blob/00000180d77400dc126b16aac546b769".getBytes(StandardCharsets.UTF_8);
  private static final int MIB = 1 << 20;

  /** A payload of the size given, with an AEAD and a box recipient. */
  @State(Scope.Thread)
  public static class Payload {
    @Param({"4096", "1048576"})
    public int size;

    byte[] plaintext;
    Aead aead;

    @Setup(Level.Trial)
    public void setUp() {
      SecureRandom random = new SecureRandom();
      plaintext = new byte[size];
      random.nextBytes(plaintext);
      aead = new Aead(SymmetricKey.random(random), random);
    }
  }

  private final SecureRandom random = new SecureRandom();
  private byte[] message;
  private byte[] messageCiphertext;
  private byte[] smallMessage;
  private StreamingAead streaming;
  private X25519KeyPair recipient;
  private SealedBox sealedBox;
  private SlotSalt slotSalt;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    message = new byte[MIB];
    random.nextBytes(message);
    smallMessage = new byte[4096];
    random.nextBytes(smallMessage);
    streaming = new StreamingAead(SymmetricKey.random(random), random);
    ByteArrayOutputStream sink = new ByteArrayOutputStream(MIB + 1024);
    try (OutputStream out = streaming.encryptingStream(sink, AD)) {
      out.write(message);
    }
    messageCiphertext = sink.toByteArray();
    recipient = X25519KeyPair.generate(random);
    sealedBox = new SealedBox(recipient.publicKey(), random);
    slotSalt = SlotSalt.random(Argon2Params.DEFAULT, random);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public byte[] aeadSealOpen(Payload payload) throws CryptoException {
    return payload.aead.open(payload.aead.seal(payload.plaintext, AD), AD);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void streamingEncrypt1MiB(Blackhole blackhole) throws IOException {
    // Written in 8 KiB chunks, as a network handler would; the sink only counts.
    OutputStream sink = new BlackholeStream(blackhole);
    try (OutputStream out = streaming.encryptingStream(sink, AD)) {
      for (int i = 0; i < MIB; i += 8192) {
        out.write(message, i, 8192);
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long streamingDecrypt1MiB() throws IOException {
    byte[] buffer = new byte[8192];
    long total = 0;
    try (InputStream in = streaming.decryptingStream(new ByteArrayInputStream(messageCiphertext), AD)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
      }
    }
    return total;
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public byte[] sealedBoxSealOpen4KiB() throws CryptoException {
    return SealedBox.open(recipient, sealedBox.seal(smallMessage, AD), AD);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public String argon2idDefaultDerivation() {
    PasswordSlot slot = PasswordSlot.derive("correct horse battery staple", new byte[0], slotSalt);
    slot.destroy();
    return slot.id();
  }

  /** An output stream that hands every chunk to the blackhole, so nothing is optimised away. */
  private static final class BlackholeStream extends OutputStream {
    private final Blackhole blackhole;

    BlackholeStream(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public void write(int b) {
      blackhole.consume(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      blackhole.consume(b);
      blackhole.consume(len);
    }
  }
}
