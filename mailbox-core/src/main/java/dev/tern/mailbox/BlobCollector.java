package dev.tern.mailbox;

import dev.tern.crypto.Aead;
import dev.tern.crypto.CryptoException;
import dev.tern.log.Timestamp;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectNotFoundException;
import dev.tern.storage.ObjectStore;
import dev.tern.storage.PermanentStorageException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the blob and summary of messages no mailbox references any more: mark, wait, sweep.
 *
 * <p>A sweep lists {@code blob/} and {@code meta/} and compares them with the messages of every
 * mailbox in the mailbox list, each synced. An unreferenced message is not deleted at once: it is
 * written into a mark, {@code gc/<ts>}, an encrypted list of message ids. A later sweep deletes a
 * marked message only when the mark is at least {@code grace} old and the message is still
 * unreferenced. That wait is what makes deletion safe without a coordinator:
 * <ul>
 *   <li>an APPEND writes its blob before its {@code MailAdd}; a sweep in between marks the blob,
 *       and the next sweep finds the {@code MailAdd} and spares it;</li>
 *   <li>a session only reads a message that is in its node's synced state, and a node's state is
 *       never more than a command's sync behind the store, so within the grace every session has
 *       either stopped reading an expunged message or learned that it is gone; a session that
 *       still reads one after that finds it missing and answers as for an expunged message;</li>
 *   <li>a COPY from a stale view re-adds the id to a mailbox before the next sweep, which then
 *       spares it.</li>
 * </ul>
 * It assumes no node stalls for longer than the grace between writing a blob and adding it to a
 * mailbox, the same bound the log's garbage collection assumes of its readers, whose grace this
 * reuses. Sweeps on several nodes at once are harmless: deleting twice is deleting once, and a
 * mark written by either is honoured by both.
 *
 * <p>The newest mark also says when the last sweep ran, so a sweep asked for sooner than
 * {@code interval} after it costs one LIST and does nothing else.
 */
public final class BlobCollector {

  /** What a sweep did: whether it ran, how many messages were referenced, newly marked, deleted. */
  public record Sweep(boolean ran, int referenced, int marked, int deleted) {
    static final Sweep SKIPPED = new Sweep(false, 0, 0, 0);
  }

  /** Sweeps run at most this often per user, whichever node asks. */
  static final Duration DEFAULT_INTERVAL = Duration.ofHours(6);

  /** A sweep marks at most this many messages; the rest wait for the next sweep. */
  static final int MAX_MARKS = 200_000;

  private static final Logger LOG = LoggerFactory.getLogger(BlobCollector.class);
  private static final int MARK_VERSION = 1;
  private static final int DELETE_BATCH = 500;

  private record Mark(ObjectKey key, Timestamp written) {}

  private final ObjectStore store;
  private final ObjectKey userRoot;
  private final Aead aead;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final Duration grace;
  private final Duration interval;

  BlobCollector(ObjectStore store, ObjectKey userRoot, Aead aead, InstantSource clock,
      RandomGenerator random, Duration grace, Duration interval) {
    this.store = Objects.requireNonNull(store);
    this.userRoot = Objects.requireNonNull(userRoot);
    this.aead = Objects.requireNonNull(aead);
    this.clock = Objects.requireNonNull(clock);
    this.random = Objects.requireNonNull(random);
    this.grace = Objects.requireNonNull(grace);
    this.interval = Objects.requireNonNull(interval);
  }

