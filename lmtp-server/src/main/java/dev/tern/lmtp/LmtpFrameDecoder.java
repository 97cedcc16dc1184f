package dev.tern.lmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits an LMTP client's byte stream into {@link LmtpFrame}s: command lines (pipelined or not),
 * and after a {@code 354} the message as dot-unstuffed chunks ending at the {@code .} line.
 *
 * <p>A line starting with DATA pauses decoding: whether what follows is a message or more commands
 * depends on the session's answer, which may come after slower commands queued before it. A client
 * waits for {@code 354} before it sends the message (RFC 2920), so the pause costs nothing.
 *
 * <p>The message is never held whole: chunks are slices of what arrived, at most
 * {@code maxChunk} bytes, cut so that a line starting with a dot is looked at on its own. Past
 * the size limit the rest is skipped until the {@code .} line. A line end is LF, optionally after
 * CR, so the terminator is {@code CRLF.CRLF} or a lenient {@code LF.LF}.
 *
 * <p>{@link #acceptData} and {@link #readCommands} may be called from any thread; they run on the
 * channel's event loop.
 */
final class LmtpFrameDecoder extends ByteToMessageDecoder {

  private enum State { LINE, DISCARD_LINE, PAUSED, DATA }

  private static final int DEFAULT_MAX_CHUNK = 64 * 1024;

  private final int maxLineLength;
  private final int maxChunk;
  private ChannelHandlerContext ctx;
  private State state = State.LINE;
  private int scanned;
  private boolean lineStart;
  private long dataLength;
  private long maxDataLength;

  LmtpFrameDecoder(int maxLineLength) {
    this(maxLineLength, DEFAULT_MAX_CHUNK);
  }

  /** Smaller chunks let tests cut messages in many places. */
  LmtpFrameDecoder(int maxLineLength, int maxChunk) {
    this.maxLineLength = maxLineLength;
    this.maxChunk = maxChunk;
  }

  /** After a DATA line: the message follows; at most {@code maxLength} bytes of it are handed on. */
  void acceptData(long maxLength) {
    onEventLoop(() -> {
      if (state == State.PAUSED) {
        state = State.DATA;
        lineStart = true;
        dataLength = 0;
        maxDataLength = maxLength;
        resume();
      }
    });
  }

  /** After a DATA line that was refused: what follows are commands. */
  void readCommands() {
    onEventLoop(() -> {
      if (state == State.PAUSED) {
        state = State.LINE;
        resume();
      }
    });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (state == State.PAUSED) {
      // The session may have re-enabled reads for back-pressure; keep the buffer from growing.
      ctx.channel().config().setAutoRead(false);
      return;
    }
    while (out.isEmpty() && step(in, out)) {
      // one frame per call
    }
  }

  private boolean step(ByteBuf in, List<Object> out) {
    return switch (state) {
      case LINE -> line(in, out);
      case DISCARD_LINE -> discardLine(in, out);
      case DATA -> data(in, out);
      case PAUSED -> false;
    };
  }

  private boolean line(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    int lf = in.indexOf(start + scanned, in.writerIndex(), (byte) '\n');
    if (lf < 0) {
      scanned = readable;
      if (readable > maxLineLength) {
        in.skipBytes(readable);
        scanned = 0;
        state = State.DISCARD_LINE;
        return true;
      }
      return false;
    }
    scanned = 0;
    int lineLength = lf - start + 1;
    if (lineLength > maxLineLength) {
      in.skipBytes(lineLength);
      out.add(new LmtpFrame.LineTooLong());
      return true;
    }
    int contentLength = lineLength - 1;
    if (contentLength > 0 && in.getByte(lf - 1) == '\r') {
      contentLength--;
    }
    byte[] bytes = new byte[contentLength];
    in.getBytes(start, bytes);
    in.skipBytes(lineLength);
    boolean data = isData(bytes);
    out.add(new LmtpFrame.Line(bytes, data));
    if (data) {
      state = State.PAUSED;
      ctx.channel().config().setAutoRead(false);
    }
    return true;
  }

  private boolean discardLine(ByteBuf in, List<Object> out) {
    int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (lf < 0) {
      int n = in.readableBytes();
      in.skipBytes(n);
      return n > 0;
    }
    in.skipBytes(lf - in.readerIndex() + 1);
    state = State.LINE;
    out.add(new LmtpFrame.LineTooLong());
    return true;
  }

  private boolean data(ByteBuf in, List<Object> out) {
    int end = in.writerIndex();
    if (lineStart) {
      int start = in.readerIndex();
      if (start == end) {
        return false;
      }
      if (in.getByte(start) == '.') {
        if (end - start < 2) {
          return false;
        }
        byte next = in.getByte(start + 1);
        if (next == '\n' || next == '\r' && end - start >= 3 && in.getByte(start + 2) == '\n') {
          in.skipBytes(next == '\n' ? 2 : 3);
          out.add(new LmtpFrame.DataEnd(dataLength, dataLength > maxDataLength));
          state = State.LINE;
          return true;
        }
        if (next == '\r' && end - start < 3) {
          return false; // ".\r" and the rest not here yet
        }
        in.skipBytes(1); // dot-stuffing (RFC 5321 4.5.2): the client doubled a leading dot
        lineStart = false;
      }
    }
    // Take whole lines up to the next one starting with a dot, or all that is here.
    int start = in.readerIndex();
    int limit = (int) Math.min(end, (long) start + maxChunk);
    int p = start;
    while (p < limit) {
      int lf = in.indexOf(p, limit, (byte) '\n');
      if (lf < 0) {
        p = limit;
        lineStart = false;
        break;
      }
      p = lf + 1;
      lineStart = true;
      if (p < end && in.getByte(p) == '.') {
        break;
      }
    }
    int n = p - start;
    if (n == 0) {
      return false;
    }
    dataLength += n;
    if (dataLength > maxDataLength) {
      in.skipBytes(n); // over the limit: read on to the end, keep nothing
    } else {
      out.add(new LmtpFrame.DataChunk(in.readRetainedSlice(n)));
    }
    return true;
  }

  /** {@code DATA}, in any case, alone or followed by a space: the lines after which input pauses. */
  private static boolean isData(byte[] line) {
    return line.length >= 4 && (line[0] | 0x20) == 'd' && (line[1] | 0x20) == 'a' && (line[2] | 0x20) == 't'
        && (line[3] | 0x20) == 'a' && (line.length == 4 || line[4] == ' ');
  }

  private void resume() {
    if (ctx == null) {
      return;
    }
    ctx.channel().config().setAutoRead(true);
    try {
      channelRead(ctx, Unpooled.EMPTY_BUFFER); // decode what arrived while paused
      channelReadComplete(ctx);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
  }

  private void onEventLoop(Runnable task) {
    if (ctx == null || ctx.executor().inEventLoop()) {
      task.run();
    } else {
      ctx.executor().execute(task);
    }
  }
}
