package io.github.mpr4j.core.spi;

import java.util.concurrent.CompletableFuture;

/**
 * An optional capability of a {@link QueueStore} whose backend also keeps the {@link CallbackRegistry}
 * and the {@link LiveSessions}: it appends a callback notification only if its registration exists and
 * its queue is not full, and finds the live session, in one atomic step (one round trip to a remote
 * store), without blocking a thread while it waits. The core uses it for {@code
 * PickupQueue.addIfRegistered} when {@link #guards(CallbackRegistry)} is true for the registry given and
 * the store is also a {@link SessionRoutingStore} for the queue's live sessions.
 */
public interface GuardedAppendStore {

  /** Whether this store sees exactly the registrations that {@code registry} keeps. */
  boolean guards(CallbackRegistry registry);

  /**
   * In one atomic step: if the registration {@code clientId} exists at {@code message.receivedAtMillis()}
   * and the connection has fewer than {@code maxPending} messages pending at that time (as {@link
   * QueueStore#count} counts them), appends the message as {@link
   * SessionRoutingStore#appendRouted} does (sending until {@code sendingUntilMillis} when the connection
   * has a live session whose holder is alive, else pending); otherwise appends nothing. The message's
   * connection must be {@link CallbackRegistry#connectionId(String) connectionId(clientId)}.
   *
   * <p>Asynchronous: the future may complete on a thread of the store, so actions that depend on it must
   * not block. It fails with the store's exception when the store cannot be reached.
   */
  CompletableFuture<GuardedAppend> appendIfRegistered(String clientId, int maxPending, StoredMessage message,
      long sendingUntilMillis);
}
