package dev.tern.mailbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Any bytes are a message: random byte arrays and random mutations of the test messages parse
 * without an exception (MessageParser declares only the IOException of its input stream), keep the
 * invariants ({@link Invariants}), and give the same summary however the input is split into
 * reads. The codec never fails other than with an IOException.
 */
class MessageParserPropertiesTest {

  private static final byte[][] TOKENS = {
      "\r\n".getBytes(StandardCharsets.ISO_8859_1), "\n".getBytes(StandardCharsets.ISO_8859_1),
      "\r".getBytes(StandardCharsets.ISO_8859_1), ":".getBytes(StandardCharsets.ISO_8859_1),
      ";".getBytes(StandardCharsets.ISO_8859_1), "--".getBytes(StandardCharsets.ISO_8859_1),
      "\"".getBytes(StandardCharsets.ISO_8859_1), "\\".getBytes(StandardCharsets.ISO_8859_1),
      "(".getBytes(StandardCharsets.ISO_8859_1), "<".getBytes(StandardCharsets.ISO_8859_1),
      "@".getBytes(StandardCharsets.ISO_8859_1), ",".getBytes(StandardCharsets.ISO_8859_1),
      " ".getBytes(StandardCharsets.ISO_8859_1), "\0".getBytes(StandardCharsets.ISO_8859_1),
      "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
      "Content-Type: multipart/mixed; boundary=b\r\n".getBytes(StandardCharsets.ISO_8859_1),
      "\r\n--b\r\n".getBytes(StandardCharsets.ISO_8859_1), "\r\n--b--\r\n".getBytes(StandardCharsets.ISO_8859_1),
      "Content-Type: message/rfc822\r\n".getBytes(StandardCharsets.ISO_8859_1),
      "Content-Type: multipart/digest; boundary=\"\"\r\n".getBytes(StandardCharsets.ISO_8859_1),
      "MIME-Version: 1.0\r\n".getBytes(StandardCharsets.ISO_8859_1),
      "; name*0*=utf-8''a; name*1=b".getBytes(StandardCharsets.ISO_8859_1),
      "To: g: a@b, (c\r\n".getBytes(StandardCharsets.ISO_8859_1), {(byte) 0xc3, (byte) 0xa9}};

  private static final List<byte[]> SEEDS = seeds();

  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    for (Path p : Fixtures.own()) {
      seeds.add(Fixtures.read(p));
    }
    for (String dir : List.of("rfc", "thirdparty", "dxflrs", "malformed")) {
      for (Path p : Fixtures.shared(dir)) {
        seeds.add(Fixtures.read(p));
      }
    }
    return seeds;
  }

  @Property(tries = 300)
  void randomBytesParse(@ForAll @Size(max = 3000) byte[] bytes) {
    Invariants.check(bytes, Fixtures.parse(bytes));
  }

  @Property(tries = 600)
  void mutatedMessagesParse(@ForAll("mutants") byte[] message) {
    Invariants.check(message, Fixtures.parse(message));
    byte[] stored = OwnMessagesTest.normalize(message);
    Invariants.check(stored, Fixtures.parse(stored));
  }

  @Property(tries = 200)
  void readsOfAnySizeGiveTheSameSummary(@ForAll("mutants") byte[] message, @ForAll long seed) throws IOException {
    MessageSummary whole = Fixtures.parse(message);
    MessageSummary trickled = MessageParser.parse(new Trickle(message, new Random(seed)), Fixtures.DATE);
    assertEquals(whole, trickled);
  }

  @Property(tries = 300)
  void corruptEncodingsFailOnlyWithIOException(@ForAll("mutants") byte[] message, @ForAll long seed) {
    byte[] encoded = MessageSummaryCodec.encode(Fixtures.parse(message));
    Random random = new Random(seed);
    byte[] corrupt = encoded.clone();
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
    }
    int length = random.nextBoolean() ? corrupt.length : random.nextInt(corrupt.length + 1);
    byte[] cut = java.util.Arrays.copyOf(corrupt, length);
    try {
      MessageSummary decoded = MessageSummaryCodec.decode(cut);
      assertTrue(decoded.physicalSize() >= 0);
    } catch (IOException expected) {
      // the one way to fail
    }
  }

  @Property(tries = 300)
  void normalisedLineEndsHaveNoBareLineFeed(@ForAll("mutants") byte[] message, @ForAll long seed) throws IOException {
    byte[] whole = OwnMessagesTest.normalize(message);
    byte[] trickled = new LineEndNormalizer(new Trickle(message, new Random(seed))).readAllBytes();
    assertEquals(new String(whole, StandardCharsets.ISO_8859_1), new String(trickled, StandardCharsets.ISO_8859_1));
    for (int i = 0; i < whole.length; i++) {
      if (whole[i] == '\n') {
        assertTrue(i > 0 && whole[i - 1] == '\r', "LF at " + i + " has a CR before it");
      }
    }
  }

  @Provide
  Arbitrary<byte[]> mutants() {
    return Arbitraries.longs().map(seed -> mutate(new Random(seed)));
  }

  private static byte[] mutate(Random random) {
    byte[] seed = SEEDS.get(random.nextInt(SEEDS.size()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(seed);
    byte[] data = out.toByteArray();
    int mutations = 1 + random.nextInt(5);
    for (int m = 0; m < mutations; m++) {
      int at = data.length == 0 ? 0 : random.nextInt(data.length + 1);
      ByteArrayOutputStream next = new ByteArrayOutputStream();
      switch (random.nextInt(4)) {
        case 0 -> { // insert a token
          next.write(data, 0, at);
          next.writeBytes(TOKENS[random.nextInt(TOKENS.length)]);
          next.write(data, at, data.length - at);
        }
        case 1 -> { // delete a range
          int end = Math.min(data.length, at + 1 + random.nextInt(40));
          next.write(data, 0, at);
          next.write(data, end, data.length - end);
        }
        case 2 -> { // change a byte
          next.writeBytes(data);
          if (data.length > 0) {
            byte[] changed = next.toByteArray();
            changed[random.nextInt(changed.length)] = (byte) random.nextInt(256);
            next.reset();
            next.writeBytes(changed);
          }
        }
        default -> { // duplicate a range
          int end = Math.min(data.length, at + random.nextInt(200));
          next.write(data, 0, end);
          next.write(data, at, end - at);
          next.write(data, end, data.length - end);
        }
      }
      data = next.toByteArray();
    }
    return data;
  }

  /** Returns a few random bytes per read. */
  static final class Trickle extends InputStream {
    private final ByteArrayInputStream in;
    private final Random random;

    Trickle(byte[] bytes, Random random) {
      this.in = new ByteArrayInputStream(bytes);
      this.random = random;
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return in.read(b, off, Math.min(len, 1 + random.nextInt(7)));
    }
  }
}
