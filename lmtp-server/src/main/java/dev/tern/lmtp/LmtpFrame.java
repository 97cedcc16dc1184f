package dev.tern.lmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/** What {@link LmtpFrameDecoder} hands to the session, in stream order. */
sealed interface LmtpFrame {

  /**
   * One command line without its line end. When {@code pausesInput} (the line starts with DATA)
   * the decoder reads nothing further until the session calls {@link LmtpFrameDecoder#acceptData}
   * or {@link LmtpFrameDecoder#readCommands}, so bytes after it are read in the right mode.
   */
  record Line(byte[] bytes, boolean pausesInput) implements LmtpFrame {}

  /** A command line over the limit, already skipped up to its line end. */
  record LineTooLong() implements LmtpFrame {}

  /** Part of a message, dot-unstuffed; the receiver releases it. */
  final class DataChunk extends DefaultByteBufHolder implements LmtpFrame {
    DataChunk(ByteBuf content) {
      super(content);
    }

    @Override
    public String toString() {
      return "DataChunk[" + content().readableBytes() + " bytes]";
    }
  }

  /**
   * The terminating {@code .} line was read. {@code tooBig}: the message passed the size limit;
   * the chunks stopped there and the rest was discarded.
   */
  record DataEnd(long length, boolean tooBig) implements LmtpFrame {}
}
