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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Sessions while the whole store is unavailable (every request fails, as with S3 unreachable): a
 * refused LOGIN leaves the session unauthenticated, and an IDLE outlives failed polls. The daemon's
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

  /** A store that refuses every request while {@link #failing}, counting the refusals. */
  static final class UnavailableStore extends ForwardingObjectStore {
    volatile boolean failing;
    final AtomicInteger refused = new AtomicInteger();

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
      return super.get(key, range);
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