  /**
   * Sweeps unless another sweep ran within the interval. {@code referenced} must return every
   * message of every mailbox, each mailbox synced after this call began; it is asked only when a
   * sweep runs, and a failure there aborts the sweep before anything is deleted.
   */
  Sweep sweep(Supplier<Set<MessageId>> referenced) {
    long now = clock.millis();
    List<Mark> marks = marks();
    if (!marks.isEmpty() && marks.getLast().written().millis() > now - interval.toMillis()) {
      return Sweep.SKIPPED;
    }
    Set<MessageId> ripe = new HashSet<>();
    Set<MessageId> waiting = new HashSet<>();
    List<Mark> consumed = new ArrayList<>();
    for (Mark mark : marks) {
      boolean isRipe = mark.written().millis() <= now - grace.toMillis();
      Set<MessageId> into = isRipe ? ripe : waiting;
      if (!readMark(mark, into)) {
        consumed.add(mark); // unreadable: its ids get marked again below
        continue;
      }
      if (isRipe) {
        consumed.add(mark);
      }
    }
    Set<MessageId> live = referenced.get();
    Set<MessageId> fresh = new HashSet<>();
    List<ObjectKey> doomed = new ArrayList<>();
    int deleted = 0;
    for (String kind : List.of("meta", "blob")) {
      try (var listing = store.listAll(userRoot.resolve(kind).asPrefix(), Optional.empty())) {
        for (var it = listing.iterator(); it.hasNext(); ) {
          Optional<MessageId> id = messageId(it.next().key());
          if (id.isEmpty() || live.contains(id.get())) {
            continue;
          }
          if (ripe.contains(id.get())) {
            doomed.add(userRoot.resolve(kind, id.get().toHex()));
            if (doomed.size() >= DELETE_BATCH) {
              store.deleteMany(doomed);
              doomed.clear();
            }
            if (kind.equals("blob")) {
              deleted++;
            }
          } else if (!waiting.contains(id.get()) && fresh.size() < MAX_MARKS) {
            fresh.add(id.get());
          }
        }
      }
      // Summaries go first: a reader that still finds a summary then finds its blob.
      if (!doomed.isEmpty()) {
        store.deleteMany(doomed);
        doomed.clear();
      }
    }
    writeMark(Timestamp.at(now, random), fresh);
    if (!consumed.isEmpty()) {
      store.deleteMany(consumed.stream().map(Mark::key).toList());
    }
    if (deleted > 0 || !fresh.isEmpty()) {
      LOG.info("blob sweep of {}: {} referenced, {} deleted, {} newly unreferenced", userRoot.value(),
          live.size(), deleted, fresh.size());
    }
    return new Sweep(true, live.size(), fresh.size(), deleted);
  }

  private ObjectKey markPrefix() {
    return userRoot.resolve("gc");
  }

  private List<Mark> marks() {
    List<Mark> marks = new ArrayList<>();
    try (var listing = store.listAll(markPrefix().asPrefix(), Optional.empty())) {
      listing.forEach(info -> {
        try {
          marks.add(new Mark(info.key(), Timestamp.parse(info.key().name())));
        } catch (IllegalArgumentException e) {
          LOG.warn("ignoring {}: not a sweep mark", info.key().value());
        }
      });
    }
    return marks; // listed in key order, which is time order
  }

  private boolean readMark(Mark mark, Set<MessageId> into) {
    byte[] plain;
    try {
      plain = aead.open(store.getBytes(mark.key()), mark.key().utf8());
    } catch (ObjectNotFoundException e) {
      return true; // consumed by a concurrent sweep elsewhere
    } catch (CryptoException e) {
      LOG.warn("sweep mark {} cannot be decrypted; dropping it", mark.key().value());
      return false;
    }
    ByteBuffer buffer = ByteBuffer.wrap(plain);
    if (buffer.remaining() < 1 || buffer.get() != MARK_VERSION || buffer.remaining() % 16 != 0) {
      throw new PermanentStorageException("sweep mark " + mark.key().value() + " has an unknown format", null);
    }
    while (buffer.hasRemaining()) {
      into.add(new MessageId(buffer.getLong(), buffer.getLong()));
    }
    return true;
  }

  private void writeMark(Timestamp at, Set<MessageId> ids) {
    ByteBuffer buffer = ByteBuffer.allocate(1 + 16 * ids.size());
    buffer.put((byte) MARK_VERSION);
    for (MessageId id : ids) {
      buffer.putLong(id.high()).putLong(id.low());
    }
    ObjectKey key = markPrefix().resolve(at.toHex());
    store.put(key, aead.seal(buffer.array(), key.utf8()));
  }

  private static Optional<MessageId> messageId(ObjectKey key) {
    try {
      return Optional.of(MessageId.parse(key.name()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
