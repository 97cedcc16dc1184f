package dev.tern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The listeners of a node started with {@link Cli#NODE_SECTIONS}, and a delivery through its LMTP. */
final class TestNodes {

  private TestNodes() {}

  static InetSocketAddress imap(Node node) {
    return node.addresses().getFirst();
  }

  static InetSocketAddress lmtp(Node node) {
    return node.addresses().getLast(); // the IMAP listeners bind first, then LMTP
  }

  /** Delivers {@code message} to alice@example.tld over LMTP; asserts it was saved. */
  static void deliver(InetSocketAddress address, String message) throws Exception {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(30_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      assertEquals("220 mx.test Tern ready.", in.readLine());
      out.write(("LHLO test.example\r\nMAIL FROM:<bob@example.tld>\r\nRCPT TO:<alice@example.tld>\r\nDATA\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      List<String> replies = new ArrayList<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        replies.add(line);
        if (line.startsWith("354")) {
          break;
        }
      }
      assertEquals(List.of("250 2.1.0 OK", "250 2.1.5 OK", "354 OK"), replies.subList(replies.size() - 3, replies.size()));
      out.write((message + ".\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String saved = in.readLine();
      assertTrue(saved != null && saved.matches("250 2\\.0\\.0 <alice@example\\.tld> \\S+ Saved"), saved);
      assertEquals("221 2.0.0 Bye", in.readLine());
    }
  }
}
