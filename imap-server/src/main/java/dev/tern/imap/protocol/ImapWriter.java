package dev.tern.imap.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The one place responses are written. Client-supplied or stored strings go through
 * {@link Response#string}, {@link Response#astring}, {@link Response#nstring} or
 * {@link Response#mailbox}, which choose atom, quoted string or literal, so no CR or LF in a value
 * can start a new response line. Free text ({@link Response#text}) has CR, LF and NUL replaced.
 *
 * <p>Meant for the session's thread, off the event loop: large literals
 * ({@link Response#literal(long, InputStream)}) block while the channel is not writable. Each
 * channel write from outside the event loop is a task for it, with a wake-up; so lines are
 * gathered here and handed over together, when {@link #HAND_OVER_AT} bytes are waiting and at
 * each {@link #flush()}. A command's whole answer is usually one hand-over.
 */
public final class ImapWriter {

  /** The status of a status response. */
  public enum Status { OK, NO, BAD, BYE, PREAUTH }

  /** Strings longer than this (in UTF-8 bytes) are sent as literals. */
  static final int MAX_QUOTED = 1024;
  private static final int CHUNK = 64 * 1024;
  static final int HAND_OVER_AT = 32 * 1024;
  private static final int MAX_COMPONENTS = 256;

  private final Channel channel;
  private volatile boolean utf8;
  private ChannelFuture lastWrite;
  private boolean midResponse;
  /** Written here but not yet handed to the channel. */
  private CompositeByteBuf pending;
  /** Handed to the channel but not flushed. */
  private boolean unflushed;

  public ImapWriter(Channel channel) {
    this.channel = channel;
  }

  /** After {@code ENABLE UTF8=ACCEPT}: mailbox names and quoted strings in UTF-8 rather than modified UTF-7 and literals. */
  public void utf8Accept(boolean enabled) {
    utf8 = enabled;
  }

  /** Starts {@code * ...}. */
  public Response untagged() {
    return new Response("*");
  }

  /** Starts {@code tag ...}. */
  public Response tagged(String tag) {
    return new Response(tag);
  }

  /** Writes and flushes {@code + text}. */
  public void continuation(String text) {
    ByteBuf buf = channel.alloc().buffer(text.length() + 4);
    buf.writeByte('+').writeByte(' ');
    writeText(buf, text.isEmpty() ? "Ready" : text);
    buf.writeByte('\r').writeByte('\n');
    write(buf);
    flush();
  }

  /**
   * Writes and flushes a status response: {@code tag OK [code] text}, or {@code * ...} when
   * {@code tag} is null.
   */
  public void status(String tag, Status status, ResponseCode code, String text) {
    Response response = new Response(tag == null ? "*" : tag).raw(status.name());
    if (code != null) {
      response.code(code);
    }
    response.text(text).end();
    flush();
  }

  public void flush() {
    if (pending != null) {
      CompositeByteBuf out = pending;
      pending = null;
      unflushed = false;
      lastWrite = channel.writeAndFlush(out);
    } else if (unflushed) {
      unflushed = false;
      channel.flush();
    }
  }

  /** Drops what was never handed over: the session ended in the middle of a response. */
  public void discard() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  /**
   * Whether part of a response is on its way to the client without its end (a streamed literal's
   * length, say). Then no other response can follow truthfully: after a failure, the connection
   * must close, or the client would read the next response as the rest of this one.
   */
  public boolean midResponse() {
    return midResponse;
  }

  private void write(ByteBuf buf) {
    if (pending == null) {
      pending = channel.alloc().compositeBuffer(MAX_COMPONENTS);
    }
    pending.addComponent(true, buf);
    if (pending.readableBytes() >= HAND_OVER_AT || pending.numComponents() >= MAX_COMPONENTS) {
      handOver();
    }
  }

  private void handOver() {
    if (pending != null) {
      CompositeByteBuf out = pending;
      pending = null;
      unflushed = true;
      lastWrite = channel.write(out);
    }
  }

  /** Waits while the channel is not writable, unless on the event loop; fails if the channel closed. */
  private void awaitWritable() {
    if (channel.isWritable() || channel.eventLoop().inEventLoop()) {
      return;
    }
    flush();
    ChannelFuture last = lastWrite;
    while (last != null && !channel.isWritable() && channel.isActive()) {
      last.awaitUninterruptibly(1000);
      if (last.isDone() && !last.isSuccess()) {
        break;
      }
      last = lastWrite;
    }
    if (!channel.isActive()) {
      throw new UncheckedIOException(new ClosedChannelException());
    }
  }

  private static void writeText(ByteBuf buf, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      buf.writeByte(b == '\r' || b == '\n' || b == 0 ? ' ' : b);
    }
  }

  /** One response line under construction; items are separated by single spaces automatically. */
  public final class Response {

    private ByteBuf buf;
    private boolean space;

    private Response(String start) {
      buf = channel.alloc().buffer(128);
      buf.writeCharSequence(start, StandardCharsets.US_ASCII);
      space = true;
    }

    private void separate() {
      if (space) {
        buf.writeByte(' ');
      }
      space = true;
    }

    /** Protocol text the server chose ({@code FETCH}, {@code BODY[HEADER]}, {@code OK}); never client data. */
    public Response raw(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c < 0x20 || c > 0x7E) {
          throw new IllegalArgumentException("not protocol text: " + text);
        }
      }
      separate();
      buf.writeCharSequence(text, StandardCharsets.US_ASCII);
      return this;
    }

    /** An atom; throws if {@code atom} is not one. */
    public Response atom(String atom) {
      if (!Syntax.isAtom(atom)) {
        throw new IllegalArgumentException("not an atom: " + atom);
      }
      return raw(atom);
    }

    public Response number(long n) {
      separate();
      buf.writeCharSequence(Long.toString(n), StandardCharsets.US_ASCII);
      return this;
    }

    public Response nil() {
      return raw("NIL");
    }

    /** A quoted string, or a literal if it has CR, LF, NUL, 8-bit characters (unless UTF-8 is enabled) or is long. */
    public Response string(String s) {
      return string(s.getBytes(StandardCharsets.UTF_8));
    }

    public Response string(byte[] bytes) {
      separate();
      if (needsLiteral(bytes)) {
        buf.writeByte('{').writeCharSequence(Integer.toString(bytes.length), StandardCharsets.US_ASCII);
        buf.writeByte('}').writeByte('\r').writeByte('\n').writeBytes(bytes);
      } else {
        buf.writeByte('"');
        for (byte b : bytes) {
          if (b == '"' || b == '\\') {
            buf.writeByte('\\');
          }
          buf.writeByte(b);
        }
        buf.writeByte('"');
      }
      return this;
    }

    private boolean needsLiteral(byte[] bytes) {
      if (bytes.length > MAX_QUOTED) {
        return true;
      }
      for (byte b : bytes) {
        if (b == '\r' || b == '\n' || b == 0 || (b < 0 && !utf8)) {
          return true;
        }
      }
      return false;
    }

    /**
     * A value rendered elsewhere in IMAP syntax (ENVELOPE, BODYSTRUCTURE from the message summary,
     * whose strings were quoted or made literals when they were rendered).
     */
    public Response rendered(byte[] imapSyntax) {
      separate();
      buf.writeBytes(imapSyntax);
      return this;
    }

    /** An atom where the grammar allows one ({@code NIL} excepted), else a string. */
    public Response astring(String s) {
      if (Syntax.isAstringAtom(s) && !s.equalsIgnoreCase("NIL")) {
        return raw(s);
      }
      return string(s);
    }

    /** A string, or NIL for null. */
    public Response nstring(String s) {
      return s == null ? nil() : string(s);
    }

    /** A mailbox name, in modified UTF-7 unless UTF-8 is enabled. */
    public Response mailbox(String name) {
      return astring(utf8 || name.equalsIgnoreCase("INBOX") ? name : ModifiedUtf7.encode(name));
    }

    /** Opens a parenthesised list. */
    public Response open() {
      separate();
      buf.writeByte('(');
      space = false;
      return this;
    }

    public Response close() {
      buf.writeByte(')');
      space = true;
      return this;
    }

    /** {@code (\Seen $Junk)}. */
    public Response flags(Collection<Flag> flags) {
      open();
      for (Flag flag : flags) {
        raw(flag.name());
      }
      return close();
    }

    public Response sequenceSet(SequenceSet set) {
      return raw(set.toString());
    }

    /** {@code [CODE args]}. */
    public Response code(ResponseCode code) {
      separate();
      buf.writeByte('[');
      space = false;
      switch (code) {
        case ResponseCode.Basic basic -> raw(basic.wireName());
        case ResponseCode.UidValidity c -> raw("UIDVALIDITY").number(c.value());
        case ResponseCode.UidNext c -> raw("UIDNEXT").number(c.value());
        case ResponseCode.Unseen c -> raw("UNSEEN").number(c.seq());
        case ResponseCode.HighestModSeq c -> raw("HIGHESTMODSEQ").number(c.value());
        case ResponseCode.PermanentFlags c -> {
          raw("PERMANENTFLAGS").open();
          for (Flag flag : c.flags()) {
            raw(flag.name());
          }
          if (c.anyKeyword()) {
            raw("\\*");
          }
          close();
        }
        case ResponseCode.Capability c -> {
          raw("CAPABILITY");
          c.capabilities().forEach(this::atom);
        }
        case ResponseCode.BadCharset c -> {
          raw("BADCHARSET");
          if (!c.supported().isEmpty()) {
            open();
            c.supported().forEach(this::astring);
            close();
          }
        }
        case ResponseCode.AppendUid c -> raw("APPENDUID").number(c.uidValidity()).number(c.uid());
        case ResponseCode.CopyUid c ->
            raw("COPYUID").number(c.uidValidity()).sequenceSet(c.source()).sequenceSet(c.destination());
        case ResponseCode.Modified c -> raw("MODIFIED").sequenceSet(c.set());
      }
      buf.writeByte(']');
      space = true;
      return this;
    }

    /** Human-readable text ending a status response; CR, LF and NUL become spaces. */
    public Response text(String text) {
      separate();
      writeText(buf, text == null || text.isEmpty() ? "done" : text);
      return this;
    }

    /** A literal of {@code bytes}, sent as is. */
    public Response literal(byte[] bytes) {
      separate();
      buf.writeByte('{').writeCharSequence(Integer.toString(bytes.length), StandardCharsets.US_ASCII);
      buf.writeByte('}').writeByte('\r').writeByte('\n').writeBytes(bytes);
      return this;
    }

    /**
     * A literal of {@code length} bytes read from {@code content}, streamed in chunks; blocks while
     * the channel is not writable. Fewer bytes than announced are padded with spaces (the literal
     * length is already on the wire), more are not read. If reading {@code content} fails, that
     * failure is thrown ({@link UncheckedIOException} for an IOException) and nothing is padded:
     * the response stays unfinished ({@link #midResponse}).
     */
    public Response literal(long length, InputStream content) {
      separate();
      buf.writeByte('{').writeCharSequence(Long.toString(length), StandardCharsets.US_ASCII);
      buf.writeByte('}').writeByte('\r').writeByte('\n');
      write(buf);
      midResponse = true;
      buf = channel.alloc().buffer(64);
      long left = length;
      byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, length))];
      while (left > 0) {
        int n;
        try {
          n = content.read(chunk, 0, (int) Math.min(chunk.length, left));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        if (n < 0) {
          break;
        }
        awaitWritable();
        ByteBuf out = channel.alloc().buffer(n);
        out.writeBytes(chunk, 0, n);
        write(out);
        left -= n;
      }
      padLiteral(left);
      return this;
    }

    /** A literal made of {@code chunks} (released here) whose sizes add up to {@code length}. */
    public Response literal(long length, Iterable<ByteBuf> chunks) {
      separate();
      buf.writeByte('{').writeCharSequence(Long.toString(length), StandardCharsets.US_ASCII);
      buf.writeByte('}').writeByte('\r').writeByte('\n');
      write(buf);
      midResponse = true;
      long left = length;
      for (ByteBuf chunk : chunks) {
        int n = (int) Math.min(chunk.readableBytes(), Math.max(0, left));
        if (n < chunk.readableBytes()) {
          chunk.writerIndex(chunk.readerIndex() + n);
        }
        left -= n;
        awaitWritable();
        write(chunk);
      }
      padLiteral(left);
      buf = channel.alloc().buffer(64);
      return this;
    }

    private void padLiteral(long left) {
      while (left > 0) {
        int n = (int) Math.min(CHUNK, left);
        ByteBuf pad = channel.alloc().buffer(n);
        pad.writeZero(n);
        for (int i = 0; i < n; i++) {
          pad.setByte(i, ' ');
        }
        write(pad);
        left -= n;
      }
    }

    /** Ends the line and queues it (not flushed). */
    public void end() {
      buf.writeByte('\r').writeByte('\n');
      write(buf);
      buf = null;
      midResponse = false;
    }

    /** Ends the line, queues it and flushes. */
    public void endAndFlush() {
      end();
      flush();
    }
  }
}
