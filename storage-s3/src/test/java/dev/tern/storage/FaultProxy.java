package dev.tern.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy for fault tests: listens on 127.0.0.1 and a free port, forwards to a target (an
 * {@link S3ProxyServer}, say), and fails on demand the way a network or an S3 server does. The
 * {@link Mode} can be switched at any time; it decides what new connections get, and connections
 * already open follow as far as they can (see each mode).
 *
 * <pre>{@code
 * try (S3ProxyServer s3 = S3ProxyServer.start();
 *      FaultProxy proxy = FaultProxy.start(s3.endpoint());
 *      S3ObjectStore store = new S3ObjectStore(s3.config(proxy.endpoint()))) {
 *   proxy.mode(FaultProxy.Mode.STALL);
 *   ...
 * }
 * }</pre>
 *
 * <p>Exported in the {@code tern-storage-s3} test-jar.
 */
public final class FaultProxy implements AutoCloseable {

  /** What the proxy does with connections. */
  public enum Mode {
    /** Forwards bytes both ways. */
    PASS,
    /** Resets each connection (SO_LINGER 0) as it is accepted, and every connection already open. */
    RESET,
    /**
     * Accepts, reads and throws away, never answers, so the client's socket timeout fires. Open
     * connections stop forwarding in both directions.
     */
    STALL,
    /**
     * Answers each request {@code 503 Service Unavailable} with S3's {@code SlowDown} error and
     * {@code Connection: close}. Open connections are reset (the proxy cannot tell where their next
     * request starts), so a client's next attempt comes on a new connection and gets the 503.
     */
    HTTP_503
  }

  static final String SLOW_DOWN_XML = """
      <?xml version="1.0" encoding="UTF-8"?>
      <Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>\
      <RequestId>fault-proxy</RequestId></Error>
      """;

  private static final int BUFFER = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  /** How long a 503 connection waits for the client to close after the answer, or a header to end. */
  private static final int ANSWER_TIMEOUT_MILLIS = 10_000;
  private static final int MAX_HEADER = 64 * 1024;

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;
  private volatile Mode mode = Mode.PASS;

