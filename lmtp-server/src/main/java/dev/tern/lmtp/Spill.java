package dev.tern.lmtp;

import dev.tern.crypto.StreamingAead;
import dev.tern.crypto.SymmetricKey;
import io.netty.buffer.ByteBuf;
import java.io.BufferedInputStream;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message on its way in, kept in a temporary file while it arrives: sealing it to a user needs
 * its length first, and a large message must not sit in the heap. The file is encrypted under a
 * random key that only this object holds, so what lands on disk is unreadable once the process is
 * gone, and it is deleted on {@link #close} whatever happened.
 *
 * <p>Not thread-safe: one session's thread writes it, then reads it once per recipient.
 */
final class Spill implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Spill.class);
  static final String PREFIX = "tern-lmtp-";
  static final String SUFFIX = ".spill";
  private static final Duration STALE = Duration.ofHours(1);

  private final Path file;
  private final SymmetricKey key = SymmetricKey.random();
  private final StreamingAead aead = new StreamingAead(key);
  private final byte[] associatedData;
  private OutputStream out;
  private long length;
  private IOException failure;

  private Spill(Path file) {
    this.file = file;
    this.associatedData = file.getFileName().toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A new, empty spill file in {@code directory} (readable by this user only). */
  static Spill create(Path directory) throws IOException {
    Files.createDirectories(directory);
    Spill spill = new Spill(Files.createTempFile(directory, PREFIX, SUFFIX));
    try {
      spill.out = spill.aead.encryptingStream(Files.newOutputStream(spill.file), spill.associatedData);
    } catch (IOException | RuntimeException e) {
      spill.close();
      throw e;
    }
    return spill;
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
      chunk.getBytes(chunk.readerIndex(), out, n);
      length += n;
    } catch (IOException e) {
      failure = e;
    }
  }

  /** Ends the message; after this the spill is read with {@link #open}. */
  void finish() throws IOException {
    if (failure == null) {
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

  /** The message, decrypted as it is read. */
  InputStream open() {
    try {
      return aead.decryptingStream(new BufferedInputStream(Files.newInputStream(file), StreamingAead.SEGMENT_SIZE),
          associatedData);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the file and forgets the key. */
  @Override
  public void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // the file goes anyway
      }
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("could not delete spill file {}: {}", file, e.toString());
    }
    key.destroy();
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
