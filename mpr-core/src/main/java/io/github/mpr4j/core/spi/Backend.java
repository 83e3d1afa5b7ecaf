package io.github.mpr4j.core.spi;

import io.github.mpr4j.core.callback.CallbackStore;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Everything the pickup queue keeps outside itself, behind one asynchronous interface: the queues of every
 * connection, the live sessions, and the delivery bus between instances. The pickup queue calls nothing
 * else, and it calls every operation the same way whatever the backend is.
 *
 * <p>Every operation returns at once. Its future may complete on a thread of the backend, so actions that
 * depend on it must not block; it fails with the backend's exception when the backend cannot be reached
 * ({@link StoreFullException} when a store refuses a change for want of space). Operations on one
 * connection are atomic with respect to each other, as {@link QueueStore} describes.
 *
 * <p>Built in: Redis ({@code RedisBackend}: each queue operation is one script call, no thread waits),
 * Redis in front of MongoDB ({@code TieredStores}), and every blocking {@link QueueStore} (memory, embedded,
 * MongoDB alone) with the {@link LiveSessions} and {@link DeliveryBus} of its process, which the pickup
 * queue adapts to this interface once, on its bounded worker pool.
 */
public interface Backend extends AutoCloseable {

  // ---------------------------------------------------------------- queue

  /**
   * Appends a pending message ({@code message.sendingUntilMillis() == 0}), unless its connection has a live
   * session: then the message is stored as sending until {@code sendingUntilMillis} and that session is
   * returned, so that the caller hands the message to the session's holder. Atomic with respect to {@link
   * #putSession} and {@link #removeSession} of the same connection: a message added while a session exists
   * is never left pending for it.
   *
   * @param message the message, pending
   * @param sendingUntilMillis the visibility deadline it gets when it goes to a live session
   * @return the live session the message is now sending to, or empty when it was stored pending
   */
  CompletableFuture<Optional<LiveSession>> append(StoredMessage message, long sendingUntilMillis);

  /**
   * {@link QueueStore#take}.
   *
   * @param request what to select and what to do with it
   * @return the selected messages, oldest first, as they were before the change
   */
  CompletableFuture<List<StoredMessage>> take(TakeRequest request);

  /**
   * {@link QueueStore#claim}.
   *
   * @param connectionId the queue
   * @param messageIds the messages to mark sending, those of them that are pending
   * @param nowMillis the current time
   * @param sendingUntilMillis their visibility deadline
   * @return the messages that were marked, oldest first
   */
  CompletableFuture<List<StoredMessage>> claim(String connectionId, Collection<String> messageIds, long nowMillis,
      long sendingUntilMillis);

  /**
   * {@link QueueStore#release}.
   *
   * @param connectionId the queue
   * @param messageIds the messages to release, or {@code null} for every message of the connection
   * @return how many messages changed state
   */
  CompletableFuture<Integer> release(String connectionId, @Nullable Collection<String> messageIds);

  /**
   * {@link QueueStore#remove}.
   *
   * @param connectionId the queue
   * @param messageIds the messages to remove, in any state; unknown ids are ignored
   * @return how many were removed
   */
  CompletableFuture<Integer> remove(String connectionId, Collection<String> messageIds);

  /**
   * {@link QueueStore#removeAll}.
   *
   * @param connectionId the queue
   * @param recipientDid the recipient whose messages go
   * @return how many were removed
   */
  CompletableFuture<Integer> removeAll(String connectionId, String recipientDid);

  /**
   * {@link QueueStore#count}.
   *
   * @param connectionId the queue
   * @param recipientDid one recipient, or {@code null} for all
   * @param nowMillis the current time
   * @return how many messages are pending at {@code nowMillis}
   */
  CompletableFuture<Integer> count(String connectionId, @Nullable String recipientDid, long nowMillis);

  // ---------------------------------------------------------------- live sessions

  /**
   * {@link LiveSessions#put}: makes the session its connection's live one.
   *
   * @param session the new live session
   * @return the session it replaced, if any
   */
  CompletableFuture<Optional<LiveSession>> putSession(LiveSession session);

  /**
   * {@link LiveSessions#remove}: removes the connection's session if it matches.
   *
   * @param connectionId the connection
   * @param sessionId remove only this session ({@code null}: any)
   * @param holderId remove only a session of this holder ({@code null}: any)
   * @return the session removed, if any
   */
  CompletableFuture<Optional<LiveSession>> removeSession(String connectionId, @Nullable String sessionId,
      @Nullable String holderId);

  /**
   * {@link LiveSessions#get}.
   *
   * @param connectionId the connection
   * @return its live session, if any
   */
  CompletableFuture<Optional<LiveSession>> currentSession(String connectionId);

  /**
   * {@link LiveSessions#isCurrent}: the fence of a delivery that came over the bus.
   *
   * @param session the session a delivery is for
   * @return whether it is still its connection's live session
   */
  CompletableFuture<Boolean> isCurrent(LiveSession session);

  /**
   * {@link LiveSessions#onRestored}.
   *
   * @param listener called on a thread of the backend with each session put back; must not block
   */
  void onRestored(Consumer<LiveSession> listener);

  // ---------------------------------------------------------------- delivery bus

  /**
   * {@link DeliveryBus#subscribe}.
   *
   * @param instanceId this instance
   * @param consumer called on a thread of the backend with each event; must not block
   */
  void subscribe(String instanceId, Consumer<BusEvent> consumer);

  /**
   * {@link DeliveryBus#publish}: returns without waiting; at most once.
   *
   * @param instanceId the instance the event is for
   * @param event the event
   */
  void publish(String instanceId, BusEvent event);

  // ---------------------------------------------------------------- optional parts and operations

  /**
   * The backend's own callback store, when it can append a callback notification in one atomic step with
   * its registration check; empty otherwise (the pickup queue then checks, counts and appends in turn).
   *
   * @return the callback store, if the backend has one
   */
  default Optional<CallbackStore> callbacks() {
    return Optional.empty();
  }

  /**
   * The instance id this backend is bound to (its bus subscription, its heartbeat), if it is bound to one:
   * the pickup queue then takes it as its own unless it is given one.
   *
   * @return the instance id, if the backend is bound to one
   */
  default Optional<String> boundInstanceId() {
    return Optional.empty();
  }

  /**
   * Why the backend cannot serve requests now, for {@code /ready}, or empty when it can. Must not block:
   * readiness is asked on a network thread.
   *
   * @return why it is not ready, or empty
   */
  Optional<String> notReadyReason();

  /**
   * A short description for logs.
   *
   * @return for example {@code redis(redis://localhost:6379)}
   */
  String describe();

  /** Releases every resource of the backend. Idempotent. */
  @Override
  void close();
}
