package dev.tern.bench.vs;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One IMAP client connection for the load tools: sends commands, reads responses to the tagged
 * completion, skipping literal bodies (only their size is counted) so that a large FETCH never sits
 * in the client's heap. It remembers what a mail client would keep of the selected mailbox:
 * EXISTS, UIDNEXT, HIGHESTMODSEQ.
 */
final class Wire implements AutoCloseable {

  private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");
  private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS");
  private static final Pattern EXPUNGE = Pattern.compile("^\\* \\d+ EXPUNGE");
  private static final Pattern UIDNEXT = Pattern.compile("\\[UIDNEXT (\\d+)]");
  private static final Pattern HIGHESTMODSEQ = Pattern.compile("\\[HIGHESTMODSEQ (\\d+)]|HIGHESTMODSEQ (\\d+)");

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] skip = new byte[64 * 1024];
  private int tags;
  final String greeting;
  int exists;
  long uidNext;
  long highestModSeq;
  long literalBytes;

  Wire(InetSocketAddress address) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true); // as mail clients do: no Nagle pause after the CRLF of a literal
    socket.connect(address, 10_000);
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    greeting = readLine(false);
    if (greeting == null) {
      throw new EOFException("closed before the greeting");
    }
  }

  /** A tagged command's outcome: OK/NO/BAD and the untagged lines (literals left out). */
  record Reply(String status, String tagged, List<String> untagged) {
    boolean ok() {
      return status.equals("OK");
    }
  }

  String nextTag() {
    return "t" + (++tags);
  }

  Reply command(String text) throws IOException {
    String tag = nextTag();
    send(tag + " " + text + "\r\n");
    return readTagged(tag);
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  void flush() throws IOException {
    out.flush();
  }

  /** Reads to the completion of {@code tag}, noting EXISTS, UIDNEXT and HIGHESTMODSEQ on the way. */
  Reply readTagged(String tag) throws IOException {
    List<String> untagged = new ArrayList<>();
    while (true) {
      String line = readLine(true);
      if (line == null) {
        throw new EOFException("connection closed while waiting for " + tag);
      }
      if (line.startsWith(tag + " ")) {
        String rest = line.substring(tag.length() + 1);
        int space = rest.indexOf(' ');
        String status = space < 0 ? rest : rest.substring(0, space);
        note(line);
        return new Reply(status, line, untagged);
      }
      if (line.startsWith("* BYE")) {
        untagged.add(line);
        continue;
      }
      note(line);
      if (untagged.size() < 10_000) {
        untagged.add(line);
      }
    }
  }

  /** The next line that is not tagged {@code tag}'s completion, e.g. IDLE's continuation. */
  String readLine() throws IOException {
    String line = readLine(true);
    if (line != null) {
      note(line);
    }
    return line;
  }

  private void note(String line) {
    Matcher m = EXISTS.matcher(line);
    if (m.find()) {
      exists = Integer.parseInt(m.group(1));
      return;
    }
    if (EXPUNGE.matcher(line).find()) {
      exists = Math.max(0, exists - 1);
      return;
    }
    m = UIDNEXT.matcher(line);
    if (m.find()) {
      uidNext = Long.parseLong(m.group(1));
    }
    m = HIGHESTMODSEQ.matcher(line);
    if (m.find()) {
      highestModSeq = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
    }
  }

  /**
   * One logical response line: with {@code skipLiterals}, a literal's bytes are consumed and
   * counted and the line goes on after it (the literal shows as {@code {n}} in the text).
   */
  private String readLine(boolean skipLiterals) throws IOException {
    StringBuilder logical = new StringBuilder();
    ByteArrayOutputStream physical = new ByteArrayOutputStream(128);
    while (true) {
      physical.reset();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (physical.size() < 16_384) {
          physical.write(b);
        }
      }
      if (b < 0 && physical.size() == 0) {
        return logical.isEmpty() ? null : logical.toString();
      }
      String text = physical.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      logical.append(text);
      Matcher literal = LITERAL.matcher(text);
      if (!skipLiterals || !literal.find()) {
        return logical.toString();
      }
      long remaining = Long.parseLong(literal.group(1));
      literalBytes += remaining;
      while (remaining > 0) {
        int n = in.read(skip, 0, (int) Math.min(skip.length, remaining));
        if (n < 0) {
          throw new EOFException("closed inside a literal");
        }
        remaining -= n;
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
