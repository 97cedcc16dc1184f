package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.imap.protocol.ImapLimits;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.User;
import dev.tern.storage.ByteRange;
import dev.tern.storage.ForwardingObjectStore;
import dev.tern.storage.ListPage;
import dev.tern.storage.ListRequest;
import dev.tern.storage.MemoryObjectStore;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.TransientStorageException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sessions while the whole store is unavailable (every request fails, as with S3 unreachable): a
 * refused LOGIN leaves the session unauthenticated, an IDLE outlives failed polls, and a message
 * read that breaks midway never passes for the whole message. The daemon's
 * {@code StoreFaultTest} does the same through a real S3 server and a fault proxy.
 */
class StoreUnavailableTest {

  private static final ImapConfig FAST_POLLS = new ImapConfig(ImapLimits.DEFAULTS, Optional.empty(), false, true,
      Duration.ofMillis(100), Duration.ofMillis(10), Duration.ofMinutes(30));

  @Test
  void aLoginRefusedForAnUnavailableStoreCanBeTriedAgainOnTheSameConnection() {
    UnavailableStore store = new UnavailableStore(new MemoryObjectStore());
    try (TestServer server = new TestServer(store, FAST_POLLS); ImapClient client = server.connect()) {
      store.failing = true;
      List<String> refused = client.command("a", "LOGIN alice " + TestServer.PASSWORD);
      assertEquals(List.of("a NO [UNAVAILABLE] Storage temporarily unavailable, try again"), refused);
      assertTrue(client.command("b", "SELECT INBOX").getLast().startsWith("b BAD"), "still not logged in");

      store.failing = false;
      List<String> again = client.command("c", "LOGIN alice " + TestServer.PASSWORD);
      assertTrue(again.getLast().startsWith("c OK"), again.toString());
      assertTrue(client.command("d", "SELECT INBOX").getLast().startsWith("d OK"));
    }
  }

  @Test
  void anIdleSessionKeepsIdlingThroughFailedPollsAndHearsOfMailAfterwards() throws Exception {
    UnavailableStore store = new UnavailableStore(new MemoryObjectStore());
    try (TestServer server = new TestServer(store, FAST_POLLS); ImapClient client = server.connect()) {
      client.login();
      assertTrue(client.command("a", "SELECT INBOX").contains("* 0 EXISTS"));
      client.send("b IDLE\r\n");
      assertTrue(client.readLine().startsWith("+ "));

      store.failing = true;
      int refusedBefore = store.refused.get();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (store.refused.get() < refusedBefore + 3) { // several polls failed
        assertTrue(System.nanoTime() < deadline, "the IDLE session stopped polling: " + store.refused);
        Thread.sleep(10);
      }
      store.failing = false;

      // Another node delivers; this node learns of it only by polling.
      Accounts other = server.node();
      User alice = other.users().byLogin("alice").orElseThrow();
      byte[] message = "Subject: later\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
      other.deliver(alice, new ByteArrayInputStream(message), message.length);
      assertEquals("* 1 EXISTS", client.readResponse());
      client.send("DONE\r\n");
      List<String> done = client.until("b");
      assertTrue(done.getLast().startsWith("b OK"), done.toString());
    }
  }

  /**
   * A blob read that breaks after the literal's length went out (the S3 connection reset midway):
   * the connection closes with the literal unfinished, never padded nor followed by a NO, so no
   * client can take the part it got for the message.
   */
  @ParameterizedTest(name = "failing with an IOException: {0}")
  @ValueSource(booleans = {true, false})
  void aBodyReadThatBreaksMidLiteralClosesTheConnectionWithTheLiteralUnfinished(boolean ioException) throws Exception {
    UnavailableStore store = new UnavailableStore(new MemoryObjectStore());
    try (TestServer server = new TestServer(store, FAST_POLLS); ImapClient client = server.connect()) {
      client.login();
      String message = "Subject: big\r\n\r\n" + "0123456789abcdef\r\n".repeat(20_000);
      client.send("a APPEND INBOX {" + message.length() + "+}\r\n" + message + "\r\n");
      assertTrue(client.until("a").getLast().startsWith("a OK"));
      client.command("b", "SELECT INBOX");

      store.breakBlobReadsAfter(100_000, ioException);
      client.send("c FETCH 1 BODY.PEEK[]\r\n");
      // Whatever part of the response got out before the close, it stops inside the literal.
      String got = new String(client.readToEnd(), StandardCharsets.US_ASCII);
      String header = "* 1 FETCH (BODY[] {" + message.length() + "}\r\n";
      if (got.length() <= header.length()) {
        assertTrue(header.startsWith(got), got);
      } else {
        assertTrue(got.startsWith(header), got.substring(0, header.length()));
        String literal = got.substring(header.length());
        assertTrue(literal.length() < message.length(), "the literal was finished: " + literal.length() + " bytes");
        assertTrue(message.startsWith(literal), "only the message's own bytes");
      }
    }
  }

