package dev.tern.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FaultProxy} in front of S3Proxy: each mode fails an {@link S3ObjectStore}'s requests as a
 * broken network or server would (a {@link TransientStorageException} with the cause it names),
 * open connections follow a switch, and back in {@code PASS} the same store works again.
 */
class FaultProxyTest {

  private static final ObjectKey KEY = ObjectKey.of("users/1/blob/a");
  private static final byte[] DATA = "through the proxy".getBytes(UTF_8);

  private static S3ProxyServer server;
  private FaultProxy proxy;
  private S3ObjectStore store;

  @BeforeAll
  static void startServer() {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void startProxy() {
    proxy = FaultProxy.start(server.endpoint());
    // One attempt, short timeouts: each failure shows as it is, at once.
    store = new S3ObjectStore(server.config(proxy.endpoint())
        .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))
        .withMaxAttempts(1));
    store.put(KEY, DATA);
  }

  @AfterEach
  void stopProxy() {
    store.close();
    proxy.close();
  }

  @Test
  void passForwardsRequestsAndAnswers() {
    assertArrayEquals(DATA, store.getBytes(KEY));
    assertEquals(1, store.list(ListRequest.of("users/1/")).objects().size());
    assertTrue(proxy.accepted() >= 1, "the requests went through the proxy");
  }

  @Test
  void resetFailsRequestsWithAConnectionResetUntilItPassesAgain() {
    proxy.mode(FaultProxy.Mode.RESET);
    TransientStorageException e = assertThrows(TransientStorageException.class, () -> store.getBytes(KEY));
    assertTrue(causedBy(e, SocketException.class) || e.getMessage().contains("reset"), e::toString);
    assertThrows(TransientStorageException.class, () -> store.put(ObjectKey.of("users/1/blob/b"), DATA));

    proxy.mode(FaultProxy.Mode.PASS);
    assertArrayEquals(DATA, store.getBytes(KEY));
  }

  @Test
  void stallLetsTheSocketTimeoutFireAlsoOnAConnectionOpenedBefore() {
    assertArrayEquals(DATA, store.getBytes(KEY)); // leaves a pooled connection to the proxy
    int before = proxy.accepted();
    proxy.mode(FaultProxy.Mode.STALL);
    TransientStorageException e = assertThrows(TransientStorageException.class, () -> store.getBytes(KEY));
    assertTrue(causedBy(e, SocketTimeoutException.class), e::toString);
    assertEquals(before, proxy.accepted(), "the request went on the pooled connection, which stalled");
    TransientStorageException fresh = assertThrows(TransientStorageException.class, () -> store.head(KEY));
    assertTrue(causedBy(fresh, SocketTimeoutException.class), fresh::toString);
    assertEquals(before + 1, proxy.accepted(), "a new connection stalls as well");

    proxy.mode(FaultProxy.Mode.PASS);
    assertArrayEquals(DATA, store.getBytes(KEY));
  }

  @Test
  void http503IsATransientSlowDown() {
    proxy.mode(FaultProxy.Mode.HTTP_503);
    // The store's pooled connection is reset by the switch: whatever the first request gets, it fails.
    assertThrows(TransientStorageException.class, () -> store.head(KEY));
    for (Runnable request : new Runnable[] {
        () -> store.getBytes(KEY),
        () -> store.put(ObjectKey.of("users/1/blob/b"), DATA), // its body unread by the proxy
        () -> store.list(ListRequest.of("users/"))}) {
      TransientStorageException e = assertThrows(TransientStorageException.class, request::run);
      assertTrue(e.getMessage().contains("HTTP 503 SlowDown"), e::toString);
    }
    // The answer to a HEAD has no body, hence no error code.
    TransientStorageException head = assertThrows(TransientStorageException.class, () -> store.head(KEY));
    assertTrue(head.getMessage().contains("HTTP 503"), head::toString);

    proxy.mode(FaultProxy.Mode.PASS);
    assertEquals(java.util.Optional.of(new ObjectInfo(KEY, DATA.length)), store.head(KEY));
    assertEquals(java.util.Optional.empty(), store.head(ObjectKey.of("users/1/blob/b")), "the refused put stored nothing");
  }

  @Test
  void aRawResetIsAnRstAndARaw503IsOneWholeAnswer() throws IOException {
    proxy.mode(FaultProxy.Mode.RESET);
    try (Socket socket = new Socket(proxy.endpoint().getHost(), proxy.port())) {
      socket.setSoTimeout(5_000);
      SocketException e = assertThrows(SocketException.class, () -> {
        OutputStream out = socket.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().read();
      });
      assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("reset"), e::toString);
    }

    proxy.mode(FaultProxy.Mode.HTTP_503);
    try (Socket socket = new Socket(proxy.endpoint().getHost(), proxy.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write("GET /tern/x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), answer);
      assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
      byte[] body = FaultProxy.SLOW_DOWN_XML.getBytes(UTF_8);
      assertTrue(answer.contains("\r\nContent-Length: " + body.length + "\r\n"), answer);
      assertTrue(answer.endsWith("\r\n\r\n" + FaultProxy.SLOW_DOWN_XML), answer);
    }
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
