package dev.tern.lmtp;

import dev.tern.mailbox.Accounts;
import dev.tern.mailbox.HeapBudget;
import dev.tern.mailbox.User;
import dev.tern.mailbox.UserDirectory;
import dev.tern.storage.StorageException;
import dev.tern.storage.TransientStorageException;
import io.netty.channel.Channel;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LMTP connection, on its own virtual thread: frames from the decoder arrive in a queue and
 * run one at a time, in order, so lookups and deliveries may block on the store while pipelined
 * commands wait their turn. After the data each accepted recipient gets its own reply, in RCPT
 * order (RFC 2033 4.2), and a {@code 250} only once {@link Accounts#deliver} has returned, that
 * is once the sealed copy is durable. {@link #failure} is the one place where a failure becomes
 * a reply.
 */
final class LmtpSession implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(LmtpSession.class);

  /** Wakes the loop: the client's input ended (it is read up to there first), or the server is shutting down. */
  enum Signal { CLOSED, SHUTDOWN }

  /** Stops the loop: QUIT, a 421, or a closed connection. */
  static final class SessionEnded extends RuntimeException {
    SessionEnded() {
      super(null, null, false, false);
    }
  }

  private static final long PAUSE_READS_ABOVE = 1 << 20;
  private static final long RESUME_READS_BELOW = 256 * 1024;

  private final Channel channel;
  private final LmtpFrameDecoder decoder;
  private final LmtpConfig config;
  private final UserDirectory users;
  private final Accounts accounts;
  private final ReplyWriter out;
  private final String clientIp;
  private final String connectionId;
  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean readsPaused = new AtomicBoolean();
  private String helo;
  private Transaction transaction;
  private int transactions;
  private int badCommands;
  private final Consumer<LmtpSession> ended;
  private final CountDownLatch done = new CountDownLatch(1);

  /** Heap all sessions' messages may take while they arrive (see {@link Spill}). */
  private final HeapBudget spillMemory;

  /** {@code ended} is told when the loop has finished, the connection closed and the spill deleted. */
  LmtpSession(Channel channel, LmtpFrameDecoder decoder, LmtpConfig config, UserDirectory users, Accounts accounts,
      HeapBudget spillMemory, Consumer<LmtpSession> ended) {
    this.ended = ended;
    this.spillMemory = spillMemory;
    this.channel = channel;
    this.decoder = decoder;
    this.config = config;
    this.users = users;
    this.accounts = accounts;
    this.out = new ReplyWriter(channel, config.hostname());
    // RFC 5952 form for IPv6 ("::1", as Dovecot writes it), dotted quad for IPv4.
    this.clientIp = channel.remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null
        ? NetUtil.toAddressString(remote.getAddress()) : null;
    byte[] id = new byte[16];
    ThreadLocalRandom.current().nextBytes(id);
    this.connectionId = Base64.getEncoder().withoutPadding().encodeToString(id); // Dovecot's id form
  }

  // ---- from the event loop ----

  void offer(Object frame) {
    if (queuedBytes.addAndGet(size(frame)) > PAUSE_READS_ABOVE) {
      readsPaused.set(true);
      channel.config().setAutoRead(false);
    }
    inbox.add(frame);
  }

  void signal(Signal signal) {
    inbox.add(signal);
  }

  void writabilityChanged() {
    out.writabilityChanged();
  }

  // ---- the loop ----

  @Override
  public void run() {
    try {
      out.write(Reply.of(220, null, config.hostname() + " Tern ready."));
      out.flush();
      while (true) {
        if (next() instanceof LmtpFrame frame) {
          handle(frame);
        }
        if (inbox.isEmpty()) {
          out.flush(); // pipelined commands get their replies in one write (RFC 2920)
          out.awaitWritable();
        }
      }
    } catch (SessionEnded e) {
      // QUIT, a goodbye, or the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("LMTP session {} failed", connectionId, e);
      try {
        out.goodbye("4.3.0", "Internal error, closing the connection");
      } catch (RuntimeException ignored) {
        // the connection is gone too
      }
    } finally {
      drain();
      channel.close();
      ended.accept(this);
      done.countDown();
    }
  }

  /** Waits up to {@code timeout} for the loop to finish (graceful shutdown). */
  void awaitEnd(Duration timeout) {
    try {
      done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The next frame; a timeout, a shutdown or a closed connection end the session here. */
  private Object next() {
    Object next;
    try {
      next = inbox.poll(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionEnded();
    }
    if (next == null) {
      out.goodbye("4.4.2", "Disconnected for inactivity");
      throw new SessionEnded();
    }
    if (queuedBytes.addAndGet(-size(next)) < RESUME_READS_BELOW && readsPaused.compareAndSet(true, false)) {
      channel.config().setAutoRead(true);
    }
    switch (next) {
      case Signal.SHUTDOWN -> {
        out.goodbye("4.3.2", "Shutting down");
        throw new SessionEnded();
      }
      case Signal.CLOSED -> throw new SessionEnded();
      default -> {
        return next;
      }
    }
  }

  private void handle(LmtpFrame frame) {
    switch (frame) {
      case LmtpFrame.Line line -> {
        Command command = CommandParser.parse(line.bytes());
        if (line.pausesInput() && !(command instanceof Command.Data)) {
          decoder.readCommands(); // "DATA something": refused, what follows are commands
        }
        execute(command);
      }
      case LmtpFrame.LineTooLong tooLong -> answer(Reply.LINE_TOO_LONG);
      case LmtpFrame.DataChunk chunk -> chunk.release(); // only read inside DATA
      case LmtpFrame.DataEnd end -> { }
    }
  }

  private void execute(Command command) {
    switch (command) {
      case Command.Lhlo lhlo -> {
        helo = lhlo.domain();
        transaction = null; // like EHLO, LHLO resets the transaction
        answer(new Reply(250, null, List.of(config.hostname(), "8BITMIME", "ENHANCEDSTATUSCODES", "PIPELINING",
            "SIZE " + config.maxMessageSize(), "SMTPUTF8")));
      }
      case Command.Mail mail -> mail(mail);
      case Command.Rcpt rcpt -> rcpt(rcpt);
      case Command.Data data -> data();
      case Command.Rset rset -> {
        transaction = null;
        answer(Reply.OK);
      }
      case Command.Noop noop -> answer(Reply.OK);
      case Command.Quit quit -> {
        out.write(Reply.BYE);
        out.flush();
        throw new SessionEnded();
      }
      case Command.Vrfy vrfy -> answer(Reply.VRFY);
      case Command.Invalid invalid -> answer(invalid.reply());
    }
  }

  /** Writes a command's reply; one bad command too many ends the connection instead (as in Dovecot). */
  private void answer(Reply reply) {
    if (!reply.isBadCommand()) {
      badCommands = 0;
    } else if (++badCommands > config.maxBadCommands()) {
      out.goodbye("4.7.0", "Too many invalid commands.");
      throw new SessionEnded();
    }
    out.write(reply);
  }

  private void mail(Command.Mail mail) {
    if (transaction != null) {
      answer(Reply.MAIL_GIVEN);
    } else if (mail.size() > config.maxMessageSize()) {
      answer(Reply.TOO_BIG); // RFC 1870: refuse a declared size at once rather than after the data
    } else {
      transactions++;
      String id = transactions == 1 ? connectionId : connectionId + ":T" + transactions;
      transaction = new Transaction(id, mail.sender(), mail.smtpUtf8(), ZonedDateTime.now(config.clock()));
      answer(Reply.MAIL_OK);
    }
  }

  private void rcpt(Command.Rcpt rcpt) {
    if (transaction == null) {
      answer(Reply.MAIL_NEEDED);
      return;
    }
    Address address = rcpt.recipient();
    String id = transaction.nextRecipientId();
    if (transaction.recipients().size() >= config.maxRecipients()) {
      answer(Reply.TOO_MANY_RECIPIENTS);
      return;
    }
    String encoded = address.encode();
    Optional<User> user;
    try {
      user = address.domain() == null ? Optional.empty() : users.byAddress(encoded);
      if (user.isPresent() && accounts.publicKey(user.get()).isEmpty()) {
        // Known but without keys (a pass root never set up): the MTA keeps the mail and retries.
        throw new IllegalStateException("user " + user.get().login() + " has no keys in the store");
      }
    } catch (RuntimeException e) {
      answer(failure(address, e));
      return;
    }
    if (user.isEmpty()) {
      answer(Reply.of(550, "5.1.1", "User doesn't exist: " + encoded).about(address));
      return;
    }
    transaction.accept(new Transaction.Recipient(address, user.get(), id));
    answer(Reply.RCPT_OK);
  }

  private void data() {
    if (transaction == null || transaction.recipients().isEmpty()) {
      decoder.readCommands();
      answer(transaction == null ? Reply.MAIL_NEEDED : Reply.NO_RECIPIENTS);
      return;
    }
    Transaction current = transaction;
    transaction = null; // the transaction ends with its data, whatever happens to it
    Spill spill;
    try {
      spill = Spill.create(config.spillDirectory(), spillMemory);
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot create a spill file in {}", config.spillDirectory(), e);
      decoder.readCommands();
      answer(Reply.TEMPORARY_FAILURE);
      return;
    }
    List<Reply> answers = new ArrayList<>();
    try (spill) {
      decoder.acceptData(config.maxMessageSize());
      answer(Reply.START_DATA);
      out.flush();
      LmtpFrame.DataEnd end = receive(spill);
      IOException spillFailure = null;
      if (!end.tooBig()) {
        try {
          spill.finish();
        } catch (IOException e) {
          spillFailure = e;
        }
      }
      Map<String, Reply> replies = new HashMap<>(); // a recipient given twice gets one copy and the same reply
      for (Transaction.Recipient recipient : current.recipients()) {
        Reply reply = replies.get(recipient.address().key());
        if (reply == null) {
          reply = end.tooBig() ? Reply.TOO_BIG.about(recipient.address())
              : spillFailure != null ? failure(recipient.address(), new UncheckedIOException(spillFailure))
              : deliver(current, recipient, spill);
          replies.put(recipient.address().key(), reply);
        }
        answers.add(reply);
      }
      badCommands = 0;
    }
    // Answered once the spill is gone, so a client that has its replies sees no file left behind;
    // every delivery is durable by now, so nothing is lost by answering together.
    for (Reply reply : answers) {
      out.write(reply);
    }
    out.flush();
  }

  /** Reads the message into the spill, up to the {@code .} line. */
  private LmtpFrame.DataEnd receive(Spill spill) {
    while (true) {
      Object next = next();
      switch (next) {
        case LmtpFrame.DataChunk chunk -> {
          try {
            spill.write(chunk.content());
          } finally {
            chunk.release();
          }
        }
        case LmtpFrame.DataEnd end -> {
          return end;
        }
        default -> ReferenceCountUtil.release(next); // nothing else comes before the end
      }
    }
  }

  /** Seals the trace headers and the spilled message to one recipient; 250 once that is durable. */
  private Reply deliver(Transaction current, Transaction.Recipient recipient, Spill spill) {
    Address address = recipient.address();
    byte[] headers = TraceHeaders.render(helo, clientIp, config.hostname(), current.id, current.sender, address,
        current.started, current.smtpUtf8);
    try (InputStream message = new SequenceInputStream(new ByteArrayInputStream(headers), spill.open())) {
      accounts.deliver(recipient.user(), message, headers.length + spill.length());
    } catch (IOException e) {
      return failure(address, new UncheckedIOException(e));
    } catch (RuntimeException e) {
      return failure(address, e);
    }
    LOG.info("{}: delivered {} bytes to {} (user {})", recipient.id(), headers.length + spill.length(),
        address.encode(), recipient.user().login());
    return Reply.of(250, "2.0.0", recipient.id() + " Saved").about(address);
  }

  /**
   * The one place where a failure to look a recipient up or deliver to it becomes a reply: always
   * {@code 451 4.3.0}, temporary, so the MTA keeps the message and tries again (Dovecot's wording;
   * details go to the log, never to the client). Nothing half-written is left:
   * {@link Accounts#deliver} stores all or nothing.
   */
  private Reply failure(Address address, RuntimeException e) {
    switch (e) {
      case TransientStorageException t -> LOG.warn("store unavailable for {}: {}", address, t.getMessage());
      case StorageException s -> LOG.error("store failure for {}", address, s);
      case IllegalStateException s -> LOG.warn("{} cannot receive mail: {}", address, s.getMessage());
      case UncheckedIOException io -> LOG.error("spilled message unreadable for {}", address, io);
      default -> LOG.error("delivery to {} failed", address, e);
    }
    return Reply.TEMPORARY_FAILURE.about(address);
  }

  private static long size(Object frame) {
    return switch (frame) {
      case LmtpFrame.Line line -> line.bytes().length;
      case LmtpFrame.DataChunk chunk -> chunk.content().readableBytes();
      default -> 0;
    };
  }

  private void drain() {
    Object left;
    while ((left = inbox.poll()) != null) {
      ReferenceCountUtil.release(left);
    }
  }
}
