package dev.tern.mailbox;

import dev.tern.crypto.Aead;
import dev.tern.crypto.KeyBundle;
import dev.tern.crypto.X25519KeyPair;
import dev.tern.log.LogContext;
import dev.tern.log.OpLog;
import dev.tern.mailbox.MailboxException.Reason;
import dev.tern.mailbox.MailboxList.Binding;
import dev.tern.mailbox.MailboxListOp.Create;
import dev.tern.mailbox.MailboxListOp.Delete;
import dev.tern.mailbox.MailboxListOp.Rename;
import dev.tern.mailbox.MailboxListOp.Subscribe;
import dev.tern.mailbox.MailboxListOp.Unsubscribe;
import dev.tern.mailbox.message.LineEndNormalizer;
import dev.tern.mailbox.message.MessageParser;
import dev.tern.mailbox.message.MessageSummary;
import dev.tern.mailbox.message.MessageSummaryCodec;
import dev.tern.storage.ObjectKey;
import dev.tern.storage.ObjectNotFoundException;
import dev.tern.storage.PermanentStorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user as a node holds them: unwrapped keys, the mailbox list, the mailboxes opened so far, and
 * the message store. Shared by every session of the user on this node.
 *
 * <p>Mailbox-list operations check their preconditions against the list as synced inside the
 * append, so a refusal reflects what every node had written by then. Two nodes creating one name
 * at the same moment both succeed and the later create wins the name (last writer wins); the
 * loser's UIDVALIDITY is never reused under that name.
 */
public final class Account {

  private static final Logger LOG = LoggerFactory.getLogger(Account.class);

  /** The mailboxes every new user gets, with their SPECIAL-USE attributes (RFC 6154). */
  public static final Map<String, Set<String>> DEFAULT_MAILBOXES = Map.of(
      "INBOX", Set.of(),
      "Drafts", Set.of("\\Drafts"),
      "Sent", Set.of("\\Sent"),
      "Trash", Set.of("\\Trash"),
      "Junk", Set.of("\\Junk"),
      "Archive", Set.of("\\Archive"));

  private final String userId;
  private final LogContext context;
  private final ObjectKey root;
  private final Aead aead;
  private final OpLog<MailboxList, MailboxListOp> list;
  private final MessageStore messages;
  private final Map<MailboxId, Mailbox> open = new ConcurrentHashMap<>();
  private final RandomGenerator random;
  private final BlobCollector collector;
  private final IncomingQueue incoming;
  private final X25519KeyPair keyPair;
  private final ReentrantLock filing = new ReentrantLock();
  /**
   * Heap for filing: a sealed message up to {@link HeapBudget#MESSAGE} is decrypted once, into the
   * heap, and both parsed and stored from there; a larger one, or one beyond the node's budget, is
   * decrypted twice (parse, then blob), streaming. Each decryption costs an X25519 agreement.
   */
  private final HeapBudget filingBudget;

  public Account(LogContext context, String userId, KeyBundle keys) {
    this(context, userId, keys, new MetaCache(0), new HeapBudget(HeapBudget.DEFAULT_BYTES), new SecureRandom());
  }

  /** An account sharing the node's meta cache and the heap budget for filing with the node's others. */
  Account(LogContext context, String userId, KeyBundle keys, MetaCache metas, HeapBudget filingBudget) {
    this(context, userId, keys, metas, filingBudget, new SecureRandom());
  }

  Account(LogContext context, String userId, KeyBundle keys, RandomGenerator random) {
    this(context, userId, keys, new MetaCache(0), new HeapBudget(HeapBudget.DEFAULT_BYTES), random);
  }

  private Account(LogContext context, String userId, KeyBundle keys, MetaCache metas, HeapBudget filingBudget,
      RandomGenerator random) {
    this.filingBudget = Objects.requireNonNull(filingBudget);
    this.context = Objects.requireNonNull(context);
    this.userId = Objects.requireNonNull(userId);
    this.root = ObjectKey.of("users").resolve(userId);
    this.aead = new Aead(keys.masterKey());
    this.random = random;
    this.list = new OpLog<>(context, root.resolve("log", "mailboxes"), new MailboxListCodec(), aead, MailboxList::new);
    this.messages = new MessageStore(context.store(), root, keys.masterKey(), metas);
    this.incoming = new IncomingQueue(context.store(), context.clock());
    this.keyPair = keys.keyPair();
    this.collector = new BlobCollector(context.store(), root, aead, context.wallClock(), random,
        context.config().gcGrace(), BlobCollector.DEFAULT_INTERVAL);
  }

