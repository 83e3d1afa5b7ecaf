package io.github.mpr4j.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Parameters of getAvailableMessageCount.
 *
 * @param connectionId the queue
 * @param recipientDid when not {@code null}, count only messages whose recipientDids contain it
 */
public record GetAvailableMessageCountOptions(String connectionId, @Nullable String recipientDid) {
  /**
   * Checks the fields.
   *
   * @param connectionId the queue
   * @param recipientDid when not {@code null}, count only messages whose recipientDids contain it
   * @throws MprRpcException -32602 naming the field when {@code connectionId} is null or empty, or
   *     {@code recipientDid} is empty
   */
  public GetAvailableMessageCountOptions {
    Checks.nonEmpty("connectionId", connectionId);
    Checks.optional("recipientDid", recipientDid);
  }

  /**
   * Count every pending message of the connection.
   *
   * @param connectionId the queue (non-empty)
   * @return the options
   * @throws MprRpcException -32602 when {@code connectionId} is null or empty
   */
  public static GetAvailableMessageCountOptions of(String connectionId) {
    return new GetAvailableMessageCountOptions(connectionId, null);
  }

  /**
   * Count the pending messages of the connection whose recipientDids contain {@code recipientDid}.
   *
   * @param connectionId the queue (non-empty)
   * @param recipientDid the recipient key to count messages for (non-empty)
   * @return the options
   * @throws MprRpcException -32602 naming the field when one is null or empty
   */
  public static GetAvailableMessageCountOptions of(String connectionId, String recipientDid) {
    Checks.nonEmpty("recipientDid", recipientDid);
    return new GetAvailableMessageCountOptions(connectionId, recipientDid);
  }
}
