package io.github.mpr4j.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * A message waiting in a connection's queue, as takeFromQueue and messagesReceived return it.
 *
 * @param id the message id, unique and stable for the message's whole life
 * @param receivedAt when the repository stored the message (millisecond precision, UTC on the wire)
 * @param encryptedMessage the message itself, unchanged
 */
public record QueuedMessage(String id, Instant receivedAt, EncryptedMessage encryptedMessage) {
  /**
   * Checks that no field is null.
   *
   * @param id the message id, unique and stable for the message's whole life
   * @param receivedAt when the repository stored the message (millisecond precision, UTC on the wire)
   * @param encryptedMessage the message itself, unchanged
   * @throws NullPointerException naming the null field
   */
  public QueuedMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(encryptedMessage, "encryptedMessage");
  }
}
