package io.github.mpr4j.core.spi;

import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.QueuedMessage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message as a {@link QueueStore} keeps it.
 *
 * @param id the message id, unique across all connections
 * @param connectionId the queue it belongs to
 * @param recipientDids the recipients it is for (non-empty)
 * @param receivedAtMillis when it was added, in epoch milliseconds
 * @param payload the encrypted message
 * @param sendingUntilMillis {@code 0} while pending; while sending, the epoch millisecond at which the
 *     visibility timeout returns it to pending
 */
public record StoredMessage(String id, String connectionId, List<String> recipientDids, long receivedAtMillis,
    EncryptedMessage payload, long sendingUntilMillis) {

  public StoredMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(connectionId, "connectionId");
    recipientDids = List.copyOf(recipientDids);
    Objects.requireNonNull(payload, "payload");
  }

  /** Whether the message may be taken at {@code nowMillis}: pending, or sending past its timeout. */
  public boolean isPendingAt(long nowMillis) {
    return sendingUntilMillis <= nowMillis;
  }

  /** Whether the message is for {@code recipientDid}; {@code null} matches every message. */
  public boolean isFor(@Nullable String recipientDid) {
    return recipientDid == null || recipientDids.contains(recipientDid);
  }

  /** This message with another sending deadline ({@code 0}: pending). */
  public StoredMessage withSendingUntil(long millis) {
    return new StoredMessage(id, connectionId, recipientDids, receivedAtMillis, payload, millis);
  }

  /** The message as the API returns it. */
  public QueuedMessage toQueuedMessage() {
    return new QueuedMessage(id, Instant.ofEpochMilli(receivedAtMillis), payload);
  }
}
