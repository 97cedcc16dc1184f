package dev.tern.mailbox.message;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A large multipart/mixed message produced on the fly, never held in memory: a short text part
 * and a base64 attachment of {@code lines} 76-character lines of pseudo-random data. Knows where
 * each part is.
 */
final class GeneratedMessage extends InputStream {

  static final String BOUNDARY = "=_generated_boundary_42";
  static final byte[] HEAD = ("From: Big Sender <big@example.com>\r\n"
      + "To: rcpt@example.com\r\n"
      + "Subject: a large attachment\r\n"
      + "MIME-Version: 1.0\r\n"
      + "Content-Type: multipart/mixed; boundary=\"" + BOUNDARY + "\"\r\n"
      + "\r\n"
      + "--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII);
  static final byte[] TEXT_PART = ("Content-Type: text/plain; charset=us-ascii\r\n"
      + "\r\n"
      + "The attachment follows.").getBytes(StandardCharsets.US_ASCII);
  static final byte[] ATTACHMENT_HEADER = ("\r\n--" + BOUNDARY + "\r\n"
      + "Content-Type: application/octet-stream; name=\"big.bin\"\r\n"
      + "Content-Transfer-Encoding: base64\r\n"
      + "Content-Disposition: attachment; filename=\"big.bin\"\r\n"
      + "\r\n").getBytes(StandardCharsets.US_ASCII);
  static final byte[] TAIL = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
  static final int LINE = 78; // 76 characters and CRLF

  final long lines;
  final long length;
  private final SplittableRandom random = new SplittableRandom(1);
  private long position;
  private final byte[] line = new byte[LINE];
  private int lineFill = LINE;

  GeneratedMessage(long lines) {
    this.lines = lines;
    this.length = HEAD.length + TEXT_PART.length + ATTACHMENT_HEADER.length + lines * LINE - 2 + TAIL.length;
  }

  long textPartStart() {
    return HEAD.length;
  }

  long attachmentStart() {
    return HEAD.length + TEXT_PART.length + 2 + 2 + BOUNDARY.length() + 2;
  }

  long attachmentBodyStart() {
    return HEAD.length + TEXT_PART.length + ATTACHMENT_HEADER.length;
  }

  /** The attachment's body ends before the last line's CRLF, which belongs to the boundary. */
  long attachmentEnd() {
    return attachmentBodyStart() + lines * LINE - 2;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (position >= length) {
      return -1;
    }
    int n = 0;
    while (n < len && position < length) {
      b[off + n++] = next();
    }
    return n;
  }

  private byte next() {
    long p = position++;
    long head = HEAD.length + TEXT_PART.length + ATTACHMENT_HEADER.length;
    if (p < HEAD.length) {
      return HEAD[(int) p];
    }
    if (p < HEAD.length + TEXT_PART.length) {
      return TEXT_PART[(int) (p - HEAD.length)];
    }
    if (p < head) {
      return ATTACHMENT_HEADER[(int) (p - HEAD.length - TEXT_PART.length)];
    }
    long body = p - head;
    if (body < lines * LINE - 2) {
      if (lineFill == LINE) {
        for (int i = 0; i < 76; i++) {
          line[i] = ALPHABET[random.nextInt(64)];
        }
        line[76] = '\r';
        line[77] = '\n';
        lineFill = 0;
      }
      return line[lineFill++];
    }
    return TAIL[(int) (body - (lines * LINE - 2))];
  }
}
