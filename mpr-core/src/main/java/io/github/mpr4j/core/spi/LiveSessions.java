package io.github.mpr4j.core.spi;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The registry of live sessions, one per connection at most, shared by every instance that uses it. The
 * newest session of a connection wins.
 */
public interface LiveSessions extends AutoCloseable {

  /**
   * The live sessions of this process only: the registry of a single instance (never waits for I/O).
   *
   * @return a new, empty registry
   */
  static LiveSessions local() {
    return new io.github.mpr4j.core.internal.LocalLiveSessions();
  }

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
  Optional<LiveSession> remove(String connectionId, @Nullable String sessionId, @Nullable String holderId);

  /** The live session of a connection, if any. */
  Optional<LiveSession> get(String connectionId);

  /**
   * Whether {@code session} is still its connection's live session: the fence a holder checks before it
   * hands its socket a delivery that came over the {@link DeliveryBus} (the delivery may be late: its
   * instance was paused while the event waited in the bus, and another session may have taken the
   * connection meanwhile). The default asks {@link #get} on the caller's thread; a registry whose get
   * waits for I/O answers without holding that thread.
   */
  default CompletableFuture<Boolean> isCurrent(LiveSession session) {
    return CompletableFuture.completedFuture(get(session.connectionId()).filter(session::equals).isPresent());
  }

  /**
   * Registers what to do when a session held on this instance, which the others had dropped (its heartbeat
   * had lapsed), is put back: the pickup queue hands the session's holder what waits as pending for it. The
   * listener is called on a thread of the registry and must not block. A registry that never drops the
   * sessions of a live instance (the in-process one) never calls it.
   */
  default void onRestored(Consumer<LiveSession> listener) {}

  /** Whether every method returns promptly without waiting for I/O (see {@link QueueStore#isNonBlocking()}). */
  default boolean isNonBlocking() {
    return false;
  }

  /** Releases resources. Idempotent. */
  @Override
  default void close() {}
}
