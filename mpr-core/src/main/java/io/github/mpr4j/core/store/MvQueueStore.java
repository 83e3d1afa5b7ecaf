package io.github.mpr4j.core.store;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded durable store on H2's MVStore: one file, {@value #FILE_NAME}, in the configured directory.
 *
 * <p>On disk, everything lives in one {@code MVMap<byte[], byte[]>} (see {@link MvKeys}): one record per
 * message under a global, growing sequence, an index {@code messageId -> sequence}, the sending deadlines
 * apart under the sequence, and the sequence ceiling. New records and (UUIDv7, time-ordered) index entries
 * land at the right edge of their region, so an append rewrites only right-edge pages. One map means that
 * every commit is a consistent cut of all the operations applied before it.
 *
 * <p>In memory, each connection has a {@link ConnectionQueue}: the sequences of its messages in order, with
 * their sizes, deadlines and recipients, rebuilt by one scan of the records on open. Operations on a
 * connection are serialized by striped locks; a mutation then waits for a group commit
 * ({@link GroupCommitter}) before it returns, so whatever was answered is in the file.
 *
 * <p>Multi-step changes are ordered so that a crash between two steps never leaves a record without its
 * index entry: an append writes index entry, deadline, then record; a removal deletes record, deadline,
 * then index entry. The leftovers of a crash are ignored (an index entry whose sequence is in no queue) or
 * deleted on open (a deadline without a record).
 */
final class MvQueueStore implements QueueStore {

  static final String FILE_NAME = "queue.mv.db";

  private static final Logger LOG = LoggerFactory.getLogger(MvQueueStore.class);
  private static final String MAP_NAME = "queue";
  private static final long SEQUENCE_BLOCK = 1 << 20;
  private static final int STRIPES = 256;
  /** Smaller pages than H2's 48 keys: a commit rewrites every page it touched, so this cuts the bytes written. */
  private static final int KEYS_PER_PAGE = 16;
  /**
   * How long a chunk is kept after it was written before its space may be reused (H2 default: 45 s). It must
   * outlast the slowest scan of a queue and the time the OS may keep written chunks unflushed, which
   * {@link #SYNC_PERIOD_MILLIS} bounds. Shorter than H2's default, so the file stays small under heavy churn.
   */
  private static final int RETENTION_MILLIS = 10_000;
  /**
   * How long a commit may wait for callers that are still applying a change, so that it covers them too
   * (see {@link GroupCommitter}). Applying a change takes tens of microseconds; this bounds the latency a
   * caller can pay for a bigger group. 0 (no gathering) gave 15.5 appends a commit, 500 us 18–19, 1.5 ms no more.
   */
  private static final long MAX_GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
  /** Without fsync, the file is still forced to the device this often, in the background. */
  private static final long SYNC_PERIOD_MILLIS = 1_000;
  /** Directories opened by this process: a second open would share, then lose, the OS file lock. */
  private static final Set<Path> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();

  private final Path directory;
  private final boolean fsync;
  private final MVStore mvStore;
  private final MVMap<byte[], byte[]> map;
  private final GroupCommitter committer;
  private final ScheduledExecutorService syncer;
  private final Lock[] stripes = new Lock[STRIPES];
  /** The in-memory index: each connection's messages in order; a queue is used under its stripe lock only. */
  private final Map<String, ConnectionQueue> queues = new ConcurrentHashMap<>();
  /** Operations hold it shared; close holds it exclusively, so it waits for them. */
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Object sequenceLock = new Object();
  private long sequenceCeiling; // guarded by sequenceLock after construction
  private long nextSequence; // guarded by sequenceLock
  private volatile boolean closed;