  public String userId() {
    return userId;
  }

  public MessageStore messages() {
    return messages;
  }

  /**
   * Creates the default mailboxes that do not exist yet, subscribed. When the list as last synced
   * here holds them all (a login to an account already open on this node), it asks the store
   * nothing; a default deleted meanwhile on another node comes back at a later login.
   */
  public void ensureDefaults() {
    if (hasDefaults(mailboxesCached())) {
      return; // a session here already saw them all: no store request (a login to an open account)
    }
    MailboxList current = mailboxes();
    for (Map.Entry<String, Set<String>> entry : DEFAULT_MAILBOXES.entrySet()) {
      MailboxName name = MailboxName.of(entry.getKey());
      if (current.lookup(name).isEmpty()) {
        try {
          create(name, entry.getValue());
          subscribe(name);
        } catch (MailboxException e) {
          // created meanwhile by another session or node: fine
        }
      }
    }
  }

  private static boolean hasDefaults(MailboxList list) {
    return DEFAULT_MAILBOXES.keySet().stream().allMatch(name -> list.lookup(MailboxName.of(name)).isPresent());
  }

  /** The mailbox list as synced now. */
  public MailboxList mailboxes() {
    list.sync();
    return list.snapshot();
  }

  /** The mailbox list, synced unless this node synced it less than {@code period} ago. */
  public MailboxList pollMailboxes(Duration period) {
    list.syncIfOlderThan(period);
    return list.snapshot();
  }

  /** The mailbox list as last synced, without asking the store. */
  public MailboxList mailboxesCached() {
    return list.snapshot();
  }

  /** A mailbox with its current name binding, as a session selects it. */
  public record Selected(MailboxName name, Binding binding, Mailbox mailbox) {
    /** The UIDVALIDITY clients see now. */
    public long uidValidity() {
      return binding.uidValidity(mailbox.read(UidIndex::uidValidity));
    }
  }

  /** Opens the mailbox at {@code name}, syncing its log. */
  public Selected select(MailboxName name) {
    Binding binding = mailboxes().lookup(name)
        .orElseThrow(() -> new MailboxException(Reason.NONEXISTENT, "Mailbox doesn't exist: " + name.value()));
    Mailbox mailbox = mailbox(binding.id());
    mailbox.sync();
    return new Selected(name, binding, mailbox);
  }

  /** The shared handle on a mailbox's log (not synced here). */
  public Mailbox mailbox(MailboxId id) {
    return open.computeIfAbsent(id, this::openMailbox);
  }

  private Mailbox openMailbox(MailboxId id) {
    long initial = Mailbox.initialUidValidity(id);
    OpLog<UidIndex, UidIndexOp> log = new OpLog<>(context, root.resolve("log", "mbx-" + id.toHex()),
        new UidIndexCodec(), aead, () -> new UidIndex(initial));
    return new Mailbox(id, log);
  }

  /**
   * Files the messages waiting in {@code incoming/} into INBOX, oldest first, and returns how many
   * were filed. Each becomes a blob and a summary (line ends normalised, as APPEND stores them),
   * then a {@code MailAdd}, then its incoming object goes. Its message id derives from the
   * incoming key, so a filing cut short and done again, or done by two nodes at once, adds one
   * message (a repeated {@code MailAdd} of a present id changes nothing). Each message gets its own
   * {@code MailAdd}: two nodes filing the same one from the same state then agree on its UID and
   * leave UIDVALIDITY alone ({@link UidIndex}), which a batch of several would not. A message that
   * cannot be opened stays where it is, logged, and does not stop the others; a transient store
   * failure ends the run with a {@link dev.tern.storage.TransientStorageException}, what is left
   * staying queued for the next.
   */
  public int fileIncoming() {
    filing.lock(); // one filer per user on this node; others wait and then find the queue empty
    try {
      List<ObjectKey> waiting = incoming.waiting(userId);
      if (waiting.isEmpty()) {
        return 0;
      }
      Mailbox inbox = mailbox(inboxBinding().id()); // one list sync per run, not per message
      int filed = 0;
      for (ObjectKey key : waiting) {
        if (fileOne(key, inbox)) {
          filed++;
        }
      }
      return filed;
    } finally {
      filing.unlock();
    }
  }

