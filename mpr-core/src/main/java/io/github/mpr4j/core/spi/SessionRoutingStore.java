package io.github.mpr4j.core.spi;

import java.util.Optional;

/**
 * An optional capability of a {@link QueueStore} whose backend also keeps the {@link LiveSessions}: it
 * appends a message and looks up the connection's live session in one atomic step (one round trip to a
 * remote store instead of three). The core uses it when {@link #routesFor(LiveSessions)} is true for the
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
   * @return the live session the message is now sending to, or empty when it was stored pending
   */
  Optional<LiveSession> appendRouted(StoredMessage message, long sendingUntilMillis);
}
