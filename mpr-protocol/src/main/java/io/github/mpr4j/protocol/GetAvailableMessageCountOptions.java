package io.github.mpr4j.protocol;

/**
 * Parameters of getAvailableMessageCount.
 *
 * @param connectionId the queue
 * @param recipientDid when not {@code null}, count only messages whose recipientDids contain it
 */
public record GetAvailableMessageCountOptions(String connectionId, String recipientDid) {
  public GetAvailableMessageCountOptions {
    Checks.nonEmpty("connectionId", connectionId);
    Checks.optional("recipientDid", recipientDid);
  }

  /** Count every pending message of the connection. */
  public static GetAvailableMessageCountOptions of(String connectionId) {
    return new GetAvailableMessageCountOptions(connectionId, null);
  }
}