  MvQueueStore(EmbeddedStoreSettings settings) {
    this.directory = settings.directory().toAbsolutePath().normalize();
    this.fsync = settings.fsync();
    claimDirectory(directory);
    try {
      this.mvStore = open(directory.resolve(FILE_NAME), settings.cacheSizeMb());
    } catch (RuntimeException e) {
      OPEN_DIRECTORIES.remove(directory);
      throw e;
    }
    try {
      this.map = mvStore.openMap(MAP_NAME, new MVMap.Builder<byte[], byte[]>()
          .keyType(ByteArrayDataType.INSTANCE)
          .valueType(ByteArrayDataType.INSTANCE));
      checkFormat();
    } catch (RuntimeException e) {
      mvStore.closeImmediately();
      OPEN_DIRECTORIES.remove(directory);
      throw e;
    }
    byte[] ceiling = map.get(MvKeys.SEQUENCE_CEILING);
    this.sequenceCeiling = ceiling == null ? 0 : MvKeys.longOf(ceiling);
    this.nextSequence = sequenceCeiling;
    try {
      loadQueues();
    } catch (RuntimeException e) {
      mvStore.closeImmediately();
      OPEN_DIRECTORIES.remove(directory);
      throw e;
    }
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
    this.committer = new GroupCommitter(this::commitNow, "mpr-embedded-store-commit", MAX_GATHER_NANOS);
    this.syncer = fsync ? null : startSyncer();
    LOG.info("Opened {} (cache {} MiB, fsync {})", describe(), settings.cacheSizeMb(), fsync);
  }

  private static void claimDirectory(Path directory) {
    if (!OPEN_DIRECTORIES.add(directory)) {
      throw new IllegalStateException("The embedded store in " + directory
          + " is already open in this process; close it before opening it again");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      OPEN_DIRECTORIES.remove(directory);
      throw new UncheckedIOException("Cannot create the embedded store directory " + directory, e);
    }
  }

