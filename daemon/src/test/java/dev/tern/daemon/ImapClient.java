package dev.tern.daemon;

import java.io.BufferedInputStream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IMAP test client that reads literals in responses (a response line with its literals inlined
 * is one string) and sends APPEND with a LITERAL+ literal. Reports a {@code * BYE} or a closed
 * connection as {@link Closed}, which cluster clients answer by connecting again.
 */
final class ImapClient implements AutoCloseable {

  /** The server ended the session: {@code line} is its BYE, or null when the connection closed. */
  static final class Closed extends RuntimeException {
    final String line;

    Closed(String line, List<String> before) {
      super("session ended: " + line + " after " + before);
      this.line = line;
    }
  }

  private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int tags;

  ImapClient(InetSocketAddress address) {
    try {
      socket = new Socket(address.getAddress(), address.getPort());
      socket.setSoTimeout(60_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      String greeting = readResponse();
      if (greeting == null || !greeting.startsWith("* OK")) {
        throw new IllegalStateException("greeting: " + greeting);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a command; returns every response up to the tagged one, which is last. */
  List<String> command(String command) {
    return send(command.getBytes(StandardCharsets.UTF_8));
  }

  /** APPENDs {@code message} to {@code mailbox} with the given flags (may be empty). */
  List<String> append(String mailbox, String flags, String message) {
    byte[] body = message.getBytes(StandardCharsets.UTF_8);
    String head = "APPEND \"" + mailbox + "\" (" + flags + ") {" + body.length + "+}\r\n";
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    all.writeBytes(body);
    return send(all.toByteArray());
  }

  /** Starts IDLE: returns once the server's continuation came. */
  void idle() {
    try {
      out.write(("c" + ++tags + " IDLE\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String line = readResponse();
      if (line == null || !line.startsWith("+ ")) {
        throw new IllegalStateException("IDLE answered " + line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next response the server sends unasked (during IDLE), or null when the connection closed. */
  String next() {
    try {
      return readResponse();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tagged status word of a command's last response: OK, NO or BAD. */
  static String status(List<String> responses) {
    return responses.getLast().split(" ", 3)[1];
  }

  private List<String> send(byte[] command) {
    String tag = "c" + ++tags;
    List<String> lines = new ArrayList<>();
    try {
      out.write((tag + " ").getBytes(StandardCharsets.US_ASCII));
      out.write(command);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      while (true) {
        String line = readResponse();
        if (line == null || line.startsWith("* BYE")) {
          if (line != null && command.length >= 6
              && new String(command, 0, 6, StandardCharsets.US_ASCII).equalsIgnoreCase("LOGOUT")) {
            lines.add(line);
            continue;
          }
          throw new Closed(line, lines);
        }
        lines.add(line);
        if (line.startsWith(tag + " ")) {
          return lines;
        }
      }
    } catch (IOException e) {
      throw new Closed(null, lines);
    }
  }

  /** One response: a line, with the literals it announces read and inlined; null at the end. */
  private String readResponse() throws IOException {
    StringBuilder response = new StringBuilder();
    while (true) {
      String line = readLine();
      if (line == null) {
        return response.isEmpty() ? null : response.toString();
      }
      response.append(line);
      Matcher literal = LITERAL.matcher(line);
      if (!literal.find()) {
        return response.toString();
      }
      byte[] data = in.readNBytes(Integer.parseInt(literal.group(1)));
      response.append("\r\n").append(new String(data, StandardCharsets.UTF_8));
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    return null;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
