package io.github.mpr4j.core.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link QueueStore#take} selects and what it does with the selection.
 *
 * @param connectionId the queue
 * @param recipientDid when not {@code null}, only messages whose recipientDids contain it
 * @param limit the most messages to select (at least 1)
 * @param limitBytes the most payload bytes to select: the running total of
 *     {@code payload().byteSize()} never exceeds it; selection stops before the first message that
 *     would exceed it ({@link Long#MAX_VALUE} for no limit)
 * @param delete remove the selected messages (else mark them sending until {@code sendingUntilMillis})
 * @param nowMillis the current time: sending messages whose deadline is at or before it are pending
 * @param sendingUntilMillis the visibility deadline given to messages marked sending
 */
public record TakeRequest(String connectionId, @Nullable String recipientDid, int limit, long limitBytes,
    boolean delete, long nowMillis, long sendingUntilMillis) {
  public TakeRequest {
    Objects.requireNonNull(connectionId, "connectionId");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1");
    }
    if (limitBytes < 1) {
      throw new IllegalArgumentException("limitBytes must be >= 1");
    }
  }
}
