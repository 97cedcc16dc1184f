package dev.tern.imap.protocol;

import dev.tern.imap.protocol.ImapFrame.Limit;
import dev.tern.imap.protocol.ImapFrame.TooBig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a client's byte stream into {@link ImapFrame}s: complete commands (lines and literals,
 * pipelined or not), APPEND messages streamed as chunks, the DONE that ends IDLE and SASL response
 * lines. Literals: synchronising {@code {n}} (the session writes the {@code +} on
 * {@link ImapFrame.ContinuationNeeded}), non-synchronising {@code {n+}} (LITERAL+, or LITERAL- up to
 * 4096 bytes) and {@code ~{n}} literal8. Input over a limit is skipped without being held and
 * reported as {@link ImapFrame.TooBig} once consumed.
 *
 * <p>The methods the session calls ({@link #startIdle}, {@link #expectSaslResponse},
 * {@link #acceptAppendLiteral}, {@link #rejectAppendLiteral}, {@link #resumeAfterStartTls}) may be
 * called from any thread; they run on the channel's event loop, in order with the session's writes
 * when those are issued after them.
 */
public final class ImapFrameDecoder extends ByteToMessageDecoder {

  private enum State { LINE, LITERAL, APPEND_LITERAL, DISCARD_LINE, DISCARD_LITERAL, PAUSED }

  private enum Mode { COMMAND, IDLE, SASL }

  private static final int TAIL = 32;
  private static final byte[] STARTTLS = "STARTTLS".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] APPEND = "APPEND".getBytes(StandardCharsets.US_ASCII);

  private final ImapLimits limits;
  private ChannelHandlerContext ctx;
  private State state = State.LINE;
  private Mode mode = Mode.COMMAND;
  private byte[] command = new byte[256];
  private int commandLength;
  private int scanned;
  private long remaining;
  private boolean appendTrailer;
  private TooBig pending;
  private boolean pendingAppendEnd;
  private final byte[] tail = new byte[TAIL];
  private int tailLength;

  public ImapFrameDecoder(ImapLimits limits) {
    this.limits = limits;
  }

  public ImapFrameDecoder() {
    this(ImapLimits.DEFAULTS);
  }

  /** The next line ends IDLE: it becomes an {@link ImapFrame.IdleDone}. Call before writing {@code + idling}. */
  public void startIdle() {
    onEventLoop(() -> mode = Mode.IDLE);
  }

  /** The next line is a SASL response: it becomes an {@link ImapFrame.SaslResponse}. Call before writing {@code +}. */
  public void expectSaslResponse() {
    onEventLoop(() -> mode = Mode.SASL);
  }

  /** After a synchronising {@link ImapFrame.AppendStart}: read the message. Call before writing {@code + Ready}. */
  public void acceptAppendLiteral() {
    onEventLoop(() -> {
      if (state == State.PAUSED && appendTrailer) {
        state = State.APPEND_LITERAL;
        resume();
      }
    });
  }

  /** After a synchronising {@link ImapFrame.AppendStart}: the client will not send the message; read commands again. */
  public void rejectAppendLiteral() {
    onEventLoop(() -> {
      if (state == State.PAUSED && appendTrailer) {
        appendTrailer = false;
        state = State.LINE;
        resume();
      }
    });
  }

  /**
   * After a STARTTLS command the decoder holds further input. Once the session has answered (and,
   * if {@code tlsStarted}, put the TLS handler in front of this one), this drops whatever cleartext
   * was pipelined after the command when {@code tlsStarted}, and reads commands again.
   */
  public void resumeAfterStartTls(boolean tlsStarted) {
    onEventLoop(() -> {
      if (tlsStarted) {
        discardBuffered();
      }
      if (state == State.PAUSED && !appendTrailer) {
        state = State.LINE;
        resume();
      }
    });
  }

  /** Drops every byte received but not yet decoded (call on the event loop). */
  public void discardBuffered() {
    ByteBuf buffered = internalBuffer();
    buffered.skipBytes(buffered.readableBytes());
    scanned = 0;
  }

  /** Bytes received and not yet decoded (for tests). */
  int internalBufferSize() {
    return internalBuffer().readableBytes();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (out.isEmpty() && step(in, out)) {
      // one frame per call, so a handler reacting to it (IDLE, STARTTLS) sees it before the next
    }
  }

  private boolean step(ByteBuf in, List<Object> out) {
    return switch (state) {
      case LINE -> line(in, out);
      case LITERAL -> literal(in);
      case APPEND_LITERAL -> appendLiteral(in, out);
      case DISCARD_LINE -> discardLine(in, out);
      case DISCARD_LITERAL -> discardLiteral(in);
      case PAUSED -> false;
    };
  }

  private boolean line(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    int lf = in.indexOf(start + scanned, in.writerIndex(), (byte) '\n');
    if (lf < 0) {
      scanned = readable;
      if (readable > limits.maxLineLength()) {
        startDiscard(in, Limit.LINE, readable);
        return true;
      }
      return false;
    }
    scanned = 0;
    int lineLength = lf - start + 1;
    if (lineLength > limits.maxLineLength()) {
      startDiscard(in, Limit.LINE, lineLength);
      return true;
    }
    int contentLength = lineLength - 1;
    if (contentLength > 0 && in.getByte(lf - 1) == '\r') {
      contentLength--;
    }
    if (mode != Mode.COMMAND && commandLength == 0 && !appendTrailer) {
      String text = in.toString(start, contentLength, StandardCharsets.UTF_8);
      in.skipBytes(lineLength);
      out.add(mode == Mode.IDLE ? new ImapFrame.IdleDone(text.equalsIgnoreCase("DONE")) : new ImapFrame.SaslResponse(text));
      mode = Mode.COMMAND;
      return true;
    }
    if (commandLength + contentLength + 2 > limits.maxCommandSize()) {
      startDiscard(in, Limit.COMMAND, commandLength + lineLength);
      return true;
    }
    int lineStart = commandLength;
    ensureCapacity(commandLength + contentLength + 2);
    in.getBytes(start, command, commandLength, contentLength);
    commandLength += contentLength;
    in.skipBytes(lineLength);
    LiteralHeader header = LiteralHeader.find(command, lineStart, commandLength);
    command[commandLength++] = '\r';
    command[commandLength++] = '\n';

    if (appendTrailer) {
      appendTrailer = false;
      out.add(new ImapFrame.AppendEnd(Arrays.copyOfRange(command, lineStart, commandLength - 2)));
      resetCommand();
      if (header != null && !header.synchronising()) {
        remaining = header.size();
        state = State.DISCARD_LITERAL;
      }
      return true;
    }
    if (header == null) {
      byte[] bytes = Arrays.copyOf(command, commandLength);
      resetCommand();
      out.add(new ImapFrame.CommandBytes(bytes));
      if (isStartTls(bytes)) {
        pause();
      }
      return true;
    }
    String tag = tagOf(command, 0, commandLength);
    if (isAppendMessage(header.start())) {
      if (header.size() > limits.maxAppendSize()) {
        return rejectLiteral(new TooBig(tag, Limit.APPEND, header.size()), header, out);
      }
      byte[] prefix = Arrays.copyOf(command, commandLength - 2);
      resetCommand();
      appendTrailer = true;
      remaining = header.size();
      out.add(new ImapFrame.AppendStart(prefix, header.size(), header.synchronising()));
      if (header.synchronising()) {
        pause();
      } else {
        state = State.APPEND_LITERAL;
      }
      return true;
    }
    if (!header.synchronising() && !limits.literalPlus() && header.size() > ImapLimits.LITERAL_MINUS_MAX) {
      return rejectLiteral(new TooBig(tag, Limit.NON_SYNC_LITERAL, header.size()), header, out);
    }
    if (header.size() > limits.maxLiteralSize() || commandLength + header.size() > limits.maxCommandSize()) {
      return rejectLiteral(new TooBig(tag, Limit.LITERAL, header.size()), header, out);
    }
    remaining = header.size();
    state = State.LITERAL;
    if (header.synchronising()) {
      out.add(new ImapFrame.ContinuationNeeded(header.size()));
    }
    return true;
  }

  /** A literal over a limit: a synchronising one is refused at once, a non-synchronising one swallowed first. */
  private boolean rejectLiteral(TooBig error, LiteralHeader header, List<Object> out) {
    resetCommand();
    if (header.synchronising()) {
      out.add(error);
    } else {
      pending = error;
      remaining = header.size();
      state = State.DISCARD_LITERAL;
    }
    return true;
  }

  private boolean literal(ByteBuf in) {
    int n = (int) Math.min(remaining, in.readableBytes());
    if (n == 0 && remaining > 0) {
      return false;
    }
    ensureCapacity(commandLength + n);
    in.readBytes(command, commandLength, n);
    commandLength += n;
    remaining -= n;
    if (remaining == 0) {
      state = State.LINE;
    }
    return true;
  }

  private boolean appendLiteral(ByteBuf in, List<Object> out) {
    if (remaining == 0) {
      state = State.LINE;
      return true;
    }
    int n = (int) Math.min(Math.min(remaining, in.readableBytes()), limits.maxChunkSize());
    if (n == 0) {
      return false;
    }
    remaining -= n;
    out.add(new ImapFrame.AppendChunk(in.readRetainedSlice(n)));
    return true;
  }

  private void startDiscard(ByteBuf in, Limit limit, long size) {
    String tag = mode != Mode.COMMAND && commandLength == 0 ? null
        : commandLength > 0 ? tagOf(command, 0, commandLength)
        : tagOf(in, in.readerIndex(), Math.min(in.readableBytes(), 128));
    pending = appendTrailer ? null : new TooBig(tag, limit, size);
    if (appendTrailer) {
      appendTrailer = false;
      pendingAppendEnd = true;
    }
    mode = Mode.COMMAND;
    resetCommand();
    scanned = 0;
    tailLength = 0;
    state = State.DISCARD_LINE;
  }

  private boolean discardLine(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
    int end = lf < 0 ? in.writerIndex() : lf;
    if (end > start) {
      remember(in, start, end);
    }
    if (lf < 0) {
      int n = in.readableBytes();
      in.skipBytes(n);
      return n > 0;
    }
    in.skipBytes(lf - start + 1);
    int length = tailLength;
    if (length > 0 && tail[length - 1] == '\r') {
      length--;
    }
    LiteralHeader header = LiteralHeader.find(tail, 0, length);
    tailLength = 0;
    if (header != null && !header.synchronising()) {
      remaining = header.size();
      state = State.DISCARD_LITERAL;
      return true;
    }
    state = State.LINE;
    if (pendingAppendEnd) {
      pendingAppendEnd = false;
      out.add(new ImapFrame.AppendEnd("<line too long>".getBytes(StandardCharsets.US_ASCII)));
    } else if (pending != null) {
      out.add(pending);
    }
    pending = null;
    return true;
  }

  private void remember(ByteBuf in, int start, int end) {
    int n = end - start;
    if (n >= TAIL) {
      in.getBytes(end - TAIL, tail, 0, TAIL);
      tailLength = TAIL;
      return;
    }
    int keep = Math.min(tailLength, TAIL - n);
    System.arraycopy(tail, tailLength - keep, tail, 0, keep);
    in.getBytes(start, tail, keep, n);
    tailLength = keep + n;
  }

  private boolean discardLiteral(ByteBuf in) {
    int n = (int) Math.min(remaining, in.readableBytes());
    if (n == 0 && remaining > 0) {
      return false;
    }
    in.skipBytes(n);
    remaining -= n;
    if (remaining == 0) {
      state = State.DISCARD_LINE;
    }
    return true;
  }

  private void pause() {
    state = State.PAUSED;
    if (ctx != null) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  private void resume() {
    if (ctx == null) {
      return;
    }
    ctx.channel().config().setAutoRead(true);
    try {
      channelRead(ctx, Unpooled.EMPTY_BUFFER);
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

  private boolean isAppendMessage(int headerStart) {
    int p = skipTag(command, 0, headerStart);
    if (p < 0 || !matchWord(command, p, headerStart, APPEND)) {
      return false;
    }
    p += APPEND.length;
    return p < headerStart && command[p] == ' ' && p + 1 < headerStart;
  }

  private static boolean isStartTls(byte[] bytes) {
    int p = skipTag(bytes, 0, bytes.length);
    return p > 0 && matchWord(bytes, p, bytes.length, STARTTLS) && p + STARTTLS.length == bytes.length - 2;
  }

  /** Index after {@code tag SP}, or -1. */
  private static int skipTag(byte[] bytes, int from, int to) {
    int p = from;
    while (p < to && Syntax.isTagChar(bytes[p] & 0xFF)) {
      p++;
    }
    return p > from && p < to && bytes[p] == ' ' ? p + 1 : -1;
  }

  private static boolean matchWord(byte[] bytes, int at, int to, byte[] word) {
    if (to - at < word.length) {
      return false;
    }
    for (int i = 0; i < word.length; i++) {
      if ((bytes[at + i] & 0xDF) != word[i]) {
        return false;
      }
    }
    return at + word.length == to || bytes[at + word.length] == ' ' || bytes[at + word.length] == '\r';
  }

  private static String tagOf(byte[] bytes, int from, int length) {
    int p = skipTag(bytes, from, from + length);
    return p < 0 ? null : new String(bytes, from, p - 1 - from, StandardCharsets.US_ASCII);
  }

  private static String tagOf(ByteBuf in, int from, int length) {
    byte[] bytes = new byte[length];
    in.getBytes(from, bytes);
    return tagOf(bytes, 0, length);
  }

  private void ensureCapacity(long needed) {
    if (needed > command.length) {
      command = Arrays.copyOf(command, (int) Math.max(needed, Math.min((long) command.length * 2, Integer.MAX_VALUE - 8)));
    }
  }

  private void resetCommand() {
    commandLength = 0;
    if (command.length > 8192) {
      command = new byte[256];
    }
  }

  /** A literal header {@code {n}}, {@code {n+}} or {@code ~{n}} ending a line. */
  record LiteralHeader(long size, boolean synchronising, boolean binary, int start) {

    /** The header ending {@code bytes[from, to)}, or null. A size too large for a long reads as {@link Long#MAX_VALUE}. */
    static LiteralHeader find(byte[] bytes, int from, int to) {
      int p = to - 1;
      if (p < from || bytes[p] != '}') {
        return null;
      }
      p--;
      boolean sync = true;
      if (p >= from && bytes[p] == '+') {
        sync = false;
        p--;
      }
      int digitsEnd = p + 1;
      while (p >= from && bytes[p] >= '0' && bytes[p] <= '9') {
        p--;
      }
      int digits = digitsEnd - (p + 1);
      if (digits == 0 || p < from || bytes[p] != '{') {
        return null;
      }
      long size = 0;
      if (digits > 18) {
        size = Long.MAX_VALUE;
      } else {
        for (int i = p + 1; i < digitsEnd; i++) {
          size = size * 10 + (bytes[i] - '0');
        }
      }
      boolean binary = p > from && bytes[p - 1] == '~';
      return new LiteralHeader(size, sync, binary, binary ? p - 1 : p);
    }
  }
}
