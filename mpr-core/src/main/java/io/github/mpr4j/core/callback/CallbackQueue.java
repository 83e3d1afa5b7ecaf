package io.github.mpr4j.core.callback;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.internal.DefaultPickupQueue;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The core's one entry point for the callback gateway: a pickup queue that holds the notifications and the
 * {@link CallbackRegistry} that says which clients exist. The clientId {@code C} is the queue's connection
 * {@link CallbackRegistry#connectionId(String) connectionId(C)}; a browser socket is a repository of the
 * queue with a live session on it.
 *
 * <pre>{@code
 * CallbackQueue callbacks = CallbackQueue.over(queue, CallbackRegistries.inMemory());
 * callbacks.registry().create(clientId, now, now + 600_000);
 * CallbackAdd added = callbacks.addIfRegistered(clientId,
 *     AddMessageOptions.of(CallbackRegistry.connectionId(clientId), List.of("callback"), payload), 100).join();
 * }</pre>
 */
public interface CallbackQueue extends AutoCloseable {

  /**
   * The gateway's entry point over a queue and a registry. When the queue's backend keeps this very
   * registry ({@link io.github.mpr4j.core.spi.Backend#callbacks()}, as {@code RedisBackend.callbackRegistry()}
   * does), {@link #addIfRegistered} is one atomic step of the backend.
   *
   * @param queue a queue built by {@link PickupQueue#builder()}; closing this does not close it
   * @param registry the registrations; {@link #close()} closes it
   * @return the entry point
   * @throws IllegalArgumentException when the queue was not built by {@link PickupQueue#builder()}
   */
  static CallbackQueue over(PickupQueue queue, CallbackRegistry registry) {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(registry, "registry");
    if (!(queue instanceof DefaultPickupQueue q)) {
      throw new IllegalArgumentException("queue: a queue built by PickupQueue.builder(), not " + queue.getClass());
    }
    return new DefaultCallbackQueue(q, registry);
  }

  /**
   * The registration operations: create, touch, expire, attributes and user bindings. They may block on
   * I/O unless {@link CallbackRegistry#isNonBlocking()}: call them off the event loops.
   *
   * @return the registrations
   */
  CallbackRegistry registry();

  /**
   * Adds a callback notification (the gateway's POST): only if the registration {@code clientId} exists now
   * and its connection has fewer than {@code maxPending} pending messages; then as {@code addMessage} does,
   * and the outcome tells whether it went to a live session. When the queue's backend keeps the
   * registrations (Redis), the check, the count, the append and the live-session look-up are one atomic
   * step and one round trip, and no thread waits for it; otherwise they run one after the other (on the
   * caller's thread when store, sessions, bus and registry are all in memory).
   *
   * @param clientId the registration
   * @param message the notification; its connectionId must be {@link CallbackRegistry#connectionId(String)
   *     connectionId(clientId)}
   * @param maxPending the most pending notifications the client may have
   * @return the outcome; fails with {@code MprRpcException} when the store fails or the queue is saturated
   */
  CompletableFuture<CallbackAdd> addIfRegistered(String clientId, AddMessageOptions message, int maxPending);

  /**
   * A new repository of the queue: the holder of a browser socket's live session, or the gateway's own for
   * acknowledgements and sweeps. Close it to end its sessions.
   *
   * @return the repository
   */
  MessagePickupRepository openRepository();

  /** Closes the registry (not the queue). Idempotent as the registry's close is. */
  @Override
  void close();
}
