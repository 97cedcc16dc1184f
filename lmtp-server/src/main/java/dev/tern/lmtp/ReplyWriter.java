package dev.tern.lmtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one place replies are written. Text lines have CR and LF replaced, so nothing a client sent
 * (an address in a reply) can start a new reply line. Meant for the session's thread.
 */
final class ReplyWriter {

  private final Channel channel;
  private final String hostname;
  private final ReentrantLock lock = new ReentrantLock(); // not a monitor: virtual threads must not pin on Java 21
  private final Condition writable = lock.newCondition();

  ReplyWriter(Channel channel, String hostname) {
    this.channel = channel;
    this.hostname = hostname;
  }

  /** Queues a reply; {@link #flush} sends it. Multi-line replies use {@code code-text} for all but the last line. */
  void write(Reply reply) {
    ByteBuf buf = channel.alloc().buffer(64);
    for (int i = 0; i < reply.lines().size(); i++) {
      buf.writeCharSequence(Integer.toString(reply.code()), StandardCharsets.US_ASCII);
      buf.writeByte(i == reply.lines().size() - 1 ? ' ' : '-');
      if (reply.enhanced() != null) {
        buf.writeCharSequence(reply.enhanced(), StandardCharsets.US_ASCII);
        buf.writeByte(' ');
      }
      buf.writeCharSequence(reply.lines().get(i).replace('\r', ' ').replace('\n', ' '), StandardCharsets.UTF_8);
      buf.writeByte('\r').writeByte('\n');
    }
    channel.write(buf);
  }

  /**
   * Writes and flushes {@code 421 code hostname text}, the goodbye before the server closes the
   * connection (Dovecot's form).
   */
  void goodbye(String enhanced, String text) {
    write(Reply.of(421, enhanced, hostname + " " + text));
    flush();
  }

  void flush() {
    channel.flush();
  }

  /**
   * Blocks while the client does not read what it is sent (a pipelining client that never reads
   * would otherwise grow the outbound buffer without end); returns when it can take more or the
   * connection closed.
   */
  void awaitWritable() throws InterruptedException {
    lock.lock();
    try {
      while (!channel.isWritable() && channel.isActive()) {
        writable.await(1, TimeUnit.SECONDS); // re-checked on every change; the bound only guards a missed one
      }
    } finally {
      lock.unlock();
    }
  }

  /** From the event loop: writability or the connection changed. */
  void writabilityChanged() {
    lock.lock();
    try {
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
