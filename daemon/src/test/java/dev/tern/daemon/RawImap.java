package dev.tern.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A line-at-a-time IMAP client for tests whose commands have no literals in their responses. */
final class RawImap implements AutoCloseable {

  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;
  private int tags;

  RawImap(InetSocketAddress address) {
    try {
      socket = new Socket(address.getAddress(), address.getPort());
      socket.setSoTimeout(20_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
      String greeting = in.readLine();
      if (greeting == null || !greeting.startsWith("* OK")) {
        throw new IllegalStateException("greeting: " + greeting);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a command; returns every line up to the tagged one, which is last. */
  List<String> command(String command) {
    return until(start(command));
  }

  /** Sends a command (IDLE, say) without waiting for its end; returns its tag. */
  String start(String command) {
    String tag = "t" + ++tags;
    send(tag + " " + command);
    return tag;
  }

  /** Sends one line as it is (IDLE's DONE). */
  void send(String line) {
    try {
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next line the server sends. */
  String readLine() {
    try {
      String line = in.readLine();
      if (line == null) {
        throw new IllegalStateException("connection closed");
      }
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every line up to the one tagged {@code tag}, which is last. */
  List<String> until(String tag) {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line;
      try {
        line = in.readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (line == null) {
        throw new IllegalStateException("connection closed after " + lines);
      }
      lines.add(line);
      if (line.startsWith(tag + " ")) {
        return lines;
      }
    }
  }

  /** The tagged status of a command: OK, NO or BAD. */
  String status(String command) {
    List<String> lines = command(command);
    return lines.getLast().split(" ", 3)[1];
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
