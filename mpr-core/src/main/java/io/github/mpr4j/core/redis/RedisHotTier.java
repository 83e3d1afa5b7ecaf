package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.core.tiering.internal.HotTier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The Redis side of the tiered store ({@link HotTier}, which describes each call): the queue script's tiering
 * operations on one connection's keys, the index of connections due to move, and the mover's lease.
 */
final class RedisHotTier implements HotTier {
  private static final byte[] APPEND_T = RedisKeys.bytes("appendT");
  private static final byte[] TAKE_T = RedisKeys.bytes("takeT");
  private static final byte[] COUNT_T = RedisKeys.bytes("countT");
  private static final byte[] VISIBLE = RedisKeys.bytes("visible");
  private static final byte[] CLAIM_T = RedisKeys.bytes("claimT");
  private static final byte[] RELEASE_T = RedisKeys.bytes("releaseT");
  private static final byte[] REMOVE_T = RedisKeys.bytes("removeT");
  private static final byte[] REMOVE_ALL_T = RedisKeys.bytes("removeAllT");
  private static final byte[] LEDGER_DROP = RedisKeys.bytes("ledgerDrop");
  private static final byte[] MOVE_READ = RedisKeys.bytes("moveRead");
  private static final byte[] MOVE_COMMIT = RedisKeys.bytes("moveCommit");
  private static final byte[] MOVE_DUE = RedisKeys.bytes("moveDue");
  private static final byte[] BUMP = RedisKeys.bytes("bump");
  private static final byte[] SWEEP_CHECK = RedisKeys.bytes("sweepCheck");
  private static final byte[] DUE_ADD = RedisKeys.bytes("dueAdd");
  private static final byte[] DUE_REMOVE = RedisKeys.bytes("dueRemove");
  private static final byte[] DUE_RANGE = RedisKeys.bytes("dueRange");
  private static final byte[] LEASE_ACQUIRE = RedisKeys.bytes("leaseAcquire");
  private static final byte[] LEASE_RENEW = RedisKeys.bytes("leaseRenew");
  private static final byte[] LEASE_RELEASE = RedisKeys.bytes("leaseRelease");
  private static final byte[] ONE = RedisKeys.bytes("1");
  private static final byte[] ZERO = RedisKeys.bytes("0");
  private static final byte[] EMPTY = new byte[0];

  private final RedisQueueStore store;
  private final QueueScript script;
  private final RedisKeys keys;

  RedisHotTier(RedisQueueStore store, QueueScript script, RedisKeys keys) {
    this.store = store;
    this.script = script;
    this.keys = keys;
  }

  @Override
  public CompletableFuture<Appended> append(StoredMessage m, long routedUntil) {
    boolean routed = routedUntil >= 0;
    List<byte[]> args = store.appendArgs(APPEND_T, m, routed ? routedUntil : m.sendingUntilMillis(),
        routed ? ONE : ZERO);
    return script.call(keys.connection(m.connectionId()), args).thenCompose(reply -> {
      List<?> r = (List<?>) reply;
      boolean wasEmpty = asLong(r.get(0)) == 1;
      Optional<LiveSession> session = r.size() >= 4
          ? RedisLiveSessions.session(m.connectionId(), r.subList(1, 4)) : Optional.empty();
      return store.alive(m, session).thenApply(s -> new Appended(wasEmpty, s));
    });
  }

  @Override
  public CompletableFuture<Taken> take(TakeRequest r, long vSeen, boolean tomb, boolean coldEmpty,
      List<ColdCandidate> cold, boolean windowFull) {
    List<byte[]> args = new ArrayList<>(11 + 5 * cold.size());
    args.add(TAKE_T);
    args.add(n(r.nowMillis()));
    args.add(n(r.sendingUntilMillis()));
    args.add(n(r.limit()));
    args.add(n(r.limitBytes()));
    args.add(r.delete() ? ONE : ZERO);
    args.add(r.recipientDid() == null ? EMPTY : RedisKeys.bytes(r.recipientDid()));
    args.add(n(vSeen));
    args.add(tomb ? ONE : ZERO);
    args.add(coldEmpty ? ONE : ZERO);
    args.add(n(windowFull && !cold.isEmpty() ? cold.get(cold.size() - 1).seq() : -1));
    for (ColdCandidate c : cold) {
      args.add(RedisKeys.bytes(c.id()));
      args.add(n(c.seq()));
      args.add(n(c.bytes()));
      args.add(RedisKeys.bytes(c.token()));
      args.add(n(c.sendingUntil()));
    }
    String connectionId = r.connectionId();
    return script.call(keys.connection(connectionId), args).thenApply(reply -> {
      List<?> l = (List<?>) reply;
      long version = asLong(l.get(1));
      String answer = RedisQueueStore.text(l.get(0));
      if (!"ok".equals(answer)) {
        return new Taken(true, "more".equals(answer), version, List.of(), Map.of(), List.of());
      }
      List<?> orderFlat = (List<?>) l.get(2);
      List<String> order = new ArrayList<>(orderFlat.size() / 2);
      for (int i = 0; i < orderFlat.size(); i += 2) {
        order.add(RedisQueueStore.text(orderFlat.get(i)));
      }
      Map<String, StoredMessage> hot = new HashMap<>();
      for (StoredMessage m : RedisQueueStore.messages(connectionId, l.get(3))) {
        hot.put(m.id(), m);
      }
      return new Taken(false, false, version, order, hot, texts(l.get(4)));
    });
  }

