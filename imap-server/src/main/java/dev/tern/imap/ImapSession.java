package dev.tern.imap;

import dev.tern.crypto.CorruptCiphertextException;
import dev.tern.imap.protocol.Command;
import dev.tern.imap.protocol.CommandParser;
import dev.tern.imap.protocol.ImapFrame;
import dev.tern.imap.protocol.ImapFrameDecoder;
import dev.tern.imap.protocol.ImapWriter;
import dev.tern.imap.protocol.ImapWriter.Status;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.ParseError;
import dev.tern.imap.protocol.ParseResult;
import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.MailboxException;
import dev.tern.storage.StorageException;
import dev.tern.storage.TransientStorageException;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.io.UncheckedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection's command loop, on its own virtual thread: frames from the decoder arrive in
 * a queue and run one at a time, so storage calls may block without holding an event loop. This
 * class owns the loop, the frame plumbing and the single place where failures become responses;
 * the commands live in {@link Commands}.
 */
final class ImapSession implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);

  /** Wakes the loop when a selected mailbox changed (IDLE) or the connection closed. */
  enum Signal { MAILBOX_CHANGED, CLOSED, SHUTDOWN }

  /** Stops the loop: LOGOUT, a BYE, or a closed connection. */
  static final class SessionEnded extends RuntimeException {
    SessionEnded() {
      super(null, null, false, false);
    }
  }

  private static final long PAUSE_READS_ABOVE = 1 << 20;
  private static final long RESUME_READS_BELOW = 256 * 1024;

  final Channel channel;
  final ImapFrameDecoder decoder;
  final ImapConfig config;
  final Accounts accounts;
  final ImapWriter out;
  final Commands commands;
  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  volatile boolean tlsActive;

  ImapSession(Channel channel, ImapFrameDecoder decoder, ImapConfig config, Accounts accounts, boolean tlsActive) {
    this.channel = channel;
    this.decoder = decoder;
    this.config = config;
    this.accounts = accounts;
    this.out = new ImapWriter(channel);
    this.tlsActive = tlsActive;
    this.commands = new Commands(this);
  }

  // ---- from the event loop ----

  void offer(Object frame) {
    long size = frame instanceof ImapFrame.AppendChunk chunk ? chunk.content().readableBytes() : 0;
    if (size > 0 && queuedBytes.addAndGet(size) > PAUSE_READS_ABOVE) {
      channel.config().setAutoRead(false);
    }
    inbox.add(frame);
  }

  void signal(Signal signal) {
    inbox.add(signal);
  }

  // ---- the loop ----

  @Override
  public void run() {
    try {
      commands.greet();
      while (true) {
        Object next = take(-1);
        if (next instanceof Signal signal) {
          if (signal == Signal.SHUTDOWN) {
            out.status(null, ImapWriter.Status.BYE, null, "Server shutting down");
            return;
          }
          continue; // a change while not idling is reported at the next command
        }
        handle((ImapFrame) next);
      }
    } catch (SessionEnded e) {
      // LOGOUT, BYE or the client went away
    } catch (RuntimeException e) {
      LOG.error("IMAP session failed", e);
      try {
        out.status(null, Status.BYE, null, "Internal error, closing the connection");
      } catch (RuntimeException ignored) {
        // the connection is gone too
      }
    } finally {
      commands.close();
      drain();
      out.discard();
      channel.close();
    }
  }

  /**
   * Inside a command: the next frame or signal; {@code timeoutMillis < 0} waits for ever; null on
   * timeout. A shutdown ends the session here (BYE), mid-command.
   */
  Object next(long timeoutMillis) {
    Object next = take(timeoutMillis);
    if (next == Signal.SHUTDOWN) {
      out.status(null, ImapWriter.Status.BYE, null, "Server shutting down");
      throw new SessionEnded();
    }
    return next;
  }

  private Object take(long timeoutMillis) {
    try {
      Object next = timeoutMillis < 0 ? inbox.take() : inbox.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      if (next instanceof ImapFrame.AppendChunk chunk) {
        long left = queuedBytes.addAndGet(-chunk.content().readableBytes());
        if (left < RESUME_READS_BELOW && !channel.config().isAutoRead()) {
          channel.config().setAutoRead(true);
        }
      }
      if (next == Signal.CLOSED) {
        throw new SessionEnded();
      }
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionEnded();
    }
  }

  private void handle(ImapFrame frame) {
    switch (frame) {
      case ImapFrame.CommandBytes bytes -> {
        ParseResult parsed = commands.parser().parse(bytes.bytes());
        switch (parsed) {
          case Command command -> run(command.tag(), () -> commands.execute(command));
          case ParseError error -> commands.parseError(error);
        }
      }
      case ImapFrame.AppendStart start -> {
        ParseResult parsed = commands.parser().parse(start.prefix());
        switch (parsed) {
          case Command.Append append -> run(append.tag(), () -> commands.append(append, start));
          case Command other -> {
            commands.skipAppendLiteral(start);
            commands.parseError(ParseError.bad(other.tag(), "APPEND expected"));
          }
          case ParseError error -> {
            commands.skipAppendLiteral(start);
            commands.parseError(error);
          }
        }
      }
      case ImapFrame.TooBig tooBig -> commands.tooBig(tooBig);
      case ImapFrame.ContinuationNeeded needed -> { } // answered on the event loop
      case ImapFrame.AppendChunk chunk -> ReferenceCountUtil.release(chunk); // of a refused APPEND
      case ImapFrame.AppendEnd end -> { }
      case ImapFrame.IdleDone done -> { } // DONE after IDLE already ended
      case ImapFrame.SaslResponse response -> { }
    }
    out.flush();
  }

  /** Runs a command and maps every failure to its response: the one error-mapping place. */
  private void run(String tag, Runnable command) {
    try {
      command.run();
    } catch (SessionEnded e) {
      throw e;
    } catch (RuntimeException e) {
      if (out.midResponse()) {
        // Part of a response (a literal's announced length, say) is out: whatever came next would
        // be read as the rest of it, so closing is the one way to tell the client it is incomplete
        // (as Dovecot does when a mail read fails).
        LOG.warn("command {} failed in the middle of a response, closing the connection: {}", tag, e.toString());
        throw new SessionEnded();
      }
      answer(tag, e);
    }
  }

  private void answer(String tag, RuntimeException failure) {
    switch (failure) {
      case MailboxException e -> {
        ResponseCode code = switch (e.reason()) {
          case NONEXISTENT -> ResponseCode.Basic.NONEXISTENT;
          case ALREADYEXISTS -> ResponseCode.Basic.ALREADYEXISTS;
          case CANNOT -> ResponseCode.Basic.CANNOT;
        };
        out.status(tag, Status.NO, code, e.getMessage());
      }
      case TransientStorageException e -> {
        LOG.warn("storage unavailable: {}", e.getMessage());
        out.status(tag, Status.NO, ResponseCode.Basic.UNAVAILABLE, "Storage temporarily unavailable, try again");
      }
      case StorageException e -> {
        LOG.error("storage failure", e);
        out.status(tag, Status.NO, ResponseCode.Basic.SERVERBUG, "Storage failure");
      }
      case ImapFailure e -> out.status(tag, e.status, e.code, e.getMessage());
      case UncheckedIOException e when !channel.isActive() -> throw new SessionEnded(); // it broke while we wrote
      case UncheckedIOException e when e.getCause() instanceof CorruptCiphertextException -> {
        LOG.error("command {}: stored data does not decrypt", tag, e);
        out.status(tag, Status.NO, ResponseCode.Basic.SERVERBUG, "Storage failure");
      }
      case UncheckedIOException e -> {
        // Reading a stored message broke off (a connection to the store reset midway).
        LOG.warn("command {}: reading from the store failed: {}", tag, e.getMessage());
        out.status(tag, Status.NO, ResponseCode.Basic.UNAVAILABLE, "Storage temporarily unavailable, try again");
      }
      default -> {
        LOG.error("command {} failed", tag, failure);
        out.status(tag, Status.NO, ResponseCode.Basic.SERVERBUG, "Internal error");
      }
    }
  }

  private void drain() {
    Object left;
    while ((left = inbox.poll()) != null) {
      ReferenceCountUtil.release(left);
    }
  }
}
