package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.crypto.PasswordHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [auth]} in config.toml opens the auth socket, with plaintext refused unless allowed. */
class SettingsAuthTest {

  @TempDir Path directory;

  private Path config(String auth) throws IOException {
    Files.writeString(directory.resolve("users.toml"), """
        [alice]
        addresses = ["alice@example.tld"]
        password = "%s"
        crypto_root = "tern:cryptoroot:pass"
        """.formatted(PasswordHash.create("hunter2")));
    Path config = directory.resolve("config.toml");
    Files.writeString(config, """
        [storage]
        type = "directory"
        path = "%s"

        [imap_unsecure]
        bind = "127.0.0.1:0"

        [users]
        file = "users.toml"

        [limits]
        failed_login_delay_ms = 10

        %s
        """.formatted(directory.resolve("store"), auth));
    return config;
  }

  /** Sends the handshake and one unsecured PLAIN request from another address; returns the answer. */
  private static String authenticate(InetSocketAddress address) throws IOException {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      String response = Base64.getEncoder().encodeToString("\0alice\0hunter2".getBytes(StandardCharsets.UTF_8));
      out.write(("VERSION\t1\t2\nCPID\t7\nAUTH\t1\tPLAIN\tservice=smtp\tlip=192.0.2.1\trip=192.0.2.7\tresp="
          + response + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String line;
      do {
        line = in.readLine();
      } while (line != null && !line.startsWith("OK\t") && !line.startsWith("FAIL\t"));
      return line;
    }
  }

  private static Node start(Path config) {
    Settings settings = Settings.load(config, variable -> null);
    return settings.startNode(new ReloadableDirectory(settings.usersFile()));
  }

  @Test
  void anAuthSectionOpensTheSocketRefusingPlaintextByDefault() throws IOException {
    try (Node node = start(config("[auth]\nbind = \"127.0.0.1:0\""))) {
      List<InetSocketAddress> addresses = node.addresses();
      assertEquals(2, addresses.size(), "IMAP and auth: " + addresses);
      String answer = authenticate(addresses.get(1));
      assertTrue(answer.startsWith("FAIL\t1\treason=Plaintext authentication disallowed"), answer);
    }
  }

  @Test
  void allowPlaintextAcceptsUnsecuredRequests() throws IOException {
    try (Node node = start(config("[auth]\nbind = \"127.0.0.1:0\"\nallow_plaintext = true"))) {
      assertEquals("OK\t1\tuser=alice", authenticate(node.addresses().get(1)));
    }
  }

  @Test
  void withoutAnAuthSectionThereIsNoSocket() throws IOException {
    try (Node node = start(config(""))) {
      assertEquals(1, node.addresses().size(), node.addresses().toString());
    }
  }
}
