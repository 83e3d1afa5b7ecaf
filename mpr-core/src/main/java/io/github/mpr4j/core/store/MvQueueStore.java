package io.github.mpr4j.core.store;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
 * <p>Everything lives in one {@code MVMap<byte[], byte[]>} (see {@link MvKeys}): small queue entries under
 * {@code connectionId + sequence}, message bodies under the global sequence, an index
 * {@code messageId -> queue key}, and the sequence ceiling. One map means that every commit is a
 * consistent cut of all the operations applied before it. Operations on a connection are serialized by
 * striped locks; a mutation then waits for a group commit ({@link GroupCommitter}) before it returns, so
 * whatever was answered is in the file.
 *
 * <p>Multi-step changes are ordered so that a crash between two steps never leaves a queue entry without
 * its body or index entry: an append writes body, index, then queue entry; a removal deletes them in the
 * opposite order. At worst a crash leaves an unreachable body or index entry (a few bytes, never read:
 * index entries are checked against the queue entry they point to).
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
      map.put(MvKeys.FORMAT, new byte[] {MvMessages.VERSION});
      mvStore.commit();
    } else if (format[0] != MvMessages.VERSION) {
      throw new IllegalStateException("The embedded store in " + directory + " has format " + format[0]
          + ", this version reads format " + MvMessages.VERSION);
    }
  }

  // ---- QueueStore ----

  @Override
  public void append(StoredMessage message) {
    byte[] entry = MvMessages.entry(message);
    byte[] body = MvMessages.body(message);
    mutate(message.connectionId(), () -> {
      byte[] indexKey = MvKeys.index(message.id());
      byte[] existing = queueKeyOf(MvKeys.connectionPrefix(message.connectionId()), indexKey, message.id());
      byte[] key = existing != null ? existing : newQueueKey(message.connectionId());
      map.put(MvKeys.bodyOf(key), body);
      map.put(indexKey, key);
      map.put(key, entry);
      return null;
    });
  }

  @Override
  public List<StoredMessage> take(TakeRequest r) {
    byte[] did = MvMessages.utf8(r.recipientDid());
    return mutate(r.connectionId(), () -> {
      List<StoredMessage> taken = new ArrayList<>();
      long bytes = 0;
      Cursor<byte[], byte[]> cursor = range(r.connectionId());
      while (taken.size() < r.limit() && cursor.hasNext()) {
        byte[] key = cursor.next();
        byte[] entry = cursor.getValue();
        if (MvMessages.sendingUntil(entry) > r.nowMillis() || !MvMessages.isFor(entry, did)) {
          continue;
        }
        bytes += MvMessages.payloadSize(entry);
        if (bytes > r.limitBytes()) {
          break;
        }
        taken.add(decode(r.connectionId(), key, entry));
        if (r.delete()) {
          removeMessage(key, entry);
        } else {
          map.put(key, MvMessages.withSendingUntil(entry, r.sendingUntilMillis()));
        }
      }
      return taken;
    });
  }

  @Override
  public List<StoredMessage> claim(String connectionId, Collection<String> messageIds, long nowMillis,
      long sendingUntilMillis) {
    return mutate(connectionId, () -> {
      List<StoredMessage> claimed = new ArrayList<>();
      for (Map.Entry<byte[], byte[]> e : lookUp(connectionId, messageIds)) {
        byte[] value = e.getValue();
        if (MvMessages.sendingUntil(value) <= nowMillis) {
          map.put(e.getKey(), MvMessages.withSendingUntil(value, sendingUntilMillis));
          claimed.add(decode(connectionId, e.getKey(), value));
        }
      }
      return claimed;
    });
  }

  @Override
  public int release(String connectionId, Collection<String> messageIds) {
    return mutate(connectionId, () -> {
      int released = 0;
      for (Map.Entry<byte[], byte[]> e : messageIds == null ? all(connectionId) : lookUp(connectionId, messageIds)) {
        if (MvMessages.sendingUntil(e.getValue()) != 0) {
          map.put(e.getKey(), MvMessages.withSendingUntil(e.getValue(), 0));
          released++;
        }
      }
      return released;
    });
  }

  @Override
  public int remove(String connectionId, Collection<String> messageIds) {
    return mutate(connectionId, () -> {
      List<Map.Entry<byte[], byte[]>> found = lookUp(connectionId, messageIds);
      found.forEach(e -> removeMessage(e.getKey(), e.getValue()));
      return found.size();
    });
  }

  @Override
  public int removeAll(String connectionId, String recipientDid) {
    byte[] did = MvMessages.utf8(recipientDid);
    return mutate(connectionId, () -> {
      int removed = 0;
      for (Cursor<byte[], byte[]> cursor = range(connectionId); cursor.hasNext(); ) {
        byte[] key = cursor.next();
        if (MvMessages.isFor(cursor.getValue(), did)) {
          removeMessage(key, cursor.getValue());
          removed++;
        }
      }
      return removed;
    });
  }

  @Override
  public int count(String connectionId, String recipientDid, long nowMillis) {
    byte[] did = MvMessages.utf8(recipientDid);
    return read(connectionId, () -> {
      int count = 0;
      for (Cursor<byte[], byte[]> cursor = range(connectionId); cursor.hasNext(); ) {
        cursor.next();
        byte[] value = cursor.getValue();
        if (MvMessages.sendingUntil(value) <= nowMillis && MvMessages.isFor(value, did)) {
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
        syncer.shutdownNow();
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

  private Cursor<byte[], byte[]> range(String connectionId) {
    byte[] prefix = MvKeys.connectionPrefix(connectionId);
    return map.cursor(MvKeys.firstMessage(prefix), MvKeys.lastMessage(prefix), false);
  }

  private List<Map.Entry<byte[], byte[]>> all(String connectionId) {
    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
    for (Cursor<byte[], byte[]> cursor = range(connectionId); cursor.hasNext(); ) {
      byte[] key = cursor.next();
      entries.add(Map.entry(key, cursor.getValue()));
    }
    return entries;
  }

  /** The messages of a connection with those ids, through the index, oldest first; others are ignored. */
  private List<Map.Entry<byte[], byte[]>> lookUp(String connectionId, Collection<String> messageIds) {
    byte[] prefix = MvKeys.connectionPrefix(connectionId);
    List<Map.Entry<byte[], byte[]>> found = new ArrayList<>();
    for (String id : new LinkedHashSet<>(messageIds)) {
      byte[] key = queueKeyOf(prefix, MvKeys.index(id), id);
      byte[] value = key == null ? null : map.get(key);
      if (value != null) {
        found.add(Map.entry(key, value));
      }
    }
    found.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
    return found;
  }

  /** The queue key of a message of the connection, if the index has it and it still holds that message. */
  private byte[] queueKeyOf(byte[] prefix, byte[] indexKey, String id) {
    byte[] key = map.get(indexKey);
    if (key == null || !MvKeys.isMessageOf(key, prefix)) {
      return null;
    }
    byte[] value = map.get(key);
    return value != null && MvMessages.id(value).equals(id) ? key : null;
  }

  private StoredMessage decode(String connectionId, byte[] key, byte[] entry) {
    byte[] body = map.get(MvKeys.bodyOf(key));
    if (body == null) {
      throw new IllegalStateException(describe() + " has no body for message " + MvMessages.id(entry));
    }
    return MvMessages.decode(connectionId, entry, body);
  }

  private void removeMessage(byte[] key, byte[] entry) {
    map.remove(key); // queue entry first: a crash in between leaves unreachable leftovers, never a hole
    map.remove(MvKeys.index(MvMessages.id(entry)));
    map.remove(MvKeys.bodyOf(key));
  }

  /** A queue key after every message the connection has had; called under the connection's lock. */
  private byte[] newQueueKey(String connectionId) {
    return MvKeys.message(MvKeys.connectionPrefix(connectionId), nextSequence());
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
