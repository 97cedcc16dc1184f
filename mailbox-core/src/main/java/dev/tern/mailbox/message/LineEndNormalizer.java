package dev.tern.mailbox.message;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Rewrites a message into the form Dovecot serves after APPEND (it stores LF line ends and
 * serves CRLF): a bare LF becomes CRLF, CRLF stays, a run of k ≥ 2 CRs before an LF loses one CR
 * (so CR CR LF becomes CR LF), a CR that is not before an LF stays, except that one CR of a run
 * at the very end is dropped. Streaming, constant memory.
 *
 * <p>Delivery stores and parses the normalised stream: then a summary's sizes equal the stored
 * lengths ({@link MessageSummary#physicalSize()} == {@link MessageSummary#size()}), FETCH sends
 * stored bytes as they are (but for NUL, which IMAP forbids outside BINARY: Dovecot keeps it and
 * sends it as 0x80, same size), and messages with odd line ends get the same BODYSTRUCTURE as from
 * Dovecot. {@link MessageParser} itself accepts any line ends. {@link Scan} tells, from the raw
 * bytes, whether the rewrite changes anything (for nearly every message it does not).
 */
public final class LineEndNormalizer extends FilterInputStream {

  private final byte[] input = new byte[8192];
  private int inputPos;
  private int inputLength;
  private long pendingCrs;
  private long crsToEmit;
  private int heldByte = -1;
  private boolean eof;

  public LineEndNormalizer(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    while ((n = read(one, 0, 1)) == 0) {
      // read(byte[]) returns 0 only for an empty request
    }
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int n = 0;
    while (n < length) {
      if (crsToEmit > 0) {
        buffer[offset + n++] = '\r';
        crsToEmit--;
        continue;
      }
      if (heldByte >= 0) {
        buffer[offset + n++] = (byte) heldByte;
        heldByte = -1;
        continue;
      }
      if (inputPos == inputLength) {
        if (eof || n > 0) {
          break; // never block once something is ready
        }
        int read = in.read(input, 0, input.length);
        if (read < 0) {
          eof = true;
          crsToEmit = Math.max(0, pendingCrs - 1); // Dovecot drops a CR it held for an LF that never came
          pendingCrs = 0;
          continue;
        }
        inputPos = 0;
        inputLength = read;
        continue;
      }
      int b = input[inputPos++] & 0xff;
      if (b == '\r') {
        pendingCrs++;
      } else if (b == '\n') {
        crsToEmit = Math.max(1, pendingCrs - 1);
        pendingCrs = 0;
        heldByte = '\n';
      } else {
        crsToEmit = pendingCrs;
        pendingCrs = 0;
        heldByte = b;
      }
    }
    return n == 0 ? -1 : n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[(int) Math.min(8192, Math.max(1, n))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, crsToEmit + (heldByte >= 0 ? 1 : 0));
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Tells whether normalising a message would change it, from its raw bytes fed in order. */
  public static final class Scan {
    private long crRun;
    private boolean changes;

    public void feed(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length && !changes; i++) {
        int b = bytes[i];
        if (b == '\r') {
          crRun++;
          continue;
        }
        changes = b == '\n' && crRun != 1;
        crRun = 0;
      }
    }

    /** Whether the normalised message differs from the bytes fed; call once all are fed. */
    public boolean changes() {
      return changes || crRun > 0;
    }
  }
}