  /** A header read that breaks before anything of the response went out: NO, and the connection goes on. */
  @Test
  void aReadThatBreaksBeforeTheResponseIsAnsweredUnavailable() {
    UnavailableStore store = new UnavailableStore(new MemoryObjectStore());
    try (TestServer server = new TestServer(store, FAST_POLLS); ImapClient client = server.connect()) {
      client.login();
      String message = "Subject: short\r\n\r\nhello\r\n";
      client.send("a APPEND INBOX {" + message.length() + "+}\r\n" + message + "\r\n");
      assertTrue(client.until("a").getLast().startsWith("a OK"));
      client.command("b", "SELECT INBOX");

      store.breakBlobReadsAfter(50, true); // inside the first segment, after the stream header
      assertEquals(List.of("c NO [UNAVAILABLE] Storage temporarily unavailable, try again"),
          client.command("c", "FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]"));
      store.breakBlobReadsAfter(-1, true);
      assertEquals("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: short\r\n\r\n)",
          client.command("d", "FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]").getFirst());
    }
  }

  /**
   * The second section of a FETCH cannot be read once the first one's literal went out: the
   * response cannot be finished, so the connection closes instead of a NO being read as its rest.
   */
  @Test
  void aFailureAfterALiteralWentOutClosesTheConnection() {
    UnavailableStore store = new UnavailableStore(new MemoryObjectStore());
    try (TestServer server = new TestServer(store, FAST_POLLS); ImapClient client = server.connect()) {
      client.login();
      String message = "Subject: two parts\r\n\r\nhello\r\n";
      client.send("a APPEND INBOX {" + message.length() + "+}\r\n" + message + "\r\n");
      assertTrue(client.until("a").getLast().startsWith("a OK"));
      client.command("b", "SELECT INBOX");

      store.failBlobGetsAfter(1);
      client.send("c FETCH 1 (BODY.PEEK[HEADER] BODY.PEEK[TEXT])\r\n");
      String got = new String(client.readToEnd(), StandardCharsets.US_ASCII);
      String whole = "* 1 FETCH (BODY[HEADER] {22}\r\nSubject: two parts\r\n\r\n BODY[TEXT] {7}\r\nhello\r\n)\r\n";
      assertTrue(whole.startsWith(got) && got.length() < whole.length(), "not a cut of the response: " + got);
    }
  }

  /** A store that refuses every request while {@link #failing}, counting the refusals. */
  static final class UnavailableStore extends ForwardingObjectStore {
    volatile boolean failing;
    final AtomicInteger refused = new AtomicInteger();
    private volatile long breakAfter = -1;
    private final AtomicInteger blobGetsLeft = new AtomicInteger(-1);
    private volatile boolean breakWithIoException;

    UnavailableStore(ObjectStore delegate) {
      super(delegate);
    }

    private void check(String what) {
      if (failing) {
        refused.incrementAndGet();
        throw new TransientStorageException(what + " refused: the store is unavailable", null);
      }
    }

    @Override
    public void put(ObjectKey key, InputStream data, long length) {
      check("put " + key);
      super.put(key, data, length);
    }

    @Override
    public InputStream get(ObjectKey key) {
      check("get " + key);
      return super.get(key);
    }

    @Override
    public InputStream get(ObjectKey key, ByteRange range) {
      check("get " + key);
      if (key.value().contains("/blob/") && blobGetsLeft.getAndDecrement() == 0) {
        throw new TransientStorageException("get " + key + " refused by the test", null);
      }
      InputStream in = super.get(key, range);
      long after = breakAfter;
      if (after < 0 || !key.value().contains("/blob/")) {
        return in;
      }
      boolean io = breakWithIoException;
      return new FilterInputStream(in) {
        private long left = after;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (left <= 0) {
            if (io) {
              throw new IOException("Connection reset");
            }
            throw new TransientStorageException("get " + key + ": connection reset", null);
          }
          int n = super.read(b, off, (int) Math.min(len, left));
          left -= Math.max(0, n);
          return n;
        }
      };
    }

    /** Ranged blob gets after the next {@code gets} fail (one of them, then the count runs below zero). */
    void failBlobGetsAfter(int gets) {
      blobGetsLeft.set(gets);
    }

    /** Blob reads from now on deliver {@code bytes} and then fail, with an IOException or not; -1: they do not. */
    void breakBlobReadsAfter(long bytes, boolean ioException) {
      breakWithIoException = ioException;
      breakAfter = bytes;
    }

    @Override
    public Optional<ObjectInfo> head(ObjectKey key) {
      check("head " + key);
      return super.head(key);
    }

    @Override
    public ListPage list(ListRequest request) {
      check("list " + request.prefix());
      return super.list(request);
    }

    @Override
    public void delete(ObjectKey key) {
      check("delete " + key);
      super.delete(key);
    }

    @Override
    public void deleteMany(Collection<ObjectKey> keys) {
      check("delete");
      super.deleteMany(keys);
    }
  }
}
