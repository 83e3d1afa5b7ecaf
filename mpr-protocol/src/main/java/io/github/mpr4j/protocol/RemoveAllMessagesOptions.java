package io.github.mpr4j.protocol;

/**
 * Parameters of removeAllMessages.
 *
 * @param connectionId the queue
 * @param recipientDid every message whose recipientDids contain it is removed
 */
public record RemoveAllMessagesOptions(String connectionId, String recipientDid) {
  public RemoveAllMessagesOptions {
    Checks.nonEmpty("connectionId", connectionId);
    Checks.nonEmpty("recipientDid", recipientDid);
  }
}
