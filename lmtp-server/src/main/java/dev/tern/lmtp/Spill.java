package dev.tern.lmtp;

import dev.tern.crypto.StreamingAead;
import dev.tern.crypto.SymmetricKey;
import dev.tern.mailbox.HeapBudget;
import io.netty.buffer.ByteBuf;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message on its way in, kept while it arrives: sealing it to a user needs its length first,
 * and a large message must not sit in the heap. Up to {@link HeapBudget#MESSAGE} bytes it stays in the
 * heap, within a budget shared by all sessions (most mail is smaller, and a file costs a create,
 * an encryption, a read and a delete per message); beyond that, or when the budget is spent, it
 * goes to a temporary file encrypted under a random key that only this object holds, so what
 * lands on disk is unreadable once the process is gone. The file is deleted and the memory wiped
 * on {@link #close} whatever happened.
 *
 * <p>Not thread-safe: one session's thread writes it, then reads it once per recipient.
 */
final class Spill implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Spill.class);
  static final String PREFIX = "tern-lmtp-";
  static final String SUFFIX = ".spill";
  private static final Duration STALE = Duration.ofHours(1);

  private final Path directory;
  private final HeapBudget budget;
  private byte[] memory = new byte[8 * 1024];
  private long reserved;
  private Path file;
  private SymmetricKey key;
  private StreamingAead aead;
  private byte[] associatedData;
  private OutputStream out;
  private long length;
  private IOException failure;

  private Spill(Path directory, HeapBudget budget) {
    this.directory = directory;
    this.budget = budget;
  }

  /**
   * A new, empty spill: in memory, reserving from {@code budget} (bytes left for all sessions),
   * or in a file in {@code directory} (readable by this user only) once it outgrows that.
   */
  static Spill create(Path directory, HeapBudget budget) throws IOException {
    Files.createDirectories(directory);
    return new Spill(directory, budget);
  }

  /** Whether the message went to a file. */
  boolean inFile() {
    return file != null;
  }

  /**
   * Appends the chunk's bytes and releases nothing (the caller does). A write failure (disk full)
   * is remembered and later bytes are dropped: the rest of the message must still be read from
   * the client before the failure can be answered.
   */
  void write(ByteBuf chunk) {
    if (failure != null) {
      return;
    }
    int n = chunk.readableBytes();
    try {
      if (file == null && !keep(n)) {
        toFile();
      }
      if (file == null) {
        if (length + n > memory.length) {
          memory = Arrays.copyOf(memory, (int) Math.min(HeapBudget.MESSAGE, Math.max(length + n, memory.length * 2L)));
        }
        chunk.getBytes(chunk.readerIndex(), memory, (int) length, n);
      } else {
        chunk.getBytes(chunk.readerIndex(), out, n);
      }
      length += n;
    } catch (IOException e) {
      failure = e;
    }
  }

  /** Whether {@code n} more bytes may stay in the heap (reserving them from the budget). */
  private boolean keep(int n) {
    if (length + n > HeapBudget.MESSAGE || !budget.reserve(n)) {
      return false;
    }
    reserved += n;
    return true;
  }

  private void toFile() throws IOException {
    file = Files.createTempFile(directory, PREFIX, SUFFIX);
    key = SymmetricKey.random();
    aead = new StreamingAead(key);
    associatedData = file.getFileName().toString().getBytes(StandardCharsets.UTF_8);
    out = aead.encryptingStream(Files.newOutputStream(file), associatedData);
    out.write(memory, 0, (int) length);
    release();
  }

  private void release() {
    Arrays.fill(memory, (byte) 0);
    memory = new byte[0];
    budget.release(reserved);
    reserved = 0;
  }

  /** Ends the message; after this the spill is read with {@link #open}. */
  void finish() throws IOException {
    if (failure == null && out != null) {
      try {
        out.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The message's length in bytes. */
  long length() {
    return length;
  }

  /** The message, decrypted as it is read when it is in a file. */
  InputStream open() {
    if (file == null) {
      return new ByteArrayInputStream(memory, 0, (int) length);
    }
    try {
      return aead.decryptingStream(new BufferedInputStream(Files.newInputStream(file), StreamingAead.SEGMENT_SIZE),
          associatedData);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the file, forgets the key, wipes and gives back the memory. */
  @Override
  public void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // the file goes anyway
      }
    }
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("could not delete spill file {}: {}", file, e.toString());
      }
      key.destroy();
    }
    release();
  }

  /**
   * Deletes spill files older than an hour: left by a process that died mid-delivery, unreadable
   * without its key. An hour is far beyond any delivery (the idle timeout ends a stalled one).
   */
  static void sweep(Path directory, Instant now) {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
      FileTime cutoff = FileTime.from(now.minus(STALE));
      for (Path file : files) {
        try {
          if (Files.getLastModifiedTime(file).compareTo(cutoff) < 0) {
            Files.deleteIfExists(file);
          }
        } catch (IOException e) {
          LOG.debug("stale spill file {} not removed: {}", file, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.warn("could not sweep stale spill files in {}: {}", directory, e.toString());
    }
  }
}
