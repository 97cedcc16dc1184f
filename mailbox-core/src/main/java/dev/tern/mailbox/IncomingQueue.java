package dev.tern.mailbox;

import dev.tern.crypto.CorruptCiphertextException;
import dev.tern.crypto.SealedBox;
import dev.tern.crypto.StreamingAead;
import dev.tern.crypto.X25519KeyPair;
import dev.tern.crypto.X25519PublicKey;
import dev.tern.log.HybridClock;
import dev.tern.log.Timestamp;
import dev.tern.storage.ObjectInfo;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.PermanentStorageException;
import dev.tern.storage.TransientStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Mail waiting for its user: {@code users/<id>/incoming/<ts>}, each one message sealed to the
 * user's public key ({@link SealedBox} stream), so delivery never needs a password or a private
 * key. A node that holds the user's keys later files it into INBOX ({@link Account#fileIncoming}).
 * The timestamp comes from the node's hybrid clock: keys sort by delivery time and never collide.
 */
public final class IncomingQueue {

  private final ObjectStore store;
  private final HybridClock clock;

  public IncomingQueue(ObjectStore store, HybridClock clock) {
    this.store = Objects.requireNonNull(store);
    this.clock = Objects.requireNonNull(clock);
  }

  static ObjectKey prefix(String userId) {
    return ObjectKey.of("users").resolve(userId, "incoming");
  }

  /**
   * Seals {@code length} bytes of {@code message} to {@code recipient} into the user's queue,
   * streaming. When this returns the object is durable; on failure nothing is left.
   */
  public ObjectKey put(String userId, X25519PublicKey recipient, InputStream message, long length) {
    ObjectKey key = prefix(userId).resolve(clock.next().toHex());
    SealedBox box = new SealedBox(recipient);
    EncryptingPut.put(store, key, SealedBox.STREAM_HEADER_LENGTH + StreamingAead.ciphertextLength(length), sink -> {
      try (OutputStream out = box.encryptingStream(sink, key.utf8())) {
        EncryptingPut.copyExactly(message, out, length);
      }
    });
    return key;
  }

  /** The messages waiting for a user, oldest first. */
  public List<ObjectKey> waiting(String userId) {
    try (var listing = store.listAll(prefix(userId).asPrefix(), Optional.empty())) {
      return listing.map(ObjectInfo::key).filter(key -> deliveryTime(key).isPresent()).toList();
    }
  }

  /** A waiting message's plaintext and length, decrypted as it is read. */
  Opened open(ObjectKey key, X25519KeyPair keys) {
    long sealed = store.head(key).map(ObjectInfo::size)
        .orElseThrow(() -> new dev.tern.storage.ObjectNotFoundException(key));
    long length = StreamingAead.plaintextLength(sealed - SealedBox.STREAM_HEADER_LENGTH);
    try {
      return new Opened(SealedBox.decryptingStream(keys, store.get(key), key.utf8()), length);
    } catch (CorruptCiphertextException e) {
      throw new PermanentStorageException("incoming message " + key + " does not open with this user's key", e);
    } catch (IOException e) {
      // Reading its header failed (a connection reset, say): it stays queued for the next try.
      throw new TransientStorageException("reading incoming message " + key + " failed: " + e.getMessage(), e);
    }
  }

  record Opened(InputStream content, long length) {}

  void remove(ObjectKey key) {
    store.delete(key);
  }

  /** When a waiting message was delivered (its INTERNALDATE), from its key. */
  static Optional<OffsetDateTime> deliveryTime(ObjectKey key) {
    try {
      long millis = Timestamp.parse(key.name()).millis();
      return Optional.of(OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC).withNano(0));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The id the message gets when filed: derived from its incoming key, so filing twice (a crash
   * before the incoming object was removed, or two nodes at once) names one message.
   */
  static MessageId messageId(ObjectKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("tern/incoming/v1/" + key.value()).getBytes(StandardCharsets.UTF_8));
      ByteBuffer bytes = ByteBuffer.wrap(digest);
      return new MessageId(bytes.getLong(), bytes.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
