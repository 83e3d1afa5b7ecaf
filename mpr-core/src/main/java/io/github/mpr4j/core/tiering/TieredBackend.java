package io.github.mpr4j.core.tiering;

import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Redis in front of MongoDB as one {@link Backend}: the queues are the tiered store's (Redis' hot tier and
 * MongoDB's cold tier), the live sessions and the bus are Redis' own. The callback registrations are
 * Redis', without the one-script POST (a POST checks, counts and appends in turn).
 */
final class TieredBackend implements Backend {
  private final TieredQueueStore store;
  private final RedisBackend redis;

  TieredBackend(TieredQueueStore store, RedisBackend redis) {
    this.store = store;
    this.redis = redis;
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> append(StoredMessage message, long sendingUntilMillis) {
    return store.appendRouted(message, sendingUntilMillis);
  }

  @Override
  public CompletableFuture<List<StoredMessage>> take(TakeRequest request) {
    return store.takeAsync(request);
  }

  @Override
  public CompletableFuture<List<StoredMessage>> claim(String connectionId, Collection<String> messageIds,
      long nowMillis, long sendingUntilMillis) {
    return store.claimAsync(connectionId, messageIds, nowMillis, sendingUntilMillis);
  }

  @Override
  public CompletableFuture<Integer> release(String connectionId, Collection<String> messageIds) {
    return store.releaseAsync(connectionId, messageIds);
  }

  @Override
  public CompletableFuture<Integer> remove(String connectionId, Collection<String> messageIds) {
    return store.removeAsync(connectionId, messageIds);
  }

  @Override
  public CompletableFuture<Integer> removeAll(String connectionId, String recipientDid) {
    return store.removeAllAsync(connectionId, recipientDid);
  }

  @Override
  public CompletableFuture<Integer> count(String connectionId, String recipientDid, long nowMillis) {
    return store.countAsync(connectionId, recipientDid, nowMillis);
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> putSession(LiveSession session) {
    return redis.putSession(session);
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> removeSession(String connectionId, String sessionId,
      String holderId) {
    return redis.removeSession(connectionId, sessionId, holderId);
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> currentSession(String connectionId) {
    return redis.currentSession(connectionId);
  }

  @Override
  public CompletableFuture<Boolean> isCurrent(LiveSession session) {
    return redis.isCurrent(session);
  }

  @Override
  public void onRestored(Consumer<LiveSession> listener) {
    redis.onRestored(listener);
  }

  @Override
  public void subscribe(String instanceId, Consumer<BusEvent> consumer) {
    redis.subscribe(instanceId, consumer);
  }

  @Override
  public void publish(String instanceId, BusEvent event) {
    redis.publish(instanceId, event);
  }

  @Override
  public Optional<String> boundInstanceId() {
    return redis.boundInstanceId();
  }

  @Override
  public Optional<String> notReadyReason() {
    return store.notReadyReason();
  }

  @Override
  public String describe() {
    return store.describe();
  }

  /** Stops the mover, closes MongoDB, then Redis. */
  @Override
  public void close() {
    try {
      store.close();
    } finally {
      redis.close();
    }
  }
}
