package io.github.mpr4j.core.tiering;

import io.github.mpr4j.core.mongo.MongoQueueStores;
import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.core.tiering.internal.ColdTier;
import io.github.mpr4j.core.tiering.internal.HotTier;
import io.github.mpr4j.core.tiering.internal.HotTier.ColdCandidate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis (hot) in front of MongoDB (cold), read as one queue. Requests start in Redis, asynchronously; they
 * reach MongoDB (on a bounded executor, the driver blocks) only when Redis says the connection may have
 * visible cold messages, or in write-through mode. docs/mongodb.md explains the scheme: one sequence space,
 * shadow copies made visible by a ledger entry written atomically with the hot delete, a per-connection
 * version that tells a read whether its view of the cold tier is still current.
 */
final class TieredQueueStore implements QueueStore {
  private static final Logger log = LoggerFactory.getLogger(TieredQueueStore.class);
  /** Reads of the cold tier a take or count makes while moves keep changing it, before it uses the last. */
  static final int COLD_VIEWS = 50;
  private static final int MAX_QUEUED_COLD_CALLS = 10_000;
  /**
   * The largest window of cold candidates a take reads (invisible copies ahead of a queue come from a
   * mover's unfinished batches, at most {@code MPR_TIER_BATCH} each, and the takes drop the garbage ones).
   */
  static final int MAX_COLD_WINDOW = 65_536;