  private Binding inboxBinding() {
    Optional<Binding> inbox = mailboxes().lookup(MailboxName.INBOX);
    if (inbox.isPresent()) {
      return inbox.get();
    }
    ensureDefaults();
    return mailboxes().lookup(MailboxName.INBOX).orElseThrow();
  }

  private boolean fileOne(ObjectKey key, Mailbox inbox) {
    MessageId id = IncomingQueue.messageId(key);
    OffsetDateTime delivered = IncomingQueue.deliveryTime(key).orElseThrow();
    try {
      if (!messages.isStored(id)) {
        MessageSummary summary = storeBlob(key, id, delivered);
        messages.putMeta(id, new MessageMeta(delivered, summary.size(), MessageSummaryCodec.encode(summary)).toBytes());
      }
    } catch (ObjectNotFoundException e) {
      return false; // filed meanwhile by another node, which added it to INBOX before removing it
    } catch (PermanentStorageException | IOException | UncheckedIOException e) {
      LOG.error("incoming message {} of user {} cannot be filed: {}", key.name(), userId, e.getMessage());
      return false;
    }
    inbox.add(List.of(new UidIndexOp.Added(id, Flags.NONE)));
    incoming.remove(key);
    return true;
  }

  /** Writes the blob of an incoming message and returns its summary. */
  private MessageSummary storeBlob(ObjectKey key, MessageId id, OffsetDateTime delivered) throws IOException {
    IncomingQueue.Opened opened = incoming.open(key, keyPair);
    long reserved = 2 * opened.length(); // normalising line ends at most doubles the length
    if (opened.length() <= HeapBudget.MESSAGE && filingBudget.reserve(reserved)) {
      try {
        byte[] normalized;
        try (InputStream in = new LineEndNormalizer(opened.content())) {
          normalized = in.readAllBytes();
        }
        MessageSummary summary = MessageParser.parse(new ByteArrayInputStream(normalized), delivered);
        messages.putBlob(id, new ByteArrayInputStream(normalized), normalized.length);
        return summary;
      } finally {
        filingBudget.release(reserved);
      }
    }
    MessageSummary summary;
    try (InputStream in = new LineEndNormalizer(opened.content())) {
      summary = MessageParser.parse(in, delivered);
    }
    try (InputStream in = new LineEndNormalizer(incoming.open(key, keyPair).content())) {
      messages.putBlob(id, in, summary.physicalSize());
    }
    return summary;
  }

  /**
   * Deletes the objects of messages that no mailbox has referenced for a while (see
   * {@link BlobCollector}); does nothing when a sweep of this user ran recently on any node.
   */
  public BlobCollector.Sweep collectGarbage() {
    return collector.sweep(this::referencedMessages);
  }

  private Set<MessageId> referencedMessages() {
    Set<MessageId> referenced = new HashSet<>();
    Map<MailboxId, Mailbox> seen = new HashMap<>(open); // also mailboxes deleted under a session here
    for (Binding binding : mailboxes().mailboxes().values()) {
      seen.computeIfAbsent(binding.id(), this::openMailbox).sync();
    }
    for (Mailbox mailbox : seen.values()) {
      mailbox.read(state -> {
        for (UidIndex.Entry entry : state.entries()) {
          referenced.add(entry.message());
        }
        return null;
      });
    }
    return referenced;
  }

  /** Creates {@code name} and any missing parent; refuses a name that exists. */
  public MailboxId create(MailboxName name, Set<String> specialUse) {
    List<MailboxName> missingParents = new ArrayList<>();
    for (MailboxName ancestor : name.ancestors()) {
      if (mailboxes().lookup(ancestor).isEmpty()) {
        missingParents.add(ancestor);
      }
    }
    for (MailboxName parent : missingParents) {
      createOne(parent, Set.of(), true);
    }
    return createOne(name, specialUse, false);
  }

  private MailboxId createOne(MailboxName name, Set<String> specialUse, boolean mayExist) {
    MailboxId id = MailboxId.random(random);
    boolean[] exists = new boolean[1];
    list.append(state -> {
      if (state.lookup(name).isPresent()) {
        exists[0] = true;
        return null;
      }
      return new Create(name, id, Mailbox.initialUidValidity(id), specialUse);
    });
    if (exists[0]) {
      if (mayExist) {
        return list.read(state -> state.lookup(name).map(Binding::id).orElse(id));
      }
      throw new MailboxException(Reason.ALREADYEXISTS, "Mailbox already exists");
    }
    return id;
  }

