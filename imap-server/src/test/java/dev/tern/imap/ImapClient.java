package dev.tern.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A raw IMAP client for transcript tests: sends lines, reads responses with literals inline. */
final class ImapClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  final String greeting;

  ImapClient(InetSocketAddress address) {
    try {
      socket = new Socket(address.getAddress(), address.getPort());
      socket.setSoTimeout(20_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
      greeting = readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void send(String text) {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  void send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code tag command} and returns every response line up to and including the tagged one. */
  List<String> command(String tag, String command) {
    send(tag + " " + command + "\r\n");
    return until(tag);
  }

  /** Reads response lines (literals inline, as one string with the literal's bytes) until one starts with {@code tag }. */
  List<String> until(String tag) {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readResponse();
      lines.add(line);
      if (line.startsWith(tag + " ")) {
        return lines;
      }
    }
  }

  /** One response: a line, with any literal {n} followed by its bytes and the rest of the line. */
  String readResponse() {
    StringBuilder response = new StringBuilder();
    while (true) {
      String line = readLine();
      response.append(line);
      int open = line.lastIndexOf('{');
      if (line.endsWith("}") && open >= 0) {
        int size = Integer.parseInt(line.substring(open + 1, line.length() - 1).replace("+", ""));
        response.append("\r\n").append(new String(readBytes(size), StandardCharsets.UTF_8));
        continue;
      }
      return response.toString();
    }
  }

  String readLine() {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
        line.write(b);
      }
      throw new IOException("connection closed after: " + line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] readBytes(int size) {
    try {
      byte[] bytes = in.readNBytes(size);
      assertTrue(bytes.length == size, "literal cut short");
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything the server sends until it closes the connection. */
  byte[] readToEnd() {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> login() {
    List<String> lines = command("L1", "LOGIN alice " + TestServer.PASSWORD);
    assertTrue(lines.get(lines.size() - 1).startsWith("L1 OK"), lines.toString());
    return lines;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
