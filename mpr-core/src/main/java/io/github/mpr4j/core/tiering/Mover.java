package io.github.mpr4j.core.tiering;

import io.github.mpr4j.core.tiering.internal.ColdTier;
import io.github.mpr4j.core.tiering.internal.HotTier;
import io.github.mpr4j.core.tiering.internal.HotTier.MoveCandidate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves messages older than the threshold from Redis to MongoDB: one mover at a time across all instances
 * (a lease in Redis, renewed and released only by its owner), connections found through the index of due
 * connections, each step copy-then-delete:
 *
 * <ol>
 *   <li>read up to a batch of old messages of one connection, recording this mover's fence there (a mover
 *       with an older fence can no longer commit on it);
 *   <li>write shadow copies to MongoDB carrying this step's token (invisible to reads);
 *   <li>commit in Redis, atomically: delete each hot copy whose state is unchanged since step 1 and name
 *       the token in the connection's ledger, which makes the shadow the message;
 *   <li>clear the shadow mark in MongoDB, then drop the ledger entries; undo shadows that were not committed.
 * </ol>
 *
 * A crash between any two steps leaves either the hot copy (the shadow is ignored, and taken over or
 * deleted later) or a committed shadow the next step of this connection finishes: never both visible,
 * never neither. docs/mongodb.md has the reasoning.
 */
