package dev.tern.imap.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/** What {@link ImapFrameDecoder} hands to the session, in stream order. */
public sealed interface ImapFrame {

  /**
   * One complete command other than APPEND, in wire form (lines with CRLF, literals inline) for
   * {@link CommandParser#parse}. After a STARTTLS command the decoder pauses until
   * {@link ImapFrameDecoder#resumeAfterStartTls}.
   */
  record CommandBytes(byte[] bytes) implements ImapFrame {}

  /**
   * The client sent a synchronising literal within limits: write {@code + Ready} now (on the event
   * loop, before anything queued behind slower commands) so it sends the bytes.
   */
  record ContinuationNeeded(long size) implements ImapFrame {}

  /**
   * An APPEND up to its message literal's header, for {@link CommandParser#parse}; the message
   * follows as {@link AppendChunk}s and an {@link AppendEnd}. If {@code synchronising}, the decoder
   * pauses until the session calls {@link ImapFrameDecoder#acceptAppendLiteral} (then writes
   * {@code + Ready}) or {@link ImapFrameDecoder#rejectAppendLiteral} (then answers NO).
   */
  record AppendStart(byte[] prefix, long size, boolean synchronising) implements ImapFrame {}

  /** Part of an APPEND message, at most {@link ImapLimits#maxChunkSize} bytes; the receiver releases it. */
  final class AppendChunk extends DefaultByteBufHolder implements ImapFrame {
    public AppendChunk(ByteBuf content) {
      super(content);
    }

    @Override
    public String toString() {
      return "AppendChunk[" + content().readableBytes() + " bytes]";
    }
  }

  /**
   * The end of an APPEND message; {@code trailer} is what followed it on the line, without CRLF
   * (empty for a well-formed single APPEND; anything else, such as a MULTIAPPEND, is an error to answer BAD).
   */
  record AppendEnd(byte[] trailer) implements ImapFrame {}

  /**
   * Input discarded for exceeding a limit: answer {@code tag BAD} (line), {@code tag NO [TOOBIG]}
   * (literal, APPEND) or {@code * BAD} when no tag was read. Comes after the offending input was
   * consumed; the connection stays usable.
   *
   * @param tag the command's tag, or null if none could be read
   */
  record TooBig(String tag, Limit limit, long size) implements ImapFrame {}

  enum Limit { LINE, LITERAL, COMMAND, APPEND, NON_SYNC_LITERAL }

  /** The line that ended IDLE: {@code done} unless it was something other than {@code DONE}. */
  record IdleDone(boolean done) implements ImapFrame {}

  /** A SASL response line during AUTHENTICATE (base64 or {@code *}), without CRLF. */
  record SaslResponse(String line) implements ImapFrame {}
}
