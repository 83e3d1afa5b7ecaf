package io.github.mpr4j.protocol;

import java.util.List;

/**
 * Receives the messages delivered live to the sessions a repository holds (the messagesReceived
 * notification), and the loss of a session to a newer holder.
 *
 * <p>Implementations say which thread calls the listener; in every implementation the listener must
 * return quickly and must not block: hand long work to an executor of your own.
 */
@FunctionalInterface
public interface MessagesReceivedListener {
  /**
   * Messages of a connection whose live session this repository holds, in queue order. They are in the
   * sending state: remove them with removeMessages once the recipient has them.
   *
   * @param connectionId the connection
   * @param messages one or more messages, oldest first
   */
  void messagesReceived(String connectionId, List<QueuedMessage> messages);

  /**
   * The live session of a connection was taken over by a newer session (on any instance); no more
   * messages for it arrive here. The default does nothing.
   *
   * @param connectionId the connection
   * @param sessionId the session that was replaced
   */
  default void liveSessionReplaced(String connectionId, String sessionId) {}
}
