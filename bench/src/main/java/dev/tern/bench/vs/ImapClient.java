package dev.tern.bench.vs;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking IMAP client for the measurements, speaking only what any IMAP4rev1 server answers:
 * LOGIN, SELECT, IDLE, APPEND with synchronising literals, FETCH. Responses with literals are
 * either inlined (small answers) or streamed and counted, never held ({@link #stream}).
 */
final class ImapClient implements AutoCloseable {

  /** Told how far a streamed response has got, in bytes read; may pause the reading. */
  interface Progress {
    void read(long bytes) throws IOException;
  }

  /** What a streamed response held: its bytes, the literal bytes among them, the untagged lines. */
  record Streamed(long bytes, long literalBytes, long untagged) { }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String greeting;
  private int tags;
  private String idleTag;

  ImapClient(InetSocketAddress address, int readBuffer) throws IOException {
    socket = new Socket(address.getAddress(), address.getPort());
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream(), readBuffer);
    out = socket.getOutputStream();
    greeting = readLine();
    if (greeting == null || !greeting.startsWith("* OK")) {
      socket.close();
      throw new IOException("no greeting: " + greeting);
    }
  }

  /** This end's port: with the server's port, it names the connection in {@code /proc/net/tcp}. */
  int localPort() {
    return socket.getLocalPort();
  }

  int serverPort() {
    return socket.getPort();
  }

  void login(String user, String password) throws IOException {
    command("LOGIN " + quoted(user) + " " + quoted(password));
  }

  /** SELECT; returns the number of messages (EXISTS). */
  long select(String mailbox) throws IOException {
    long exists = -1;
    for (String line : command("SELECT " + quoted(mailbox))) {
      if (line.startsWith("* ") && line.endsWith(" EXISTS")) {
        exists = Long.parseLong(line.substring(2, line.length() - " EXISTS".length()));
      }
    }
    return exists;
  }

  /** Sends IDLE and waits for the continuation; the connection then idles until {@link #done}. */
  void idle() throws IOException {
    String tag = nextTag();
    idleTag = tag;
    send(tag + " IDLE\r\n");
    String line;
    while ((line = readLine()) != null && !line.startsWith("+")) {
      if (line.startsWith(tag + " ")) {
        throw new IOException("IDLE refused: " + line);
      }
    }
    if (line == null) {
      throw new EOFException("connection closed before IDLE's continuation");
    }
  }

  /** Ends IDLE; true when the server answers OK. */
  boolean done() throws IOException {
    if (idleTag == null) {
      return false;
    }
    send("DONE\r\n");
    String line;
    while ((line = readResponse()) != null && !line.startsWith(idleTag + " ")) {
      // changes told while idling
    }
    boolean ok = line != null && line.startsWith(idleTag + " OK");
    idleTag = null;
    return ok;
  }

  /** APPEND with a synchronising literal (every server has those). */
  void append(String mailbox, byte[] message) throws IOException {
    String tag = nextTag();
    send(tag + " APPEND " + quoted(mailbox) + " {" + message.length + "}\r\n");
    String line = readLine();
    if (line == null || !line.startsWith("+")) {
      throw new IOException("APPEND refused: " + line);
    }
    out.write(message);
    send("\r\n");
    finish(tag, new ArrayList<>());
  }

  /** Runs a command whose answer is small; returns the untagged lines, literals inlined. */
  List<String> command(String command) throws IOException {
    String tag = nextTag();
    send(tag + " " + command + "\r\n");
    List<String> lines = new ArrayList<>();
    finish(tag, lines);
    return lines;
  }

  /** Like {@link #command} but fails nothing: the tagged answer's status (OK, NO, BAD). */
  String tryCommand(String command) throws IOException {
    String tag = nextTag();
    send(tag + " " + command + "\r\n");
    String line;
    while ((line = readResponse()) != null && !line.startsWith(tag + " ")) {
      // untagged answers are not needed here
    }
    if (line == null) {
      throw new EOFException("connection closed during " + command);
    }
    String rest = line.substring(tag.length() + 1);
    int space = rest.indexOf(' ');
    return space < 0 ? rest : rest.substring(0, space);
  }

  /**
   * Runs a command whose answer may be large, reading it as it comes and keeping nothing but
   * counts; {@code progress} hears the running byte count after every read.
   */
  Streamed stream(String command, Progress progress) throws IOException {
    String tag = nextTag();
    send(tag + " " + command + "\r\n");
    long[] bytes = {0};
    long literalBytes = 0;
    long untagged = 0;
    byte[] buffer = new byte[16 * 1024];
    while (true) {
      String line = readLine(bytes);
      if (line == null) {
        throw new EOFException("connection closed during " + command);
      }
      progress.read(bytes[0]);
      if (line.startsWith(tag + " ")) {
        if (!line.startsWith(tag + " OK")) {
          throw new IOException(command + " failed: " + line);
        }
        return new Streamed(bytes[0], literalBytes, untagged);
      }
      if (line.startsWith("* ")) {
        untagged++;
      }
      long literal;
      while ((literal = literalLength(line)) >= 0) {
        long left = literal;
        while (left > 0) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
          if (n < 0) {
            throw new EOFException("connection closed inside a literal");
          }
          left -= n;
          bytes[0] += n;
          progress.read(bytes[0]);
        }
        literalBytes += literal;
        line = readLine(bytes); // the rest of the response after the literal
        if (line == null) {
          throw new EOFException("connection closed after a literal");
        }
      }
    }
  }

  private void finish(String tag, List<String> lines) throws IOException {
    String line;
    while ((line = readResponse()) != null) {
      if (line.startsWith(tag + " ")) {
        if (!line.startsWith(tag + " OK")) {
          throw new IOException("command failed: " + line);
        }
        return;
      }
      lines.add(line);
    }
    throw new EOFException("connection closed");
  }

  /** One response line with its literals inlined. */
  private String readResponse() throws IOException {
    String line = readLine();
    if (line == null) {
      return null;
    }
    StringBuilder response = new StringBuilder(line);
    long literal;
    while ((literal = literalLength(line)) >= 0) {
      byte[] data = in.readNBytes(Math.toIntExact(literal));
      response.append("\r\n").append(new String(data, StandardCharsets.ISO_8859_1));
      line = readLine();
      if (line == null) {
        return null;
      }
      response.append(line);
    }
    return response.toString();
  }

  /** The length of the literal a line announces at its end ({@code {123}}), or -1. */
  private static long literalLength(String line) {
    if (!line.endsWith("}")) {
      return -1;
    }
    int open = line.lastIndexOf('{');
    if (open < 0) {
      return -1;
    }
    try {
      return Long.parseLong(line.substring(open + 1, line.length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  String readLine() throws IOException {
    return readLine(new long[1]);
  }

  /** A line without its CRLF, ISO-8859-1; adds the bytes read to {@code count[0]}. */
  private String readLine(long[] count) throws IOException {
    StringBuilder line = new StringBuilder(80);
    int b;
    while ((b = in.read()) >= 0) {
      count[0]++;
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      line.append((char) b);
    }
    return null;
  }

  private void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private String nextTag() {
    return "t" + (tags++);
  }

  private static String quoted(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
