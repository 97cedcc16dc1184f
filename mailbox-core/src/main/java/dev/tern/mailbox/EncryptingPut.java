package dev.tern.mailbox;

import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Puts an object whose ciphertext is produced while it is uploaded: an encrypter writes into a
 * pipe on a virtual thread, the store reads the other end. Nothing is held whole in memory, and
 * when either side fails nothing is left behind. A ciphertext up to {@link HeapBudget#MESSAGE} bytes (most
 * mail) is produced in memory first and put in one piece: no thread and no pipe for it.
 */
final class EncryptingPut {

  private static final int PIPE_BUFFER = 64 * 1024;

  /** Writes the whole ciphertext into {@code sink} and closes it; fails if the plaintext is not as announced. */
  interface Encrypter {
    void writeTo(OutputStream sink) throws IOException;
  }

  private EncryptingPut() {}

  static void put(ObjectStore store, ObjectKey key, long ciphertextLength, Encrypter encrypter) {
    if (ciphertextLength <= HeapBudget.MESSAGE) {
      ByteArrayOutputStream ciphertext = new ByteArrayOutputStream((int) ciphertextLength);
      try {
        encrypter.writeTo(ciphertext);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (ciphertext.size() != ciphertextLength) {
        throw new IllegalArgumentException("ciphertext is " + ciphertext.size() + " bytes, not " + ciphertextLength);
      }
      store.put(key, ciphertext.toByteArray());
      return;
    }
    PipedInputStream ciphertext = new PipedInputStream(PIPE_BUFFER);
    CompletableFuture<Void> encrypting;
    try {
      PipedOutputStream sink = new PipedOutputStream(ciphertext);
      encrypting = CompletableFuture.runAsync(() -> {
        try (sink) {
          encrypter.writeTo(sink);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, runnable -> Thread.ofVirtual().name("encrypt-" + key.name()).start(runnable));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (ciphertext) {
      store.put(key, ciphertext, ciphertextLength);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      encrypting.cancel(true);
      Throwable cause = failure(encrypting);
      if (cause != null) {
        e.addSuppressed(cause);
      }
      throw e;
    }
    Throwable cause = failure(encrypting);
    if (cause != null) {
      store.delete(key);
      throw cause instanceof IllegalArgumentException iae ? iae : new IllegalStateException("encrypting " + key, cause);
    }
  }

  /** Copies exactly {@code length} bytes; fails if {@code in} holds fewer or more. */
  static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long copied = 0;
    while (copied < length) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - copied));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      copied += n;
    }
    if (copied != length || in.read() >= 0) {
      throw new IllegalArgumentException("message is not the announced " + length + " bytes");
    }
  }

  private static Throwable failure(CompletableFuture<Void> encrypting) {
    try {
      encrypting.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause() instanceof UncheckedIOException io && io.getCause() != null ? io.getCause() : e.getCause();
    } catch (CancellationException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }
}
