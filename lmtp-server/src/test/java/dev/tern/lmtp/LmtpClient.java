package dev.tern.lmtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
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

/** A raw LMTP client over a real socket: lines out (buffered until a read), reply lines in. */
final class LmtpClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  final String greeting;

  LmtpClient(InetSocketAddress address) {
    try {
      socket = new Socket(address.getAddress(), address.getPort());
      socket.setSoTimeout(20_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = new BufferedOutputStream(socket.getOutputStream(), 256 * 1024);
      greeting = readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Queues a line (CRLF added); it is sent with the next read or {@link #flush}. */
  LmtpClient send(String line) {
    return sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  LmtpClient sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends what is queued, then ends the output (the server reads on up to there). */
  void shutdownOutput() {
    try {
      out.flush();
      socket.shutdownOutput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next reply line without CRLF, or null at the end of the stream. */
  String readLine() {
    flush();
    try {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
        line.write(b);
      }
      return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of the next reply (a multi-line reply ends with {@code code SP}). */
  List<String> readReply() {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine();
      if (line == null) {
        throw new UncheckedIOException(new IOException("connection closed after " + lines));
      }
      lines.add(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return lines;
      }
    }
  }

  /** Sends a command and returns the last line of its reply. */
  String command(String line) {
    send(line);
    List<String> reply = readReply();
    return reply.get(reply.size() - 1);
  }

  /** A message as DATA sends it: dot-stuffed, CRLF line ends kept, the {@code .} line added. */
  static byte[] dotStuffed(byte[] message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
    boolean lineStart = true;
    for (byte b : message) {
      if (lineStart && b == '.') {
        out.write('.');
      }
      out.write(b);
      lineStart = b == '\n';
    }
    if (!lineStart) {
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
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
