package io.github.mpr4j.protocol;

import java.util.List;

/**
 * Parameters of removeMessages.
 *
 * @param connectionId the queue
 * @param messageIds the ids to remove; unknown ids are ignored
 */
public record RemoveMessagesOptions(String connectionId, List<String> messageIds) {
  public RemoveMessagesOptions {
    Checks.nonEmpty("connectionId", connectionId);
    messageIds = Checks.nonEmptyStrings("messageIds", messageIds, true);
  }
}
