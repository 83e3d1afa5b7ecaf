package io.github.mpr4j.core.spi;

import java.util.Optional;

/**
 * The registry of live sessions, one per connection at most, shared by every instance that uses it. The
 * newest session of a connection wins.
 */
public interface LiveSessions extends AutoCloseable {

  /**
   * Makes {@code session} the live session of its connection.
   *
   * @return the session it replaced, if any
   */
  Optional<LiveSession> put(LiveSession session);

  /**
   * Removes the live session of a connection if it matches.
   *
   * @param sessionId remove only this session ({@code null}: any)
   * @param holderId remove only a session of this holder ({@code null}: any)
   * @return the session removed, if any
   */
  Optional<LiveSession> remove(String connectionId, String sessionId, String holderId);

  /** The live session of a connection, if any. */
  Optional<LiveSession> get(String connectionId);

  /** Whether every method returns promptly without waiting for I/O (see {@link QueueStore#isNonBlocking()}). */
  default boolean isNonBlocking() {
    return false;
  }

  /** Releases resources. Idempotent. */
  @Override
  default void close() {}
}
