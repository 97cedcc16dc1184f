package dev.tern.daemon.auth;

import dev.tern.crypto.CryptoRoot;
import dev.tern.crypto.PasswordHash;
import dev.tern.daemon.Node;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.MemoryObjectStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The real wiring, {@link Node#listenAuth}, on a free loopback port: alice (password hunter2),
 * and bob, whose hash in the directory is broken (his checks fail as temporary errors).
 */
final class AuthFixture implements AutoCloseable {

  static final String PASSWORD = "hunter2";

  final Node node;
  final InetSocketAddress address;

  AuthFixture(AuthConfig config) {
    UserDirectory users = UserDirectory.of(List.of(
        new User("alice", "alice", List.of("alice@example.tld"), PasswordHash.create(PASSWORD).toString(),
            new CryptoRoot.Pass(Optional.empty())),
        new User("bob", "bob", List.of("bob@example.tld"), "$argon2id$not-a-hash",
            new CryptoRoot.Pass(Optional.empty()))));
    node = new Node(new MemoryObjectStore(), users, new byte[0]);
    address = node.listenAuth(new InetSocketAddress("127.0.0.1", 0), config);
  }

  Client connect() {
    return new Client(address);
  }

  @Override
  public void close() {
    node.close();
  }

  /** A line-oriented client: what Postfix's xsasl_dovecot_server does, by hand. */
  static final class Client implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final BufferedReader in;

    Client(InetSocketAddress address) {
      try {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Sends the line and a LF; a server that closed on us may make this fail, which is not an error here. */
    void send(String line) {
      try {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (SocketException e) {
        // closed by the server: the next read says so
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The next line, or null at the end of the stream (a reset counts as the end). */
    String read() {
      try {
        return in.readLine();
      } catch (SocketException e) {
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }
}
