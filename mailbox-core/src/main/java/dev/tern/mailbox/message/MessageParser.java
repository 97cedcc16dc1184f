package dev.tern.mailbox.message;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a raw RFC 5322 message once, streaming, into a {@link MessageSummary}. Built on mime4j's
 * {@code MimeTokenStream} (lenient, with bounded line length and header count); structure and
 * header values follow Dovecot 2.3, so that {@link ImapStructure} answers as Dovecot does.
 *
 * <p>Nothing the size of the message is held: bodies are only counted, and memory is bounded per
 * nesting level (mime4j's 4 KiB buffer, a window of at least 16 KiB, at most {@value
 * HeaderCollector#MAX_FIELD_BYTES} bytes of the header field being read) plus the summary itself.
 * Limits: {@value ParseState#MAX_DEPTH} nesting levels, {@value ParseState#MAX_PARTS} parts,
 * {@value EntityParser#MAX_LINE}-byte header lines, {@value EntityParser#MAX_HEADER_FIELDS} fields
 * per header; past them the structure is best effort and {@link
 * MessageSummary#structureTruncated()} is set. Search headers are kept within {@value
 * HeaderBudget#TOTAL} bytes ({@link HeaderBudget}).
 *
 * <p>Any byte sequence is a message: malformed input never makes this throw. Line ends may be CRLF
 * or bare LF (sizes then count each bare LF as CRLF, as Dovecot's do).
 */
public final class MessageParser {

  private static final Logger LOG = LoggerFactory.getLogger(MessageParser.class);

  private MessageParser() {
  }

  /**
   * Reads {@code message} to its end (it is not closed).
   *
   * @param internalDate the message's INTERNALDATE
   * @throws IOException only if reading {@code message} fails
   */
  public static MessageSummary parse(InputStream message, OffsetDateTime internalDate) throws IOException {
    ParseState state = new ParseState();
    HeaderBudget headers = new HeaderBudget();
    EntityParser.Result root = new EntityParser(state)
        .parse(new Source(message, state), 0, false, false, 0, headers);
    if (state.firstProblem() != null) {
      LOG.debug("message of {} bytes parsed best effort: {}", root.length(), state.firstProblem().toString());
    }
    return new MessageSummary(internalDate, root.length(), root.length() + root.bareLineFeeds(),
        root.part(), headers.fields(), headers.truncated(), state.structureTruncated());
  }

  /** The caller's stream: its failures are the caller's, never a parse problem. */
  private static final class Source extends FilterInputStream {
    private final ParseState state;

    Source(InputStream in, ParseState state) {
      super(in);
      this.state = state;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        state.sourceFailed(e);
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        state.sourceFailed(e);
        throw e;
      }
    }

    @Override
    public void close() {
      // the caller's stream is the caller's to close
    }
  }
}
