package io.github.mpr4j.protocol;

/**
 * Parameters of removeAllMessages.
 *
 * @param connectionId the queue
 * @param recipientDid every message whose recipientDids contain it is removed
 */
public record RemoveAllMessagesOptions(String connectionId, String recipientDid) {
  /**
   * Checks the fields.
   *
   * @param connectionId the queue
   * @param recipientDid every message whose recipientDids contain it is removed
   * @throws MprRpcException -32602 naming the field when {@code connectionId} or {@code recipientDid} is null or
   *     empty
   */
  public RemoveAllMessagesOptions {
    Checks.nonEmpty("connectionId", connectionId);
    Checks.nonEmpty("recipientDid", recipientDid);
  }

  /**
   * The options to remove every message of a connection for one recipient.
   *
   * @param connectionId the queue (non-empty)
   * @param recipientDid the recipient key whose messages are removed (non-empty)
   * @return the options
   * @throws MprRpcException -32602 naming the field when one is null or empty
   */
  public static RemoveAllMessagesOptions of(String connectionId, String recipientDid) {
    return new RemoveAllMessagesOptions(connectionId, recipientDid);
  }
}
