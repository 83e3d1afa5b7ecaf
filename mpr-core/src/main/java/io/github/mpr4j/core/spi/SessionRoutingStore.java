package io.github.mpr4j.core.spi;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An optional capability of a {@link QueueStore} whose backend also keeps the {@link LiveSessions}: it
 * appends a message and looks up the connection's live session in one atomic step (one round trip to a
 * remote store instead of three), without blocking a thread while it waits. The core uses it when {@link #routesFor(LiveSessions)} is true for the
 * live sessions it was built with.
 */
public interface SessionRoutingStore {

  /** Whether this store sees exactly the sessions that {@code liveSessions} keeps. */
  boolean routesFor(LiveSessions liveSessions);

  /**
   * Appends a pending message ({@code message.sendingUntilMillis() == 0}), unless its connection has a
   * live session whose holder is alive: then the message is appended as sending until {@code
   * sendingUntilMillis} instead, and that session is returned. Atomic with respect to {@link
   * LiveSessions#put} and {@link LiveSessions#remove} of the same connection.
   *
   * <p>Asynchronous: the store does not block the caller, and the future may complete on a thread of the
   * store, so actions that depend on it must not block either. It fails with the store's exception when
   * the store cannot be reached.
   *
   * @return the live session the message is now sending to, or empty when it was stored pending
   */
  CompletableFuture<Optional<LiveSession>> appendRouted(StoredMessage message, long sendingUntilMillis);
}