  /**
   * Deletes the mailbox at {@code name}; its inferiors stay. INBOX cannot be deleted.
   * Its messages' objects are left for blob garbage collection.
   */
  public void delete(MailboxName name) {
    if (name.isInbox()) {
      throw new MailboxException(Reason.CANNOT, "INBOX can't be deleted");
    }
    Binding binding = requireExisting(name);
    Mailbox doomed = mailbox(binding.id());
    doomed.sync(); // the name's floor must be above the highest UIDVALIDITY any node reached
    long uidValidity = doomed.read(UidIndex::uidValidity);
    boolean[] gone = new boolean[1];
    list.append(state -> {
      Optional<Binding> now = state.lookup(name);
      if (now.isEmpty()) {
        gone[0] = true;
        return null;
      }
      long current = now.get().id().equals(binding.id()) ? uidValidity : mailbox(now.get().id()).read(UidIndex::uidValidity);
      return new Delete(name, now.get().id(), current);
    });
    if (gone[0]) {
      throw new MailboxException(Reason.NONEXISTENT, "Mailbox doesn't exist: " + name.value());
    }
    open.remove(binding.id());
  }

  /**
   * Renames {@code from} and its inferiors to {@code to}, creating missing parents of {@code to}.
   * Renaming INBOX moves its messages to a new mailbox at {@code to} and leaves an empty INBOX
   * (RFC 3501 §6.3.5).
   */
  public void rename(MailboxName from, MailboxName to) {
    if (from.equals(to)) {
      throw new MailboxException(Reason.ALREADYEXISTS, "Mailbox already exists");
    }
    if (from.isAncestorOf(to)) {
      throw new MailboxException(Reason.CANNOT, "Can't rename a mailbox under itself");
    }
    MailboxList current = mailboxes();
    requireExisting(from);
    if (current.lookup(to).isPresent()) {
      throw new MailboxException(Reason.ALREADYEXISTS, "Mailbox already exists");
    }
    List<MailboxName> moving = new ArrayList<>();
    moving.add(from);
    if (!from.isInbox()) {
      for (MailboxName name : current.mailboxes().keySet()) {
        if (from.isAncestorOf(name)) {
          moving.add(name);
        }
      }
    }
    for (MailboxName name : moving) {
      if (current.lookup(name.movedUnder(from, to)).isPresent()) {
        throw new MailboxException(Reason.ALREADYEXISTS, "Mailbox already exists: " + name.movedUnder(from, to).value());
      }
    }
    for (MailboxName name : moving) {
      mailbox(current.lookup(name).orElseThrow().id()).sync(); // for the old names' floors
    }
    for (MailboxName parent : to.ancestors()) {
      if (current.lookup(parent).isEmpty() && !moving.contains(parent)) {
        createOne(parent, Set.of(), true);
      }
    }
    for (MailboxName name : moving) {
      MailboxName target = name.movedUnder(from, to);
      boolean[] failed = new boolean[1];
      list.append(state -> {
        Optional<Binding> binding = state.lookup(name);
        if (binding.isEmpty() || state.lookup(target).isPresent()) {
          failed[0] = true;
          return null;
        }
        long uidValidity = mailbox(binding.get().id()).read(UidIndex::uidValidity);
        return new Rename(name, target, binding.get().id(), uidValidity);
      });
      if (failed[0] && name.equals(from)) {
        throw new MailboxException(Reason.ALREADYEXISTS, "Mailbox changed meanwhile; rename not done");
      }
    }
    if (from.isInbox()) {
      createOne(MailboxName.INBOX, Set.of(), true);
    }
  }

  public void subscribe(MailboxName name) {
    list.append(state -> state.isSubscribed(name) ? null : new Subscribe(name));
  }

  public void unsubscribe(MailboxName name) {
    list.append(state -> state.isSubscribed(name) ? new Unsubscribe(name) : null);
  }

  private Binding requireExisting(MailboxName name) {
    return mailboxes().lookup(name)
        .orElseThrow(() -> new MailboxException(Reason.NONEXISTENT, "Mailbox doesn't exist: " + name.value()));
  }
}
