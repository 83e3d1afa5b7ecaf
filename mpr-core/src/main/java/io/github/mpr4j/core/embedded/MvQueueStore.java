package io.github.mpr4j.core.embedded;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoreFullException;
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
import java.util.Optional;
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
 *
 * <p><b>A full disk.</b> MVStore closes itself when a write fails, so the store guards and recovers: appends
 * are refused ({@link StoreFullException}) while the free space is below the configured minimum
 * ({@link SpaceGuard}), which keeps room for takes and removals; and when a commit fails anyway (another
 * process filled the disk), the store reopens the file at its last complete commit and rebuilds the
 * in-memory index from it, so the changes of the failed commit are undone everywhere, their callers get the
 * failure, and the store goes on serving. If the file cannot be reopened, the maintenance thread tries again
 * every second and the store is not ready meanwhile.
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
  /** MVStore's default number of versions kept before a chunk they no longer use may be overwritten. */
  private static final int VERSIONS_KEPT = 5;
  private static final long RECLAIM_MIN_USABLE_BYTES = 1024 * 1024;
  /** Without fsync, the file is still forced to the device this often, in the background. */
  private static final long SYNC_PERIOD_MILLIS = 1_000;
  /** Directories opened by this process: a second open would share, then lose, the OS file lock. */
  private static final Set<Path> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();

  private final Path directory;
  private final Path file;
  private final boolean fsync;
  private final int cacheSizeMb;
  private final SpaceGuard space;
  /** The open MVStore; null while a failed one could not be reopened. Replaced under the write lock only. */
  private volatile MVStore mvStore;
  private MVMap<byte[], byte[]> map; // guarded by lifecycle
  private GroupCommitter committer; // guarded by lifecycle; null while mvStore is
  /** Why the store cannot serve (a failed write it could not recover from yet), else null. */
  private volatile String broken;
  /** Whether messages were removed since the maintenance thread last handed freed space back. */
  private volatile boolean removedSinceReclaim;
  /** Until when the maintenance thread hands freed space back while the store is short of it. */
  private long reclaimUntilNanos = System.nanoTime(); // on the maintenance thread only
  private long lastReopenNanos = System.nanoTime(); // guarded by lifecycle's write lock
  private final ScheduledExecutorService maintenance;
  private final Lock[] stripes = new Lock[STRIPES];
  /** The in-memory index: each connection's messages in order; a queue is used under its stripe lock only. */
  private final Map<String, ConnectionQueue> queues = new ConcurrentHashMap<>();
  /** Operations hold it shared; close holds it exclusively, so it waits for them. */
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Object sequenceLock = new Object();
  private long sequenceCeiling; // guarded by sequenceLock
  private long nextSequence; // guarded by sequenceLock
  private volatile boolean closed;

  MvQueueStore(EmbeddedStoreSettings settings) {
    this.directory = settings.directory().toAbsolutePath().normalize();
    this.file = directory.resolve(FILE_NAME);
    this.fsync = settings.fsync();
    this.cacheSizeMb = settings.cacheSizeMb();
    claimDirectory(directory);
    this.space = new SpaceGuard(directory, settings.minFreeMb() * 1024L * 1024L, this::reusableInFile);
    space.refresh(); // before the open: it skips the clean-up of leftovers on a full disk
    try {
      openFile();
    } catch (RuntimeException e) {
      OPEN_DIRECTORIES.remove(directory);
      throw e;
    }
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
    this.maintenance = startMaintenance();
    space.refresh();
    LOG.info("Opened {} (cache {} MiB, fsync {}, keeps {} MiB free)", describe(), cacheSizeMb, fsync,
        space.minFreeBytes() / (1024 * 1024));
  }

  /**
   * Opens the file, reads the sequence ceiling and rebuilds the in-memory index, then starts a committer;
   * on the constructor's thread or under the write lock. On failure, nothing is left open.
   */
  private void openFile() {
    MVStore opened = open(file, cacheSizeMb);
    try {
      MVMap<byte[], byte[]> m = opened.openMap(MAP_NAME, new MVMap.Builder<byte[], byte[]>()
          .keyType(ByteArrayDataType.INSTANCE)
          .valueType(ByteArrayDataType.INSTANCE));
      checkFormat(opened, m);
      byte[] ceiling = m.get(MvKeys.SEQUENCE_CEILING);
      synchronized (sequenceLock) {
        this.sequenceCeiling = ceiling == null ? 0 : MvKeys.longOf(ceiling);
        this.nextSequence = sequenceCeiling;
      }
      this.map = m;
      this.mvStore = opened;
      loadQueues();
    } catch (RuntimeException e) {
      queues.clear();
      this.map = null;
      this.mvStore = null;
      opened.closeImmediately();
      throw e;
    }
    this.committer = new GroupCommitter(() -> commitNow(opened), "mpr-embedded-store-commit", MAX_GATHER_NANOS);
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
      throw new IllegalStateException((isNoSpace(e) ? "disk full: " : "") + "Cannot open the embedded store " + file
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every {@value #SYNC_PERIOD_MILLIS} ms: reopens a store whose write failed, measures the free space
   * (so that readiness follows it without a request), and without fsync forces the file to the device.
   */
  private ScheduledExecutorService startMaintenance() {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mpr-embedded-store-maintenance");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(this::maintain, SYNC_PERIOD_MILLIS, SYNC_PERIOD_MILLIS,
        TimeUnit.MILLISECONDS);
    return executor;
  }

  private void maintain() {
    try {
      maintainOnce();
    } catch (RuntimeException e) { // an exception would end the schedule
      LOG.warn("The maintenance of {} failed: {}", describe(), e.toString());
    }
  }

  private void maintainOnce() {
    MVStore s = mvStore;
    if (closed) {
      return;
    }
    if (s == null || s.isClosed()) {
      // tryLock: close() holds the write lock while it waits for this thread
      if (lifecycle.writeLock().tryLock()) {
        try {
          recoverLocked();
        } finally {
          lifecycle.writeLock().unlock();
        }
      }
      return;
    }
    if (removedSinceReclaim) {
      removedSinceReclaim = false;
      reclaimUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETENTION_MILLIS + 2 * SYNC_PERIOD_MILLIS);
    }
    if (space.shortage().isPresent() && System.nanoTime() - reclaimUntilNanos < 0) {
      reclaim(s);
    }
    space.refresh();
    if (!fsync) {
      try {
        s.sync();
      } catch (RuntimeException e) {
        LOG.warn("Could not force {} to the device", describe(), e);
      }
    }
  }

  /**
   * Hands back the space that removals freed inside the file, on a store short of space; every second
   * until the retention time has passed since the last removal. MVStore does that in its commits: a commit
   * accounts for the pages that earlier ones removed, a chunk whose pages are all gone may be overwritten
   * once it is older than the retention time and {@value #VERSIONS_KEPT} versions have passed (MVStore
   * keeps that many), and each commit starts by freeing such chunks. On a full disk the appends that would
   * commit are refused, so after a drain nothing else would: this makes that many small commits (a few KiB
   * each), then frees the chunks under MVStore's store lock as a commit does. Skipped with less than
   * {@value #RECLAIM_MIN_USABLE_BYTES} bytes free, where the commits themselves could fail.
   */
  private void reclaim(MVStore s) {
    if (space.usableOnFileSystem() + reusableInFile() < RECLAIM_MIN_USABLE_BYTES) {
      return;
    }
    // tryLock: close() holds the write lock while it waits for this thread
    if (!lifecycle.readLock().tryLock()) {
      return;
    }
    try {
      if (closed || s != mvStore) {
        return;
      }
      for (int i = 0; i <= VERSIONS_KEPT; i++) {
        committer.applyAndAwait(() -> underLock(MAP_NAME, () -> map.put(MvKeys.FORMAT,
            new byte[] {MvRecords.VERSION})));
      }
      s.executeFilestoreOperation(s.getFileStore()::dropUnusedChunks);
    } catch (RuntimeException e) { // a failed write: the next round reopens the store
      LOG.warn("Could not hand back the space freed in {}: {}", describe(), e.getMessage());
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** The bytes inside the file that MVStore can reuse for new chunks now, from its free-space map. */
  private long reusableInFile() {
    MVStore s = mvStore;
    if (s == null || s.isClosed()) {
      return 0;
    }
    try {
      org.h2.mvstore.FileStore<?> fs = s.getFileStore();
      return fs.size() * (100 - fs.getFillRate()) / 100;
    } catch (RuntimeException e) { // closed meanwhile
      return 0;
    }
  }

  private void checkFormat(MVStore store, MVMap<byte[], byte[]> map) {
    byte[] format = map.get(MvKeys.FORMAT);
    if (format == null) {
      map.put(MvKeys.FORMAT, new byte[] {MvRecords.VERSION});
      store.commit();
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
    if (!states.isEmpty() && space.shortage().isEmpty()) { // harmless leftovers: not on a full disk
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
    space.admit(record.length + indexKey.length);
    MVStore before = mvStore;
    try {
      append(message, record, indexKey, size, until);
    } catch (RuntimeException e) {
      // the commit failed and the store reopened at its last complete commit: if that one covered the
      // append after all (MVStore's background writer took it), the message is stored, and is answered so
      MVStore after = mvStore;
      if (after != before && after != null && !closed && isStored(message.connectionId(), indexKey)) {
        return;
      }
      throw e;
    }
  }

  private void append(StoredMessage message, byte[] record, byte[] indexKey, int size, long until) {
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

  private boolean isStored(String connectionId, byte[] indexKey) {
    try {
      return read(connectionId, () -> {
        ConnectionQueue q = queues.get(connectionId);
        return q != null && slotOf(q, indexKey) >= 0;
      });
    } catch (RuntimeException e) {
      return false;
    }
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
    return notReadyReason().isEmpty();
  }

  /** Closed; a failed write not recovered from yet; or less free space than the minimum (adds are refused). */
  @Override
  public Optional<String> notReadyReason() {
    if (closed) {
      return Optional.of(describe() + " is closed");
    }
    String b = broken;
    MVStore s = mvStore;
    if (b != null || s == null || s.isClosed()) {
      return Optional.of(b != null ? b : describe() + " is reopening after a failed write");
    }
    return space.shortage();
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
      // not shutdownNow: interrupting a running force (FileChannel.force) closes the file's channel
      maintenance.shutdown();
      awaitTermination(maintenance);
      if (committer != null) {
        committer.close();
      }
      MVStore s = mvStore;
      if (s != null && !s.isClosed()) {
        try {
          s.close(); // commits what is left
        } catch (MVStoreException e) {
          LOG.warn("Could not write the last changes of {} on close: {}", describe(), e.getMessage());
          s.closeImmediately();
        }
      }
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

  /**
   * Runs an operation while the store is open: {@link #close()} waits for it. When the operation finds the
   * MVStore closed by a failed write (its own commit's, or an earlier one), the store is reopened first (see
   * {@link #recoverLocked}); the operation that saw the failure fails, and its change is undone.
   */
  private <T> T whileOpen(Supplier<T> operation) {
    for (int attempt = 0; ; attempt++) {
      MVStore used;
      RuntimeException failure;
      lifecycle.readLock().lock();
      try {
        if (closed) {
          throw new IllegalStateException(describe() + " is closed");
        }
        used = mvStore;
        if (used != null && !used.isClosed()) {
          try {
            return operation.get();
          } catch (RuntimeException e) {
            if (!used.isClosed()) {
              throw e instanceof MVStoreException ? new IllegalStateException(describe() + " failed: "
                  + e.getMessage(), e) : e;
            }
            failure = e; // the MVStore closed itself: a write failed
          }
        } else {
          failure = null; // closed by an earlier failure
        }
      } finally {
        lifecycle.readLock().unlock();
      }
      boolean recovered = recover();
      if (failure != null || !recovered || attempt > 0) {
        throw writeFailure(failure, used);
      }
    }
  }

  /** The failure to report for an operation that found the MVStore closed by a failed write. */
  private RuntimeException writeFailure(RuntimeException failure, MVStore used) {
    Throwable cause = failure != null ? failure : used == null ? null : used.getPanicException();
    String what = describe() + " could not write" + (cause == null ? "" : ": " + cause.getMessage());
    if (isNoSpace(cause) || space.shortage().isPresent()) {
      return new StoreFullException("disk full: " + what + "; the change was not made", cause);
    }
    return new IllegalStateException(what, cause);
  }

  /** Whether a failure was caused by a full file system (ENOSPC or EDQUOT). */
  private static boolean isNoSpace(Throwable t) {
    for (int depth = 0; t != null && depth < 16; t = t.getCause(), depth++) {
      String m = t.getMessage();
      if (t instanceof IOException && m != null && (m.contains("No space left on device")
          || m.contains("Disk quota exceeded") || m.contains("not enough space on the disk"))) {
        return true;
      }
    }
    return false;
  }

  /** Reopens the store after a failed write, unless another thread did; whether it is open now. */
  private boolean recover() {
    lifecycle.writeLock().lock();
    try {
      return recoverLocked();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /**
   * Under the write lock, so no operation runs: closes what is left of the failed MVStore and opens the file
   * again. MVStore opens at the newest complete chunk, which holds every answered change (each was
   * committed before it was answered) and none of the failed commit's; the in-memory index is rebuilt from
   * it, so nothing of the failed changes stays counted. Reads need no free space, so takes, counts and
   * removals work again at once; while the free space is below the minimum, appends stay refused.
   *
   * @return whether the store is open
   */
  private boolean recoverLocked() {
    if (closed) {
      return false;
    }
    MVStore current = mvStore;
    if (current != null && !current.isClosed()) {
      return true; // another thread reopened it
    }
    if (current == null && System.nanoTime() - lastReopenNanos < TimeUnit.MILLISECONDS.toNanos(SYNC_PERIOD_MILLIS)) {
      return false; // the last attempt failed a moment ago: fail fast rather than scan again
    }
    if (current != null) {
      if (committer != null) {
        committer.close();
        committer = null;
      }
      Throwable cause = current.getPanicException();
      LOG.error("A write of {} failed ({}); reopening it at its last complete commit", describe(),
          cause == null ? "closed" : cause.getMessage());
      current.closeImmediately();
      queues.clear();
      map = null;
      mvStore = null;
    }
    space.refresh();
    lastReopenNanos = System.nanoTime();
    try {
      openFile();
      broken = null;
      LOG.warn("Reopened {}: {} connections with messages; the changes of the failed commit were not made",
          describe(), queues.size());
      return true;
    } catch (RuntimeException e) {
      String reason = (isNoSpace(e) || space.shortage().isPresent() ? "disk full: " : "")
          + "cannot reopen " + describe() + " after a failed write (retried every "
          + SYNC_PERIOD_MILLIS / 1000 + " s): " + e.getMessage();
      if (!reason.equals(broken)) {
        LOG.error("{}", reason, e);
      }
      broken = reason;
      return false;
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
  private void commitNow(MVStore store) {
    if (store.commit() < 0) {
      // nothing left to store, but the background autocommit may still be writing our changes
      store.executeFilestoreOperation(() -> { });
      if (store.isClosed()) { // that write failed
        throw new IllegalStateException(describe() + " is closed after a failed write", store.getPanicException());
      }
    }
    if (fsync) {
      store.sync();
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
    removedSinceReclaim = true;
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
