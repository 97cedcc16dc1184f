package dev.tern.imap;

import dev.tern.mailbox.message.LineEndNormalizer;
import dev.tern.mailbox.message.MessageParser;
import dev.tern.mailbox.message.MessageSummary;
import dev.tern.mailbox.message.MessageSummaryCodec;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Parses a message's summary while its bytes stream in (APPEND), on a virtual thread fed through
 * a pipe: the message is never whole in memory, and it is parsed once, at delivery.
 */
final class Summaries {

  private Summaries() {}

  static Parsing start(OffsetDateTime internalDate) {
    return new Parsing(internalDate);
  }

  static final class Parsing {
    private final PipedOutputStream sink;
    private final CompletableFuture<MessageSummary> summary;
    private boolean failed;

    Parsing(OffsetDateTime internalDate) {
      PipedInputStream source = new PipedInputStream(64 * 1024);
      try {
        sink = new PipedOutputStream(source);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      summary = CompletableFuture.supplyAsync(() -> {
        try (source) {
          // Parsed as stored: normalised (see Messages.append), so offsets and sizes index the blob.
          MessageSummary parsed = MessageParser.parse(new LineEndNormalizer(source), internalDate);
          source.transferTo(java.io.OutputStream.nullOutputStream()); // never leave the writer blocked
          return parsed;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, runnable -> Thread.ofVirtual().name("summary").start(runnable));
    }

    void feed(byte[] bytes) {
      if (failed) {
        return;
      }
      try {
        sink.write(bytes);
      } catch (IOException e) {
        failed = true; // the parser stopped; finish() says why
      }
    }

    /** The summary of everything fed, encoded. */
    MessageSummary finish() {
      try {
        sink.close();
        return summary.get();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("parsing the message failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ImapSession.SessionEnded();
      }
    }

    static byte[] encode(MessageSummary summary) {
      return MessageSummaryCodec.encode(summary);
    }
  }
}