  @Override
  public CompletableFuture<Counted> count(String connectionId, String recipientDid, long nowMillis, long vSeen,
      boolean coldEmpty, Map<String, String> shadows) {
    List<byte[]> args = new ArrayList<>(5 + 2 * shadows.size());
    args.add(COUNT_T);
    args.add(n(nowMillis));
    args.add(recipientDid == null ? EMPTY : RedisKeys.bytes(recipientDid));
    args.add(n(vSeen));
    args.add(coldEmpty ? ONE : ZERO);
    addPairs(args, shadows);
    return script.call(keys.connection(connectionId), args).thenApply(reply -> {
      List<?> l = (List<?>) reply;
      long version = asLong(l.get(1));
      if ("cold".equals(RedisQueueStore.text(l.get(0)))) {
        return new Counted(true, version, 0, 0);
      }
      return new Counted(false, version, (int) asLong(l.get(2)), (int) asLong(l.get(3)));
    });
  }

  @Override
  public CompletableFuture<List<String>> visible(String connectionId, Map<String, String> copies) {
    if (copies.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<byte[]> args = new ArrayList<>(1 + 2 * copies.size());
    args.add(VISIBLE);
    addPairs(args, copies);
    return script.call(keys.connection(connectionId), args).thenApply(RedisHotTier::texts);
  }

  @Override
  public CompletableFuture<ClaimedAll> claim(String connectionId, Collection<String> ids, long nowMillis,
      long sendingUntilMillis) {
    List<byte[]> args = new ArrayList<>(3 + ids.size());
    args.add(CLAIM_T);
    args.add(n(nowMillis));
    args.add(n(sendingUntilMillis));
    addIds(args, ids);
    return script.call(keys.connection(connectionId), args).thenApply(reply -> {
      List<?> l = (List<?>) reply;
      List<?> flat = (List<?>) l.get(1);
      List<Claimed> out = new ArrayList<>(flat.size() / 4);
      for (int i = 0; i + 3 < flat.size(); i += 4) {
        out.add(new Claimed(MessageBlobs.decode(RedisQueueStore.text(flat.get(i)), connectionId,
            asLong(flat.get(i + 1)), (byte[]) flat.get(i + 2)), asLong(flat.get(i + 3))));
      }
      return new ClaimedAll(out, asLong(l.get(0)) == 1);
    });
  }

  @Override
  public CompletableFuture<Changed> release(String connectionId, Collection<String> ids) {
    List<byte[]> args = new ArrayList<>(1 + (ids == null ? 0 : ids.size()));
    args.add(RELEASE_T);
    if (ids != null) {
      addIds(args, ids);
    }
    return script.call(keys.connection(connectionId), args).thenApply(RedisHotTier::changed);
  }

  @Override
  public CompletableFuture<Changed> remove(String connectionId, Collection<String> ids, boolean tomb) {
    List<byte[]> args = new ArrayList<>(2 + ids.size());
    args.add(REMOVE_T);
    args.add(tomb ? ONE : ZERO);
    addIds(args, ids);
    return script.call(keys.connection(connectionId), args).thenApply(RedisHotTier::changed);
  }

  @Override
  public CompletableFuture<Changed> removeAll(String connectionId, String recipientDid, boolean tomb) {
    return script.call(keys.connection(connectionId), List.of(REMOVE_ALL_T, RedisKeys.bytes(recipientDid),
        tomb ? ONE : ZERO)).thenApply(RedisHotTier::changed);
  }

  @Override
  public CompletableFuture<Long> dropLedger(String connectionId, Map<String, String> entries) {
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(0L);
    }
    List<byte[]> args = new ArrayList<>(1 + 2 * entries.size());
    args.add(LEDGER_DROP);
    addPairs(args, entries);
    return script.call(keys.connection(connectionId), args).thenApply(RedisHotTier::asLong);
  }

