package dev.tern.mailbox;

import dev.tern.crypto.Aead;
import dev.tern.crypto.CorruptCiphertextException;
import dev.tern.crypto.CryptoException;
import dev.tern.crypto.StreamingAead;
import dev.tern.crypto.SymmetricKey;
import dev.tern.storage.ByteRange;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectNotFoundException;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.PermanentStorageException;
import dev.tern.storage.TransientStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * A user's message contents: {@code blob/<id>} holds the raw RFC 5322 bytes under
 * {@link StreamingAead} (so a 50 MB message is never whole in memory, and a part can be read
 * with a ranged GET), {@code meta/<id>} the message's summary under {@link Aead}. Both are bound
 * to their object keys and written once; ops name messages by id, and the index never points at a
 * message whose objects are not durable, because callers write these before the {@code MailAdd}.
 */
public final class MessageStore {

  private final ObjectStore store;
  private final ObjectKey userRoot;
  private final StreamingAead streaming;
  private final Aead aead;
  private final MetaCache metas;

  public MessageStore(ObjectStore store, ObjectKey userRoot, SymmetricKey masterKey) {
    this(store, userRoot, masterKey, new MetaCache(0));
  }

  public MessageStore(ObjectStore store, ObjectKey userRoot, SymmetricKey masterKey, MetaCache metas) {
    this.metas = Objects.requireNonNull(metas);
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
    EncryptingPut.put(store, key, StreamingAead.ciphertextLength(length), sink -> {
      try (OutputStream out = streaming.encryptingStream(sink, key.utf8())) {
        EncryptingPut.copyExactly(message, out, length);
      }
    });
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
    } catch (CorruptCiphertextException e) {
      throw new PermanentStorageException("blob " + key + " cannot be decrypted", e);
    } catch (IOException e) {
      // Reading its header failed (a connection reset, say): the blob is fine, try again later.
      throw new TransientStorageException("reading blob " + key + " failed: " + e.getMessage(), e);
    }
  }

  /** The size in bytes of the message's plaintext. */
  public long blobSize(MessageId id) {
    ObjectKey key = blobKey(id);
    return StreamingAead.plaintextLength(store.head(key).map(ObjectInfo::size)
        .orElseThrow(() -> new ObjectNotFoundException(key)));
  }

  /** Whether the message's summary exists; it is written after the blob, so then both do. */
  public boolean isStored(MessageId id) {
    return store.head(metaKey(id)).isPresent();
  }

  public void putMeta(MessageId id, byte[] summary) {
    ObjectKey key = metaKey(id);
    store.put(key, aead.seal(summary, key.utf8()));
  }

  /** The decrypted meta; shared with a node-wide cache, so callers must not change the array. */
  public byte[] getMeta(MessageId id) {
    ObjectKey key = metaKey(id);
    return metas.get(key, () -> {
      try {
        return aead.open(store.getBytes(key), key.utf8());
      } catch (CryptoException e) {
        throw new PermanentStorageException("summary " + key + " cannot be decrypted", e);
      }
    });
  }

  /** Removes a message's objects; only for messages no mailbox references any more. */
  public void delete(MessageId id) {
    metas.remove(metaKey(id));
    store.deleteMany(List.of(blobKey(id), metaKey(id)));
  }
}