  private static MVStore open(Path file, int cacheSizeMb) {
    try {
      // autocommit stays on: its background thread also compacts the file and frees old chunks
      MVStore store = new MVStore.Builder()
          .fileName(file.toString())
          .cacheSize(cacheSizeMb)
          .keysPerPage(KEYS_PER_PAGE)
          .open();
      store.setRetentionTime(RETENTION_MILLIS);
      return store;
    } catch (MVStoreException e) {
      if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
        throw new IllegalStateException("The embedded store " + file
            + " is locked: another process (or another store in this process) has it open", e);
      }
      throw new IllegalStateException("Cannot open the embedded store " + file + ": " + e.getMessage(), e);
    }
  }

  private ScheduledExecutorService startSyncer() {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mpr-embedded-store-sync");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(this::syncQuietly, SYNC_PERIOD_MILLIS, SYNC_PERIOD_MILLIS,
        TimeUnit.MILLISECONDS);
    return executor;
  }

  private void syncQuietly() {
    try {
      if (!mvStore.isClosed()) {
        mvStore.sync();
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not force {} to the device", describe(), e);
    }
  }

  private void checkFormat() {
    byte[] format = map.get(MvKeys.FORMAT);
    if (format == null) {
      map.put(MvKeys.FORMAT, new byte[] {MvRecords.VERSION});
      mvStore.commit();
    } else if (format[0] != MvRecords.VERSION) {
      throw new IllegalStateException("The embedded store in " + directory + " has format " + format[0]
          + ", this version reads format " + MvRecords.VERSION);
    }
  }

  /**
   * Rebuilds the in-memory queues by one scan of the state region, then one of the records (in sequence
   * order, so each connection's queue is built in append order). Deadlines left without a record by a crash
   * between the steps of a removal are deleted.
   */
  private void loadQueues() {
    long begin = System.nanoTime();
    Map<Long, Long> states = new HashMap<>();
    for (Cursor<byte[], byte[]> c = map.cursor(MvKeys.FIRST_STATE, MvKeys.LAST_STATE, false); c.hasNext(); ) {
      byte[] key = c.next();
      states.put(MvKeys.sequenceOf(key), MvKeys.longOf(c.getValue()));
    }
    long messages = 0;
    for (Cursor<byte[], byte[]> c = map.cursor(MvKeys.FIRST_RECORD, MvKeys.LAST_RECORD, false); c.hasNext(); ) {
      long seq = MvKeys.sequenceOf(c.next());
      MvRecords.Header h = MvRecords.header(c.getValue());
      Long until = states.isEmpty() ? null : states.remove(seq);
      queues.computeIfAbsent(h.connectionId(), k -> new ConnectionQueue())
          .add(seq, h.payloadSize(), h.recipientDids(), until == null ? 0 : until);
      messages++;
    }
    if (!states.isEmpty()) {
      states.keySet().forEach(seq -> map.remove(MvKeys.state(seq)));
      mvStore.commit();
    }
    LOG.info("Loaded {} messages of {} connections from {} in {} ms", messages, queues.size(), describe(),
        (System.nanoTime() - begin) / 1_000_000);
  }

  // ---- QueueStore ----

  @Override
  public void append(StoredMessage message) {
    byte[] record = MvRecords.encode(message);
    byte[] indexKey = MvKeys.index(message.id());
    int size = message.payload().byteSize();
    long until = message.sendingUntilMillis();
    mutate(message.connectionId(), () -> {
      ConnectionQueue q = queues.computeIfAbsent(message.connectionId(), k -> new ConnectionQueue());
      long seq = nextSequence(); // wasted if the id is already here; sequences need only grow
      byte[] seqValue = MvKeys.longValue(seq);
      // index entry, deadline, then record: a record never exists without them; the reverse leftovers are
      // ignored. One descent to the index's right edge both checks for the id and inserts it.
      byte[] indexed = map.putIfAbsent(indexKey, seqValue);
      int slot = indexed == null ? -1 : q.slotOf(MvKeys.longOf(indexed));
      if (slot >= 0) { // the same id again in this connection: replace the message where it is
        long existing = q.seq(slot);
        map.put(MvKeys.record(existing), record);
        setState(existing, q.sendingUntil(slot), until);
        q.replace(slot, size, message.recipientDids(), until);
        return null;
      }
      if (indexed != null) { // a leftover, or the id in another connection: it now names this message
        map.put(indexKey, seqValue);
      }
      setState(seq, 0, until);
      map.put(MvKeys.record(seq), record);
      q.add(seq, size, message.recipientDids(), until);
      return null;
    });
  }

  @Override
  public List<StoredMessage> take(TakeRequest r) {
    return mutate(r.connectionId(), () -> {
      ConnectionQueue q = queues.get(r.connectionId());
      if (q == null) {
        return List.of();
      }
      List<StoredMessage> taken = new ArrayList<>();
      long bytes = 0;
      for (int slot = q.first(); slot < q.end() && taken.size() < r.limit(); slot++) {
        if (q.isRemoved(slot) || q.sendingUntil(slot) > r.nowMillis() || !q.isFor(slot, r.recipientDid())) {
          continue;
        }
        bytes += q.size(slot);
        if (bytes > r.limitBytes()) {
          break;
        }
        StoredMessage m = read(q, slot);
        taken.add(m);
        if (r.delete()) {
          removeMessage(q, slot, m.id());
        } else {
          setState(q.seq(slot), q.sendingUntil(slot), r.sendingUntilMillis());
          q.setSendingUntil(slot, r.sendingUntilMillis());
        }
      }
      tidy(r.connectionId(), q);
      return taken;
    });
  }

  @Override
  public List<StoredMessage> claim(String connectionId, Collection<String> messageIds, long nowMillis,
      long sendingUntilMillis) {
    return mutate(connectionId, () -> {
      ConnectionQueue q = queues.get(connectionId);
      if (q == null) {
        return List.of();
      }
      List<StoredMessage> claimed = new ArrayList<>();
      for (Found f : lookUp(q, messageIds)) {
        if (q.sendingUntil(f.slot) <= nowMillis) {
          claimed.add(read(q, f.slot));
          setState(q.seq(f.slot), q.sendingUntil(f.slot), sendingUntilMillis);
          q.setSendingUntil(f.slot, sendingUntilMillis);
        }
      }
      return claimed;
    });
  }

  @Override
  public int release(String connectionId, Collection<String> messageIds) {
    return mutate(connectionId, () -> {
      ConnectionQueue q = queues.get(connectionId);
      if (q == null) {
        return 0;
      }
      int released = 0;
      if (messageIds == null) {
        for (int slot = q.first(); slot < q.end(); slot++) {
          if (!q.isRemoved(slot) && release(q, slot)) {
            released++;
          }
        }
      } else {
        for (Found f : lookUp(q, messageIds)) {
          if (release(q, f.slot)) {
            released++;
          }
        }
      }
      return released;
    });
  }

  @Override
  public int remove(String connectionId, Collection<String> messageIds) {
    return mutate(connectionId, () -> {
      ConnectionQueue q = queues.get(connectionId);
      if (q == null) {
        return 0;
      }
      List<Found> found = lookUp(q, messageIds);
      found.forEach(f -> removeMessage(q, f.slot, f.id));
      tidy(connectionId, q);
      return found.size();
    });
  }

  @Override
  public int removeAll(String connectionId, String recipientDid) {
    return mutate(connectionId, () -> {
      ConnectionQueue q = queues.get(connectionId);
      if (q == null) {
        return 0;
      }
      int removed = 0;
      for (int slot = q.first(); slot < q.end(); slot++) {
        if (!q.isRemoved(slot) && q.isFor(slot, recipientDid)) {
          removeMessage(q, slot, MvRecords.id(record(q, slot)));
          removed++;
        }
      }
      tidy(connectionId, q);
      return removed;
    });
  }

  @Override
  public int count(String connectionId, String recipientDid, long nowMillis) {
    return read(connectionId, () -> {
      ConnectionQueue q = queues.get(connectionId);
      int count = 0;
      for (int slot = q == null ? 0 : q.first(); q != null && slot < q.end(); slot++) {
        if (!q.isRemoved(slot) && q.sendingUntil(slot) <= nowMillis && q.isFor(slot, recipientDid)) {
          count++;
        }
      }
      return count;
    });
  }

  @Override
  public boolean isReady() {
    return !closed && !mvStore.isClosed();
  }

  @Override
  public String describe() {
    return "embedded(" + directory + ")";
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      committer.close();
      if (syncer != null) {
        // not shutdownNow: interrupting a running force (FileChannel.force) closes the file's channel
        syncer.shutdown();
        awaitTermination(syncer);
      }
      mvStore.close(); // commits what is left
      LOG.info("Closed {}", describe());
    } finally {
      OPEN_DIRECTORIES.remove(directory);
      lifecycle.writeLock().unlock();
    }
  }

  private static void awaitTermination(ExecutorService executor) {
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The underlying MVStore, for tests and measurements. */
  MVStore mvStore() {
    return mvStore;
  }

  // ---- the steps ----

  /** Runs a change under the connection's lock, then waits until a commit covers it. */
  private <T> T mutate(String connectionId, Supplier<T> change) {
    return whileOpen(() -> committer.applyAndAwait(() -> underLock(connectionId, change)));
  }

  /** Runs an operation under the connection's lock. */
  private <T> T read(String connectionId, Supplier<T> operation) {
    return whileOpen(() -> underLock(connectionId, operation));
  }

  /** Runs an operation while the store is open: {@link #close()} waits for it. */
  private <T> T whileOpen(Supplier<T> operation) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException(describe() + " is closed");
      }
      return operation.get();
    } catch (MVStoreException e) {
      throw new IllegalStateException(describe() + " failed: " + e.getMessage(), e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private <T> T underLock(String connectionId, Supplier<T> operation) {
    Lock stripe = stripes[Math.floorMod(connectionId.hashCode() * 0x9E3779B9, STRIPES)];
    stripe.lock();
    try {
      return operation.get();
    } finally {
      stripe.unlock();
    }
  }

  /** Commits the map and waits until the file has every change applied before the call. */
  private void commitNow() {
    if (mvStore.commit() < 0) {
      // nothing left to store, but the background autocommit may still be writing our changes
      mvStore.executeFilestoreOperation(() -> { });
    }
    if (fsync) {
      mvStore.sync();
    }
  }

  /** A message found by id: its slot in the connection's queue. */
  private record Found(int slot, String id) {}

  /** The messages of the connection with those ids, oldest first; unknown ids and other connections' are ignored. */
  private List<Found> lookUp(ConnectionQueue q, Collection<String> messageIds) {
    List<Found> found = new ArrayList<>();
    for (String id : new LinkedHashSet<>(messageIds)) {
      int slot = slotOf(q, MvKeys.index(id));
      if (slot >= 0) {
        found.add(new Found(slot, id));
      }
    }
    found.sort(Comparator.comparingInt(Found::slot));
    return found;
  }

  /**
   * The slot of a message in the connection's queue, through the id index, or -1. An index entry whose
   * record is gone (a crash in the middle of a removal) or in another connection finds nothing.
   */
  private int slotOf(ConnectionQueue q, byte[] indexKey) {
    byte[] seq = map.get(indexKey);
    return seq == null ? -1 : q.slotOf(MvKeys.longOf(seq));
  }

  private byte[] record(ConnectionQueue q, int slot) {
    byte[] record = map.get(MvKeys.record(q.seq(slot)));
    if (record == null) {
      throw new IllegalStateException(describe() + " has no record for sequence " + q.seq(slot));
    }
    return record;
  }

  private StoredMessage read(ConnectionQueue q, int slot) {
    return MvRecords.decode(record(q, slot), q.sendingUntil(slot));
  }

  /** Writes a message's deadline where it changes: kept only while not 0. */
  private void setState(long seq, long before, long after) {
    if (after != 0) {
      map.put(MvKeys.state(seq), MvKeys.longValue(after));
    } else if (before != 0) {
      map.remove(MvKeys.state(seq));
    }
  }

  private boolean release(ConnectionQueue q, int slot) {
    if (q.sendingUntil(slot) == 0) {
      return false;
    }
    setState(q.seq(slot), q.sendingUntil(slot), 0);
    q.setSendingUntil(slot, 0);
    return true;
  }

  /**
   * Deletes the record first, then the deadline and the index entry: a crash in between leaves leftovers
   * that are ignored (an index entry whose sequence is in no queue) or deleted on open (a deadline without
   * a record), never a record that its id cannot find.
   */
  private void removeMessage(ConnectionQueue q, int slot, String id) {
    long seq = q.seq(slot);
    map.remove(MvKeys.record(seq));
    setState(seq, q.sendingUntil(slot), 0);
    byte[] indexKey = MvKeys.index(id);
    byte[] indexed = map.get(indexKey);
    if (indexed != null && MvKeys.longOf(indexed) == seq) { // else the id was appended again elsewhere
      map.remove(indexKey);
    }
    q.remove(slot);
  }

  /** Squeezes the holes out of a queue, and forgets it once empty; under the connection's lock. */
  private void tidy(String connectionId, ConnectionQueue q) {
    if (q.isEmpty()) {
      queues.remove(connectionId, q);
    } else {
      q.tidy();
    }
  }

  /**
   * The next sequence number. The store keeps a ceiling above every number handed out, raised a block at a
   * time before any number of the new block is used, so numbers keep growing across restarts.
   */
  private long nextSequence() {
    synchronized (sequenceLock) {
      long seq = nextSequence++;
      if (seq >= sequenceCeiling) {
        long ceiling = seq + SEQUENCE_BLOCK;
        map.put(MvKeys.SEQUENCE_CEILING, MvKeys.longValue(ceiling));
        sequenceCeiling = ceiling;
      }
      return seq;
    }
  }
}
