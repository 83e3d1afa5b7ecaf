package io.github.mpr4j.core.internal;

import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.spi.DeliveryBus;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blocking {@link QueueStore} with its {@link LiveSessions} and {@link DeliveryBus}, adapted once to the
 * asynchronous {@link Backend}: every call that may wait for I/O runs through the pickup queue's {@link
 * Runner} (its bounded worker pool, or the caller's thread when nothing here waits for I/O).
 */
final class BlockingBackend implements Backend {
  private static final Logger log = LoggerFactory.getLogger(BlockingBackend.class);

  /** Runs a blocking call: on the pickup queue's bounded worker pool, or on the caller's thread. */
  interface Runner {
    <T> CompletableFuture<T> run(Supplier<T> call);
  }

  private final QueueStore store;
  private final LiveSessions sessions;
  private final DeliveryBus bus;
  private final Runner runner;

  BlockingBackend(QueueStore store, LiveSessions sessions, DeliveryBus bus, Runner runner) {
    this.store = store;
    this.sessions = sessions;
    this.bus = bus;
    this.runner = runner;
  }

  /** Whether no part waits for I/O: the pickup queue may then run calls on the caller's thread. */
  static boolean isNonBlocking(QueueStore store, LiveSessions sessions, DeliveryBus bus) {
    return store.isNonBlocking() && sessions.isNonBlocking() && bus.isNonBlocking();
  }

  /**
   * One call on one thread: look up the session, append (as sending when there is one: one store write, not
   * two), and with none look once more: a session may have been added since, and its mediator may have taken
   * already, so the message is claimed for it (and is not returned when it was taken meanwhile: the push
   * service re-checks the live session before it sends).
   */
  @Override
  public CompletableFuture<Optional<LiveSession>> append(StoredMessage message, long sendingUntilMillis) {
    return runner.run(() -> {
      String connectionId = message.connectionId();
      Optional<LiveSession> session = sessions.get(connectionId);
      store.append(session.isPresent() ? message.withSendingUntil(sendingUntilMillis) : message);
      if (session.isPresent()) {
        return session;
      }
      session = sessions.get(connectionId);
      if (session.isPresent() && store.claim(connectionId, List.of(message.id()), message.receivedAtMillis(),
          sendingUntilMillis).isEmpty()) {
        return Optional.empty();
      }
      return session;
    });
  }

  @Override
  public CompletableFuture<List<StoredMessage>> take(TakeRequest request) {
    return runner.run(() -> store.take(request));
  }

  @Override
  public CompletableFuture<List<StoredMessage>> claim(String connectionId, Collection<String> messageIds,
      long nowMillis, long sendingUntilMillis) {
    return runner.run(() -> store.claim(connectionId, messageIds, nowMillis, sendingUntilMillis));
  }

  @Override
  public CompletableFuture<Integer> release(String connectionId, Collection<String> messageIds) {
    return runner.run(() -> store.release(connectionId, messageIds));
  }

  @Override
  public CompletableFuture<Integer> remove(String connectionId, Collection<String> messageIds) {
    return runner.run(() -> store.remove(connectionId, messageIds));
  }

  @Override
  public CompletableFuture<Integer> removeAll(String connectionId, String recipientDid) {
    return runner.run(() -> store.removeAll(connectionId, recipientDid));
  }

  @Override
  public CompletableFuture<Integer> count(String connectionId, String recipientDid, long nowMillis) {
    return runner.run(() -> store.count(connectionId, recipientDid, nowMillis));
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> putSession(LiveSession session) {
    return runner.run(() -> sessions.put(session));
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> removeSession(String connectionId, String sessionId,
      String holderId) {
    return runner.run(() -> sessions.remove(connectionId, sessionId, holderId));
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> currentSession(String connectionId) {
    return runner.run(() -> sessions.get(connectionId));
  }

  @Override
  public CompletableFuture<Boolean> isCurrent(LiveSession session) {
    return sessions.isCurrent(session);
  }

  @Override
  public void onRestored(Consumer<LiveSession> listener) {
    sessions.onRestored(listener);
  }

  @Override
  public void subscribe(String instanceId, Consumer<BusEvent> consumer) {
    bus.subscribe(instanceId, consumer);
  }

  @Override
  public void publish(String instanceId, BusEvent event) {
    bus.publish(instanceId, event);
  }

  @Override
  public Optional<String> notReadyReason() {
    return store.notReadyReason();
  }

  @Override
  public String describe() {
    return store.describe();
  }

  @Override
  public void close() {
    closeQuietly(bus);
    closeQuietly(sessions);
    closeQuietly(store);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("closing {} failed: {}", c, e.toString());
    }
  }
}