final class Mover implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Mover.class);
  /** Connections looked at per round, at most. */
  static final int CONNECTIONS_PER_ROUND = 1000;
  /**
   * The youngest backup the write-through sweep looks at, whatever the threshold: an append writes its
   * backup, then its hot copy; a sweep between the two would see no hot copy and make the backup a second,
   * visible copy. An append's Redis step is bounded by the Redis timeout (seconds), far below this.
   */
  static final long SWEEP_MIN_AGE_MILLIS = 60_000;

  /** Test hooks: called between the steps of a move, to inject crashes and pauses. */
  interface Hooks {
    Hooks NONE = new Hooks() {};

    /** After step 1 (read), before the copy. */
    default void afterRead(String connectionId, List<String> ids) {}

    /** After step 2 (copy), before the commit. */
    default void afterCopy(String connectionId, List<String> ids) {}

    /** After step 3 (commit in Redis), before the shadows are made ordinary. */
    default void afterCommit(String connectionId, List<String> committed) {}
  }

  private final HotTier hot;
  private final ColdTier cold;
  private final TieringSettings settings;
  private final String owner;
  private final Hooks hooks;
  private final Thread thread;
  private volatile boolean closed;
  private long fence;
  /** Where the write-through sweep goes on: after this backup (written, id); null: from the start. */
  private long sweepAt;
  private String sweepId;
  private volatile long moved;

  Mover(HotTier hot, ColdTier cold, TieringSettings settings, String instanceId, Hooks hooks) {
    this.hot = hot;
    this.cold = cold;
    this.settings = settings;
    this.owner = instanceId + "/" + UUID.randomUUID();
    this.hooks = hooks;
    this.thread = new Thread(this::loop, "mpr-tier-mover");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Rounds one interval apart, the first one interval after start (an instance starting has nothing urgent to move). */
  private void loop() {
    long interval = settings.moveInterval().toMillis();
    long backoff = interval;
    long pause = interval;
    while (!closed) {
      try {
        TimeUnit.MILLISECONDS.sleep(pause);
      } catch (InterruptedException e) {
        break;
      }
      if (closed) {
        break;
      }
      pause = interval;
      try {
        runOnce(System.currentTimeMillis());
        backoff = interval;
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        // Redis or MongoDB unreachable: back off (up to 30 s) and resume by itself
        backoff = Math.min(30_000, Math.max(interval, backoff * 2));
        pause = backoff;
        log.warn("tiering mover failed, retrying in {} ms: {}", pause, e.toString());
      }
    }
  }

  /** One round: holds (or takes) the lease, moves the due connections, sweeps backups (write-through). */
  synchronized int runOnce(long nowMillis) {
    if (!holdLease()) {
      return 0;
    }
    long cutoff = nowMillis - settings.threshold().toMillis();
    int movedNow = 0;
    for (String connectionId : join(hot.due(cutoff, CONNECTIONS_PER_ROUND))) {
      if (closed || fence == 0) {
        break;
      }
      movedNow += moveConnection(connectionId, cutoff);
    }
    if (settings.writeThrough() && fence != 0) {
      sweep(Math.min(cutoff, nowMillis - SWEEP_MIN_AGE_MILLIS));
    }
    return movedNow;
  }

  private boolean holdLease() {
    long ttl = settings.leaseTtl().toMillis();
    if (fence != 0 && join(hot.renewLease(owner, ttl))) {
      return true;
    }
    fence = join(hot.acquireLease(owner, ttl));
    if (fence != 0) {
      log.info("tiering mover {} holds the lease (fence {})", owner, fence);
    }
    return fence != 0;
  }

  /** Moves up to a batch of one connection's old messages, finishes earlier steps, re-indexes it. */
  int moveConnection(String connectionId, long cutoff) {
    HotTier.MoveRead read = join(hot.moveRead(connectionId, fence, cutoff, settings.moveBatch()));
    if (read.fenced()) {
      log.info("tiering mover {} was fenced off on {}: another mover holds the lease", owner, connectionId);
      fence = 0;
      return 0;
    }
    finish(connectionId, read.ledger());
    int committed = 0;
    if (!read.candidates().isEmpty()) {
      committed = move(connectionId, read.candidates());
    }
    reindex(connectionId);
    return committed;
  }

  private int move(String connectionId, List<MoveCandidate> candidates) {
    List<String> ids = candidates.stream().map(c -> c.message().id()).toList();
    hooks.afterRead(connectionId, ids);
    String token = UUID.randomUUID().toString();
    Set<String> held = cold.copy(candidates, token, fence);
    hooks.afterCopy(connectionId, ids);
    Map<String, Long> states = new LinkedHashMap<>();
    for (MoveCandidate c : candidates) {
      if (held.contains(c.message().id())) {
        states.put(c.message().id(), c.message().sendingUntilMillis());
      }
    }
    Optional<List<String>> result = states.isEmpty() ? Optional.of(List.of())
        : join(hot.moveCommit(connectionId, fence, token, states));
    List<String> committed = result.orElse(List.of());
    hooks.afterCommit(connectionId, committed);
    Set<String> undo = new LinkedHashSet<>(held);
    committed.forEach(undo::remove);
    cold.rollback(undo, token);
    if (result.isEmpty()) {
      fence = 0;
      return 0;
    }
    moved += committed.size();
    Map<String, String> done = new HashMap<>();
    committed.forEach(id -> done.put(id, token));
    finish(connectionId, done);
    return committed.size();
  }

  /**
   * Finishes ledger entries: committed shadows become ordinary cold messages, tombstoned copies are deleted;
   * then the entries go.
   */
  private void finish(String connectionId, Map<String, String> ledger) {
    if (ledger.isEmpty()) {
      return;
    }
    Map<String, String> shadows = new HashMap<>();
    List<String> tombstoned = new ArrayList<>();
    ledger.forEach((id, value) -> {
      if ("-".equals(value)) {
        tombstoned.add(id);
      } else {
        shadows.put(id, value);
      }
    });
    cold.commit(shadows);
    if (!tombstoned.isEmpty()) {
      cold.delete(connectionId, tombstoned, tombstoned);
    }
    join(hot.dropLedger(connectionId, ledger));
  }

  /**
   * Puts the connection back in the index at its next due time; an empty one is taken out, then checked
   * again, and put back if an append came in between (that append saw it empty, or was before the check).
   */
  private void reindex(String connectionId) {
    long threshold = settings.threshold().toMillis();
    long due = join(hot.moveDue(connectionId, threshold));
    if (due >= 0) {
      join(hot.markDue(connectionId, due, false));
      return;
    }
    join(hot.unmarkDue(connectionId));
    due = join(hot.moveDue(connectionId, threshold));
    if (due >= 0) {
      join(hot.markDue(connectionId, due, false));
    }
  }

  /**
   * Write-through: backups written before the cutoff whose hot copy is gone with no ledger entry (Redis lost
   * them) become ordinary cold messages, visible to reads.
   */
  private void sweep(long cutoff) {
    List<ColdTier.Backup> backups = cold.backupsBefore(cutoff, sweepAt, sweepId, settings.moveBatch());
    if (backups.size() < settings.moveBatch()) {
      sweepId = null; // next round starts again from the oldest
    } else {
      ColdTier.Backup last = backups.get(backups.size() - 1);
      sweepAt = last.writtenMillis();
      sweepId = last.id();
    }
    Map<String, List<String>> byConnection = new LinkedHashMap<>();
    for (ColdTier.Backup b : backups) {
      byConnection.computeIfAbsent(b.connectionId(), k -> new ArrayList<>()).add(b.id());
    }
    byConnection.forEach((connectionId, ids) -> {
      List<String> found = join(hot.sweepCheck(connectionId, ids));
      List<String> lost = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        if ("".equals(found.get(i))) {
          lost.add(ids.get(i));
        }
      }
      if (!lost.isEmpty()) {
        cold.recover(lost);
        join(hot.bump(connectionId));
        log.warn("write-through: {} messages of {} were missing in Redis; served from MongoDB", lost.size(),
            connectionId);
      }
    });
  }

  private <T> T join(CompletableFuture<T> call) {
    return hot.join(call);
  }

  /** Messages this mover has moved since it started. */
  long moved() {
    return moved;
  }

  /** The fence this mover holds, 0 when it holds no lease. */
  long fence() {
    return fence;
  }

  /** Stops the thread and gives the lease up. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (fence != 0) {
        try {
          join(hot.releaseLease(owner));
        } catch (RuntimeException e) {
          log.debug("could not release the tiering lease: {}", e.toString());
        }
        fence = 0;
      }
    }
  }

  /** Stops without giving the lease up, as a process that dies does (tests). */
  void abandon() {
    closed = true;
    thread.interrupt();
    synchronized (this) {
      fence = 0;
    }
  }
}
