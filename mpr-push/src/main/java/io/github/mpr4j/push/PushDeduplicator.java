package io.github.mpr4j.push;

import io.github.mpr4j.push.internal.InProcessDeduplicator;
import java.time.Duration;

/**
 * Decides whether a push may be sent for a token now: at most one per token per window. An implementation
 * shared by every instance (one atomic {@code SET key NX PX window} in Redis, for example) makes the window
 * cluster-wide; {@link #inProcess()} makes it per process.
 *
 * <p>Called from the push worker threads, never from a Netty event loop; may block briefly.
 */
@FunctionalInterface
public interface PushDeduplicator {

  /**
   * Takes the token's slot for {@code window} if it is free.
   *
   * @param tokenKey the provider and the token, as {@code "fcm:" + token} or {@code "apns:" + token}
   * @param window how long the slot stays taken
   * @return {@code true} when the caller took the slot and should send; {@code false} when a push for this
   *     token was sent less than a window ago
   */
  boolean tryAcquire(String tokenKey, Duration window);

  /** A de-duplicator for one process: a map of slots whose expired entries are swept as it goes. */
  static PushDeduplicator inProcess() {
    return new InProcessDeduplicator(System::nanoTime);
  }
}
