package io.github.mpr4j.protocol;

import java.util.List;

/**
 * Parameters of removeMessages.
 *
 * @param connectionId the queue
 * @param messageIds the ids to remove; unknown ids are ignored
 */
public record RemoveMessagesOptions(String connectionId, List<String> messageIds) {
  /**
   * Checks the fields and copies {@code messageIds}.
   *
   * @param connectionId the queue
   * @param messageIds the ids to remove; unknown ids are ignored
   * @throws MprRpcException -32602 naming the field when {@code connectionId} is null or empty, or {@code
   *     messageIds} is null or holds a null or empty string
   */
  public RemoveMessagesOptions {
    Checks.nonEmpty("connectionId", connectionId);
    messageIds = Checks.nonEmptyStrings("messageIds", messageIds, true);
  }

  /**
   * The options to remove messages of a connection by id.
   *
   * @param connectionId the queue (non-empty)
   * @param messageIds the ids to remove (may be empty; unknown ids are ignored)
   * @return the options
   * @throws MprRpcException -32602 naming the bad field
   */
  public static RemoveMessagesOptions of(String connectionId, List<String> messageIds) {
    return new RemoveMessagesOptions(connectionId, messageIds);
  }
}
