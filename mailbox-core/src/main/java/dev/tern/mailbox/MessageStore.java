package dev.tern.mailbox;

import dev.tern.crypto.Aead;
import dev.tern.crypto.CryptoException;
import dev.tern.crypto.StreamingAead;
import dev.tern.crypto.SymmetricKey;
import dev.tern.storage.ByteRange;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectNotFoundException;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.PermanentStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A user's message contents: {@code blob/<id>} holds the raw RFC 5322 bytes under
 * {@link StreamingAead} (so a 50 MB message is never whole in memory, and a part can be read
 * with a ranged GET), {@code meta/<id>} the message's summary under {@link Aead}. Both are bound
 * to their object keys and written once; ops name messages by id, and the index never points at a
 * message whose objects are not durable, because callers write these before the {@code MailAdd}.
 */
public final class MessageStore {

  private static final int PIPE_BUFFER = 64 * 1024;

  private final ObjectStore store;
  private final ObjectKey userRoot;
  private final StreamingAead streaming;
  private final Aead aead;

  public MessageStore(ObjectStore store, ObjectKey userRoot, SymmetricKey masterKey) {
    this.store = Objects.requireNonNull(store);
    this.userRoot = Objects.requireNonNull(userRoot);
    this.streaming = new StreamingAead(masterKey);
    this.aead = new Aead(masterKey);
  }

  ObjectKey blobKey(MessageId id) {
    return userRoot.resolve("blob", id.toHex());
  }

  ObjectKey metaKey(MessageId id) {
    return userRoot.resolve("meta", id.toHex());
  }

  /**
   * Encrypts {@code length} bytes of {@code message} into the message's blob, streaming: the
   * ciphertext goes to the store as it is produced. Fails, leaving no blob, when the stream holds
   * fewer or more bytes than announced.
   */
  public void putBlob(MessageId id, InputStream message, long length) {
    ObjectKey key = blobKey(id);
    PipedInputStream ciphertext = new PipedInputStream(PIPE_BUFFER);
    CompletableFuture<Void> encrypting;
    try {
      PipedOutputStream sink = new PipedOutputStream(ciphertext);
      encrypting = CompletableFuture.runAsync(() -> encrypt(key, message, length, sink),
          runnable -> Thread.ofVirtual().name("encrypt-" + id).start(runnable));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (ciphertext) {
      store.put(key, ciphertext, StreamingAead.ciphertextLength(length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      encrypting.cancel(true);
      Throwable cause = encryptionFailure(encrypting);
      if (cause != null) {
        e.addSuppressed(cause);
      }
      throw e;
    }
    Throwable cause = encryptionFailure(encrypting);
    if (cause != null) {
      store.delete(key);
      throw cause instanceof IllegalArgumentException iae ? iae : new IllegalStateException("encrypting " + key, cause);
    }
  }

  private void encrypt(ObjectKey key, InputStream message, long length, PipedOutputStream sink) {
    try (sink; OutputStream out = streaming.encryptingStream(sink, key.utf8())) {
      long copied = copy(message, out, length);
      if (copied != length || message.read() >= 0) {
        throw new IllegalArgumentException("message is not the announced " + length + " bytes");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long copy(InputStream in, OutputStream out, long limit) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long copied = 0;
    while (copied < limit) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  private static Throwable encryptionFailure(CompletableFuture<Void> encrypting) {
    try {
      encrypting.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }

  /** The whole message, decrypted as it is read. */
  public InputStream openBlob(MessageId id) {
    ObjectKey key = blobKey(id);
    return streaming.decryptingStream(store.get(key), key.utf8());
  }

  /** {@code length} bytes of the message from {@code offset}: only the segments covering them are fetched. */
  public InputStream openBlob(MessageId id, long offset, long length) {
    ObjectKey key = blobKey(id);
    long ciphertextLength = store.head(key).map(ObjectInfo::size)
        .orElseThrow(() -> new ObjectNotFoundException(key));
    try {
      return streaming.decryptingRange((from, count) -> store.get(key, new ByteRange(from, count)),
          ciphertextLength, offset, length, key.utf8());
    } catch (IOException e) {
      throw new PermanentStorageException("blob " + key + " cannot be decrypted", e);
    }
  }

  /** The size in bytes of the message's plaintext. */
  public long blobSize(MessageId id) {
    ObjectKey key = blobKey(id);
    return StreamingAead.plaintextLength(store.head(key).map(ObjectInfo::size)
        .orElseThrow(() -> new ObjectNotFoundException(key)));
  }

  public void putMeta(MessageId id, byte[] summary) {
    ObjectKey key = metaKey(id);
    store.put(key, aead.seal(summary, key.utf8()));
  }

  public byte[] getMeta(MessageId id) {
    ObjectKey key = metaKey(id);
    try {
      return aead.open(store.getBytes(key), key.utf8());
    } catch (CryptoException e) {
      throw new PermanentStorageException("summary " + key + " cannot be decrypted", e);
    }
  }

  /** Removes a message's objects; only for messages no mailbox references any more. */
  public void delete(MessageId id) {
    store.deleteMany(List.of(blobKey(id), metaKey(id)));
  }
}