  @Override
  public CompletableFuture<MoveRead> moveRead(String connectionId, long fence, long cutoffMillis, int batch) {
    return script.call(keys.connection(connectionId), List.of(MOVE_READ, n(fence), n(cutoffMillis), n(batch)))
        .thenApply(reply -> {
          List<?> l = (List<?>) reply;
          if ("fenced".equals(RedisQueueStore.text(l.get(0)))) {
            return new MoveRead(true, Map.of(), List.of());
          }
          List<String> ledgerFlat = texts(l.get(1));
          Map<String, String> ledger = new LinkedHashMap<>();
          for (int i = 0; i + 1 < ledgerFlat.size(); i += 2) {
            ledger.put(ledgerFlat.get(i), ledgerFlat.get(i + 1));
          }
          List<?> flat = (List<?>) l.get(2);
          List<MoveCandidate> candidates = new ArrayList<>(flat.size() / 4);
          for (int i = 0; i + 3 < flat.size(); i += 4) {
            candidates.add(new MoveCandidate(MessageBlobs.decode(RedisQueueStore.text(flat.get(i)), connectionId,
                asLong(flat.get(i + 1)), (byte[]) flat.get(i + 3)), asLong(flat.get(i + 2))));
          }
          return new MoveRead(false, ledger, candidates);
        });
  }

  @Override
  public CompletableFuture<Optional<List<String>>> moveCommit(String connectionId, long fence, String token,
      Map<String, Long> states) {
    List<byte[]> args = new ArrayList<>(3 + 2 * states.size());
    args.add(MOVE_COMMIT);
    args.add(n(fence));
    args.add(RedisKeys.bytes(token));
    states.forEach((id, state) -> {
      args.add(RedisKeys.bytes(id));
      args.add(n(state));
    });
    return script.call(keys.connection(connectionId), args).thenApply(reply -> {
      List<?> l = (List<?>) reply;
      if ("fenced".equals(RedisQueueStore.text(l.get(0)))) {
        return Optional.<List<String>>empty();
      }
      return Optional.of(texts(l.get(1)));
    });
  }

  @Override
  public CompletableFuture<Long> moveDue(String connectionId, long thresholdMillis) {
    return script.call(keys.connection(connectionId), List.of(MOVE_DUE, n(thresholdMillis)))
        .thenApply(RedisHotTier::asLong);
  }

  @Override
  public CompletableFuture<Long> bump(String connectionId) {
    return script.call(keys.connection(connectionId), List.of(BUMP)).thenApply(RedisHotTier::asLong);
  }

  @Override
  public CompletableFuture<List<String>> sweepCheck(String connectionId, List<String> ids) {
    List<byte[]> args = new ArrayList<>(1 + ids.size());
    args.add(SWEEP_CHECK);
    addIds(args, ids);
    return script.call(keys.connection(connectionId), args).thenApply(RedisHotTier::texts);
  }

  @Override
  public CompletableFuture<Void> markDue(String connectionId, long due, boolean onlyIfAbsent) {
    return script.call(keys.tierIndex(), List.of(DUE_ADD, n(due), RedisKeys.bytes(connectionId),
        onlyIfAbsent ? ONE : ZERO)).thenApply(r -> null);
  }

  @Override
  public CompletableFuture<Void> unmarkDue(String connectionId) {
    return script.call(keys.tierIndex(), List.of(DUE_REMOVE, RedisKeys.bytes(connectionId))).thenApply(r -> null);
  }

  @Override
  public CompletableFuture<List<String>> due(long due, int count) {
    return script.call(keys.tierIndex(), List.of(DUE_RANGE, n(due), n(count))).thenApply(RedisHotTier::texts);
  }

  @Override
  public CompletableFuture<Long> acquireLease(String owner, long ttlMillis) {
    return script.call(keys.tierLease(), List.of(LEASE_ACQUIRE, RedisKeys.bytes(owner), n(ttlMillis)))
        .thenApply(RedisHotTier::asLong);
  }

  @Override
  public CompletableFuture<Boolean> renewLease(String owner, long ttlMillis) {
    return script.call(keys.tierLease(), List.of(LEASE_RENEW, RedisKeys.bytes(owner), n(ttlMillis)))
        .thenApply(r -> asLong(r) == 1);
  }

  @Override
  public CompletableFuture<Boolean> releaseLease(String owner) {
    return script.call(keys.tierLease(), List.of(LEASE_RELEASE, RedisKeys.bytes(owner)))
        .thenApply(r -> asLong(r) == 1);
  }

  @Override
  public <T> T join(CompletableFuture<T> call) {
    return QueueScript.join(call);
  }

  private static void addIds(List<byte[]> args, Collection<String> ids) {
    for (String id : ids) {
      args.add(RedisKeys.bytes(id));
    }
  }

  private static void addPairs(List<byte[]> args, Map<String, String> pairs) {
    pairs.forEach((k, v) -> {
      args.add(RedisKeys.bytes(k));
      args.add(RedisKeys.bytes(v));
    });
  }

  private static byte[] n(long value) {
    return RedisQueueStore.number(value);
  }

  private static long asLong(Object reply) {
    return reply == null ? 0 : (Long) reply;
  }

  private static Changed changed(Object reply) {
    List<?> l = (List<?>) reply;
    return new Changed(texts(l.get(1)), asLong(l.get(0)) == 1);
  }

  private static List<String> texts(Object reply) {
    List<?> l = (List<?>) reply;
    List<String> out = new ArrayList<>(l.size());
    for (Object o : l) {
      out.add(o == null ? null : RedisQueueStore.text(o));
    }
    return out;
  }
}