  private final RedisBackend redis;
  private final QueueStore redisStore;
  private final HotTier hot;
  private final ColdTier cold;
  private final TieringSettings settings;
  private final boolean writeThrough;
  private final ThreadPoolExecutor coldExecutor;
  private final Mover mover;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TieredQueueStore(RedisBackend redis, ColdTier cold, TieringSettings settings, Mover.Hooks hooks) {
    this.redis = redis;
    this.redisStore = redis.queueStore();
    this.hot = redis.hotTier();
    this.cold = cold;
    this.settings = settings;
    this.writeThrough = settings.writeThrough();
    AtomicInteger n = new AtomicInteger();
    this.coldExecutor = new ThreadPoolExecutor(settings.coldThreads(), settings.coldThreads(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED_COLD_CALLS), r -> {
          Thread t = new Thread(r, "mpr-cold-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.mover = new Mover(hot, cold, settings, redis.instanceId(), hooks);
  }

  static TieredQueueStore open(RedisBackend redis, TieringSettings settings, Mover.Hooks hooks, boolean startMover) {
    ColdTier cold = MongoQueueStores.coldTier(settings.mongo());
    TieredQueueStore store = new TieredQueueStore(redis, cold, settings, hooks);
    if (startMover) {
      store.mover.start();
    }
    log.info("tiered store on {} in front of {}", redis.settings().describe(), settings.describe());
    return store;
  }

  Mover mover() {
    return mover;
  }

  // ---------------------------------------------------------------- append

  @Override
  public void append(StoredMessage message) {
    join(appendAsync(message, -1));
  }

  /** {@link io.github.mpr4j.core.spi.Backend#append}: the hot append finds the live session in its script. */
  CompletableFuture<Optional<LiveSession>> appendRouted(StoredMessage message, long sendingUntilMillis) {
    return appendAsync(message, sendingUntilMillis);
  }

  /**
   * Write-through: the backup copy first (answered only once MongoDB has it), then Redis. The first message
   * of an empty connection puts it in the mover's index before the answer (docs/mongodb.md: why no entry
   * goes missing); otherwise an append is one Redis call.
   */
  private CompletableFuture<Optional<LiveSession>> appendAsync(StoredMessage m, long routedUntil) {
    CompletableFuture<Void> backup = writeThrough ? onCold(() -> {
      cold.insertBackup(m);
      return null;
    }) : CompletableFuture.completedFuture(null);
    return backup.thenCompose(x -> hot.append(m, routedUntil)).thenCompose(a -> {
      if (!a.wasEmpty()) {
        return CompletableFuture.completedFuture(a.session());
      }
      return hot.markDue(m.connectionId(), m.receivedAtMillis(), true).thenApply(x -> a.session());
    });
  }

  // ---------------------------------------------------------------- take

  @Override
  public List<StoredMessage> take(TakeRequest r) {
    return join(takeAsync(r));
  }

  CompletableFuture<List<StoredMessage>> takeAsync(TakeRequest r) {
    return hot.take(r, -1, writeThrough, false, List.of(), false).thenCompose(t -> t.needsCold()
        ? takeWithCold(r, t.version(), r.limit(), 1)
        : finishTake(r, t, Map.of()));
  }

  /** A read of the cold tier: up to {@code window} candidates; {@code full}: it stopped at the window. */
  private record ColdView(List<ColdCandidate> candidates, boolean empty, boolean full) {}

  /**
   * Reads up to {@code window} cold candidates and takes with them. Copies in the window that Redis finds
   * invisible (the shadows of a mover that died between copy and commit, whose hot copies may be taken
   * already) leave fewer visible ones than the window's size; the script then refuses to choose past the
   * window's last candidate, and the take reads again with a window twice as large.
   */
  private CompletableFuture<List<StoredMessage>> takeWithCold(TakeRequest r, long version, int window, int views) {
    return onCold(() -> {
      List<ColdCandidate> candidates = cold.candidates(r.connectionId(), r.recipientDid(), r.nowMillis(), window);
      return new ColdView(candidates, candidates.isEmpty() && cold.isEmpty(r.connectionId()),
          candidates.size() >= window);
    }).thenCompose(view -> hot.take(r, version, writeThrough, view.empty(), view.candidates(), view.full())
        .thenCompose(t -> {
          if (!t.needsCold()) {
            Map<String, ColdCandidate> byId = new HashMap<>();
            view.candidates().forEach(c -> byId.put(c.id(), c));
            return finishTake(r, t, byId);
          }
          if (t.readFurther() && window >= MAX_COLD_WINDOW) {
            return CompletableFuture.failedFuture(new IllegalStateException("more than " + MAX_COLD_WINDOW
                + " copies of " + r.connectionId() + " in MongoDB that no read may see lie ahead of its queue; retry"
                + " once the mover has finished them"));
          }
          if (views < COLD_VIEWS) {
            int next = t.readFurther() ? (int) Math.min(MAX_COLD_WINDOW, 2L * window) : window;
            return takeWithCold(r, t.version(), next, views + 1);
          }
          return CompletableFuture.failedFuture(busyMoving(r.connectionId()));
        }));
  }

  /** Moves kept changing the connection's cold tier under a read: it fails (retryable) rather than guess. */
  private static IllegalStateException busyMoving(String connectionId) {
    return new IllegalStateException("the messages of " + connectionId + " kept moving to MongoDB during "
        + COLD_VIEWS + " reads; retry");
  }

  /**
   * Claims the cold messages the take chose (the hot ones are taken already), deletes the backups of the hot
   * ones it deleted (write-through), and returns the messages in the order chosen. A cold message another
   * take claimed first is left out. If MongoDB fails here, the hot messages are returned all the same (they
   * are taken): they are never lost, only the cold ones wait for the next take.
   */
  private CompletableFuture<List<StoredMessage>> finishTake(TakeRequest r, HotTier.Taken t,
      Map<String, ColdCandidate> candidates) {
    Map<String, Long> coldChosen = new LinkedHashMap<>();
    for (String id : t.order()) {
      if (!t.hot().containsKey(id)) {
        coldChosen.put(id, candidates.get(id).sendingUntil());
      }
    }
    boolean deleteBackups = writeThrough && r.delete() && !t.hot().isEmpty();
    if (coldChosen.isEmpty() && t.garbage().isEmpty() && !deleteBackups) {
      return CompletableFuture.completedFuture(inOrder(t.order(), t.hot(), Map.of()));
    }
    Map<String, String> garbage = new HashMap<>();
    for (String id : t.garbage()) {
      garbage.put(id, candidates.get(id).token());
    }
    return onCold(() -> {
      Map<String, StoredMessage> won = new HashMap<>();
      for (ColdTier.Won w : cold.claim(coldChosen, r.sendingUntilMillis(), r.delete())) {
        won.put(w.message().id(), w.message());
      }
      if (!garbage.isEmpty()) {
        cold.dropShadows(garbage);
      }
      if (deleteBackups) {
        cold.delete(r.connectionId(), t.hot().keySet(), t.hot().keySet());
      }
      return won;
    }).thenCompose(won -> deleteBackups
        ? hot.dropLedger(r.connectionId(), tombstones(t.hot().keySet())).thenApply(x -> won)
        : CompletableFuture.completedFuture(won)
    ).handle((won, failure) -> {
      if (failure != null) {
        log.warn("take on {}: the cold tier failed after the hot messages were taken; returning those: {}",
            r.connectionId(), failure.toString());
        return inOrder(t.order(), t.hot(), Map.of());
      }
      return inOrder(t.order(), t.hot(), won);
    });
  }

  private static List<StoredMessage> inOrder(List<String> order, Map<String, StoredMessage> hotOnes,
      Map<String, StoredMessage> coldOnes) {
    List<StoredMessage> out = new ArrayList<>(order.size());
    for (String id : order) {
      StoredMessage m = hotOnes.get(id);
      if (m == null) {
        m = coldOnes.get(id);
      }
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }

  private static Map<String, String> tombstones(Collection<String> ids) {
    Map<String, String> out = new HashMap<>();
    for (String id : ids) {
      out.put(id, "-");
    }
    return out;
  }

  // ---------------------------------------------------------------- claim, release

  @Override
  public List<StoredMessage> claim(String connectionId, Collection<String> messageIds, long nowMillis,
      long sendingUntilMillis) {
    if (messageIds.isEmpty()) {
      return List.of();
    }
    HotTier.ClaimedAll claimed = join(hot.claim(connectionId, messageIds, nowMillis, sendingUntilMillis));
    record Ordered(StoredMessage m, long seq) {}
    List<Ordered> all = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (HotTier.Claimed c : claimed.claimed()) {
      all.add(new Ordered(c.message(), c.seq()));
      done.add(c.message().id());
    }
    if (!claimed.coldEmpty()) {
      List<String> rest = messageIds.stream().filter(id -> !done.contains(id)).distinct().toList();
      if (!rest.isEmpty()) {
        List<ColdCandidate> copies = join(onCold(() -> cold.pendingCopies(connectionId, rest, nowMillis)));
        Map<String, String> tokens = new LinkedHashMap<>();
        copies.forEach(c -> tokens.put(c.id(), c.token()));
        Set<String> visible = new HashSet<>(join(hot.visible(connectionId, tokens)));
        Map<String, Long> states = new LinkedHashMap<>();
        copies.stream().filter(c -> visible.contains(c.id())).forEach(c -> states.put(c.id(), c.sendingUntil()));
        for (ColdTier.Won w : join(onCold(() -> cold.claim(states, sendingUntilMillis, false)))) {
          all.add(new Ordered(w.message(), w.seq()));
        }
      }
    }
    all.sort(Comparator.comparingLong(Ordered::seq));
    return all.stream().map(Ordered::m).toList();
  }

  @Override
  public int release(String connectionId, Collection<String> messageIds) {
    if (messageIds != null && messageIds.isEmpty()) {
      return 0;
    }
    HotTier.Changed released = join(hot.release(connectionId, messageIds));
    int n = released.ids().size();
    if (released.coldEmpty()) {
      return n; // backups (write-through) are not visible, so not released: the hot copy is the message
    }
    return n + join(onCold(() -> cold.release(connectionId, messageIds, released.ids())));
  }

  /** {@link #claim} without holding the caller's thread: on the cold executor (it may read MongoDB). */
  CompletableFuture<List<StoredMessage>> claimAsync(String connectionId, Collection<String> messageIds,
      long nowMillis, long sendingUntilMillis) {
    return messageIds.isEmpty() ? CompletableFuture.completedFuture(List.of())
        : onCold(() -> claim(connectionId, messageIds, nowMillis, sendingUntilMillis));
  }

  /** {@link #release} without holding the caller's thread: MongoDB's part on the cold executor. */
  CompletableFuture<Integer> releaseAsync(String connectionId, Collection<String> messageIds) {
    if (messageIds != null && messageIds.isEmpty()) {
      return CompletableFuture.completedFuture(0);
    }
    return hot.release(connectionId, messageIds).thenCompose(released -> {
      int n = released.ids().size();
      if (released.coldEmpty()) {
        return CompletableFuture.completedFuture(n);
      }
      return onCold(() -> n + cold.release(connectionId, messageIds, released.ids()));
    });
  }

  // ---------------------------------------------------------------- remove

  @Override
  public int remove(String connectionId, Collection<String> messageIds) {
    return join(removeAsync(connectionId, messageIds));
  }

  /**
   * Hot first, then cold: a message moved meanwhile is either still hot (the mover's commit then fails, as
   * its state changed) or cold already when the hot step runs, and the cold step deletes it. Write-through:
   * the hot step leaves tombstones, so the backups stay hidden until they are deleted.
   */
  CompletableFuture<Integer> removeAsync(String connectionId, Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return CompletableFuture.completedFuture(0);
    }
    return hot.remove(connectionId, messageIds, writeThrough).thenCompose(removed -> {
      if (removed.coldEmpty() && !writeThrough) {
        return CompletableFuture.completedFuture(removed.ids().size());
      }
      return onCold(() -> cold.delete(connectionId, messageIds, removed.ids()))
          .thenCompose(n -> dropTombstones(connectionId, removed.ids()).thenApply(x -> n + removed.ids().size()));
    });
  }

  @Override
  public int removeAll(String connectionId, String recipientDid) {
    return join(removeAllAsync(connectionId, recipientDid));
  }

  CompletableFuture<Integer> removeAllAsync(String connectionId, String recipientDid) {
    return hot.removeAll(connectionId, recipientDid, writeThrough).thenCompose(removed -> {
      if (removed.coldEmpty() && !writeThrough) {
        return CompletableFuture.completedFuture(removed.ids().size());
      }
      return onCold(() -> cold.removeAll(connectionId, recipientDid, removed.ids()))
          .thenCompose(n -> dropTombstones(connectionId, removed.ids()).thenApply(x -> n + removed.ids().size()));
    });
  }

  private CompletableFuture<Long> dropTombstones(String connectionId, List<String> ids) {
    return writeThrough && !ids.isEmpty()
        ? hot.dropLedger(connectionId, tombstones(ids))
        : CompletableFuture.completedFuture(0L);
  }

  // ---------------------------------------------------------------- count

  @Override
  public int count(String connectionId, String recipientDid, long nowMillis) {
    return join(countAsync(connectionId, recipientDid, nowMillis));
  }

  CompletableFuture<Integer> countAsync(String connectionId, String recipientDid, long nowMillis) {
    return hot.count(connectionId, recipientDid, nowMillis, -1, false, Map.of()).thenCompose(c -> c.needsCold()
        ? countWithCold(connectionId, recipientDid, nowMillis, c.version(), 1)
        : CompletableFuture.completedFuture(c.hot()));
  }

  private CompletableFuture<Integer> countWithCold(String connectionId, String recipientDid, long nowMillis,
      long version, int views) {
    return onCold(() -> cold.count(connectionId, recipientDid, nowMillis)).thenCompose(view ->
        hot.count(connectionId, recipientDid, nowMillis, version, view.empty(), view.shadows()).thenCompose(c -> {
          if (!c.needsCold()) {
            return CompletableFuture.completedFuture(c.hot() + view.committed() + c.visibleShadows());
          }
          if (views < COLD_VIEWS) {
            return countWithCold(connectionId, recipientDid, nowMillis, c.version(), views + 1);
          }
          return CompletableFuture.failedFuture(busyMoving(connectionId));
        }));
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public boolean isReady() {
    return !closed.get() && redisStore.isReady() && cold.isReady();
  }

  @Override
  public String describe() {
    return "tiered(" + redisStore.describe() + " -> " + cold.describe() + ", threshold "
        + settings.threshold().toMillis() + " ms" + (writeThrough ? ", write-through" : "") + ")";
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    mover.close();
    coldExecutor.shutdown();
    try {
      coldExecutor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cold.close();
    redisStore.close();
  }

  /** Runs a blocking MongoDB call on the cold executor; fails at once when it is full. */
  private <T> CompletableFuture<T> onCold(Supplier<T> call) {
    try {
      return CompletableFuture.supplyAsync(call, coldExecutor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new IllegalStateException(closed.get()
          ? "the tiered store is closed" : "too many MongoDB calls are waiting", e));
    }
  }

  private <T> T join(CompletableFuture<T> call) {
    return hot.join(call);
  }
}