  private FaultProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
    this.acceptor = Thread.ofPlatform().daemon().name("fault-proxy-" + server.getLocalPort()).start(this::accept);
  }

  /** A proxy to {@code target}, in {@link Mode#PASS}. */
  public static FaultProxy start(InetSocketAddress target) {
    Objects.requireNonNull(target, "target");
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      return new FaultProxy(server, target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A proxy to the host and port of {@code endpoint} ({@code http://127.0.0.1:9000}). */
  public static FaultProxy start(URI endpoint) {
    return start(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
  }

  /** {@code http://127.0.0.1:port}, to configure an S3 client with. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  public int port() {
    return server.getLocalPort();
  }

  public Mode mode() {
    return mode;
  }

  /** Switches to {@code newMode}; connections already open follow it as {@link Mode} describes. */
  public synchronized void mode(Mode newMode) {
    Objects.requireNonNull(newMode, "newMode");
    mode = newMode;
    for (Connection connection : connections) {
      switch (newMode) {
        case PASS -> {
          // A stalled connection lost bytes on the way: it cannot carry on.
          if (connection.stalled) {
            connection.reset();
          }
        }
        case STALL -> connection.stalled = true;
        case RESET, HTTP_503 -> connection.reset();
      }
    }
  }

  /** Connections accepted so far, whatever happened to them. */
  public int accepted() {
    return accepted.get();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Connection connection : connections) {
      connection.reset();
    }
    try {
      acceptor.join(ANSWER_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FaultProxy[" + endpoint() + " -> " + target + ", " + mode + "]";
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      Connection connection = new Connection(client);
      synchronized (this) {
        // Registered under the lock so that a mode switch either sees it or came before it.
        connections.add(connection);
        connection.mode = mode;
        connection.stalled = mode == Mode.STALL;
      }
      Thread.ofVirtual().name("fault-proxy-connection").start(() -> serve(connection));
    }
  }

  private void serve(Connection connection) {
    try {
      switch (connection.mode) {
        case RESET -> connection.reset();
        case STALL -> discard(connection, connection.client.getInputStream());
        case HTTP_503 -> answer503(connection);
        case PASS -> forward(connection);
      }
    } catch (IOException e) {
      connection.reset();
    } finally {
      connections.remove(connection);
    }
  }

  /** Reads until the client closes (or the connection is reset), answering nothing. */
  private static void discard(Connection connection, InputStream in) throws IOException {
    byte[] buffer = new byte[BUFFER];
    while (in.read(buffer) >= 0) {
      // thrown away
    }
    connection.reset();
  }

  private void forward(Connection connection) throws IOException {
    Socket upstream = new Socket();
    connection.upstream = upstream;
    if (connection.closed) {
      upstream.close(); // reset while connecting
      return;
    }
    upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
    Thread back = Thread.ofVirtual().name("fault-proxy-back").start(() -> {
      try {
        pump(connection, upstream.getInputStream(), connection.client.getOutputStream());
        if (!connection.stalled) {
          connection.closeGracefully(); // the server closed: pass its FIN on
        }
      } catch (IOException e) {
        connection.reset();
      }
    });
    try {
      pump(connection, connection.client.getInputStream(), upstream.getOutputStream());
      connection.closeGracefully();
    } catch (IOException e) {
      connection.reset(); // which also ends the pump the other way
    } finally {
      try {
        back.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Copies until end of stream; once the connection stalls, reads on but passes nothing on. */
  private static void pump(Connection connection, InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[BUFFER];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      if (!connection.stalled) {
        out.write(buffer, 0, n);
      }
    }
  }

  /**
   * Reads the request head, answers 503 SlowDown and closes once the client has: closing with its
   * request body unread would send a reset instead of the answer.
   */
  private static void answer503(Connection connection) throws IOException {
    Socket client = connection.client;
    client.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
    InputStream in = client.getInputStream();
    String head = readHead(in);
    if (head == null) {
      connection.reset();
      return;
    }
    byte[] body = SLOW_DOWN_XML.getBytes(StandardCharsets.UTF_8);
    boolean headRequest = head.startsWith("HEAD ");
    String response = "HTTP/1.1 503 Service Unavailable\r\n"
        + "Content-Type: application/xml\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "x-amz-request-id: fault-proxy\r\n"
        + "Connection: close\r\n"
        + "\r\n";
    OutputStream out = client.getOutputStream();
    out.write(response.getBytes(StandardCharsets.US_ASCII));
    if (!headRequest) {
      out.write(body);
    }
    out.flush();
    client.shutdownOutput();
    try {
      discard(connection, in);
    } catch (IOException e) {
      connection.reset(); // the client did not close in time
    }
  }

  /** The request line and headers, up to the empty line; null if the client closed first. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0; // of "\r\n\r\n"
    while (matched < 4) {
      int b = in.read();
      if (b < 0 || head.size() > MAX_HEADER) {
        return null;
      }
      head.write(b);
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** One client connection and, when forwarding, its upstream connection. */
  private static final class Connection {
    final Socket client;
    volatile Socket upstream;
    volatile Mode mode;
    volatile boolean stalled;
    volatile boolean closed;

    Connection(Socket client) {
      this.client = client;
    }

    /** Closes the client's side with a TCP reset rather than a FIN. */
    void reset() {
      closed = true;
      try {
        client.setSoLinger(true, 0);
      } catch (IOException e) {
        // already closed
      }
      closeQuietly(client);
      closeQuietly(upstream);
    }

    void closeGracefully() {
      closed = true;
      closeQuietly(client);
      closeQuietly(upstream);
    }

    private static void closeQuietly(Socket socket) {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException e) {
          // nothing more to do
        }
      }
    }
  }
}
