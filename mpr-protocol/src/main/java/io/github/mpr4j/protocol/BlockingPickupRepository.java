package io.github.mpr4j.protocol;

import java.util.List;

/**
 * A blocking view of a {@link MessagePickupRepository} ({@link MessagePickupRepository#sync()}): the same
 * calls, each waiting for its answer, for code that is not asynchronous (scripts, tests, a request thread of
 * a blocking web framework). The failures of the futures are thrown as they are: an {@link MprRpcException}
 * when the repository refused, an {@link MprTransportException} when no answer came, also when the wait ran
 * out or the thread was interrupted (its interrupt flag is then set again; whether the call took effect is
 * unknown).
 *
 * <p>Do not call it where the repository completes its futures (for a client, in a stage of one of its
 * futures, or on its I/O thread): the answer could not be delivered while the thread waits for it.
 */
public interface BlockingPickupRepository {

  /**
   * Appends a message, as {@link MessagePickupRepository#addMessage}.
   *
   * @param options the message
   * @return the new message's id
   */
  String addMessage(AddMessageOptions options);

  /**
   * Takes pending messages, as {@link MessagePickupRepository#takeFromQueue}.
   *
   * @param options which messages
   * @return the messages, oldest first
   */
  List<QueuedMessage> takeFromQueue(TakeFromQueueOptions options);

  /**
   * Removes messages, as {@link MessagePickupRepository#removeMessages}.
   *
   * @param options which messages
   */
  void removeMessages(RemoveMessagesOptions options);

  /**
   * Removes the messages of a recipient, as {@link MessagePickupRepository#removeAllMessages}.
   *
   * @param options which messages
   */
  void removeAllMessages(RemoveAllMessagesOptions options);

  /**
   * Counts pending messages, as {@link MessagePickupRepository#getAvailableMessageCount}.
   *
   * @param options which messages
   * @return their number
   */
  int getAvailableMessageCount(GetAvailableMessageCountOptions options);

  /**
   * Adds a live session, as {@link MessagePickupRepository#addLiveSession}.
   *
   * @param options the session
   */
  void addLiveSession(AddLiveSessionOptions options);

  /**
   * Removes a live session, as {@link MessagePickupRepository#removeLiveSession}.
   *
   * @param options the session
   * @return whether a session was removed
   */
  boolean removeLiveSession(RemoveLiveSessionOptions options);

  /**
   * Whether a live session exists, as {@link MessagePickupRepository#getLiveSession}.
   *
   * @param options the connection
   * @return whether one exists on any instance
   */
  boolean getLiveSession(GetLiveSessionOptions options);
}
