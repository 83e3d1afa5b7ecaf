package io.github.mpr4j.core.spi;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where the messages of every connection are kept, in the order they were appended.
 *
 * <p>Each method is atomic with respect to the others on the same connection: two concurrent takes never
 * select the same message, and a message is never lost or duplicated by a race. Every mutation is durable,
 * to the degree the store promises, when the method returns. Methods may block; they throw an unchecked
 * exception when the store cannot be reached.
 */
public interface QueueStore extends AutoCloseable {

  /**
   * Appends a message at the end of its connection's queue, in its state: pending ({@code
   * sendingUntilMillis == 0}), or sending when the core hands it to a live session at once.
   */
  void append(StoredMessage message);

  /**
   * Selects the oldest pending messages of a connection that match the request, within its limits, and
   * either removes them or marks them sending, in one atomic step.
   *
   * @return the selected messages, oldest first, as they were before the change
   */
  List<StoredMessage> take(TakeRequest request);

  /**
   * Marks the given messages sending until {@code sendingUntilMillis}, those of them that are pending at
   * {@code nowMillis}.
   *
   * @return the messages that were marked, oldest first
   */
  List<StoredMessage> claim(String connectionId, Collection<String> messageIds, long nowMillis,
      long sendingUntilMillis);

  /**
   * Returns sending messages of a connection to pending.
   *
   * @param messageIds the messages to release, or {@code null} for every message of the connection
   * @return how many messages changed state
   */
  int release(String connectionId, @Nullable Collection<String> messageIds);

  /** Removes the given messages of a connection in any state; unknown ids are ignored. */
  int remove(String connectionId, Collection<String> messageIds);

  /** Removes every message of a connection whose recipientDids contain {@code recipientDid}. */
  int removeAll(String connectionId, String recipientDid);

  /** Counts the messages of a connection pending at {@code nowMillis}, for one recipient or ({@code null}) all. */
  int count(String connectionId, @Nullable String recipientDid, long nowMillis);

  /**
   * Whether every method returns promptly without waiting for I/O (an in-memory store). When the live
   * sessions and the bus are non-blocking too, the core runs operations on the caller's thread instead
   * of handing them to a worker, which saves two thread hand-offs per request.
   */
  default boolean isNonBlocking() {
    return false;
  }

  /** Whether the store can serve requests now (readiness). */
  default boolean isReady() {
    return true;
  }

  /**
   * Why the store is not ready, for {@code /ready} (for example {@code "disk full: ..."}), or empty when it
   * is. Must not block: readiness is asked on a network thread.
   */
  default Optional<String> notReadyReason() {
    return isReady() ? Optional.empty() : Optional.of(describe() + " is not ready");
  }

  /** A short description for logs, for example {@code embedded(/var/lib/mpr)}. */
  String describe();

  /** Releases the store's resources. Idempotent. */
  @Override
  void close();
}
