package io.github.mpr4j.protocol;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The message pickup repository: per-connection queues of encrypted messages waiting for their
 * recipients, and live sessions through which new messages are delivered at once.
 *
 * <p>The in-process core and the remote client implement this interface alike, so a mediator can move
 * between them without code changes. Every method is asynchronous: it never throws, and its future
 * fails with an {@link MprException} ({@link MprRpcException} when the repository refused,
 * {@link MprTransportException} when no answer came). Calls after {@link #close()} fail their futures.
 *
 * <p>A repository instance is the holder of the live sessions added through it: messages for those
 * sessions reach the listeners added with {@link #addMessagesReceivedListener}. Closing the repository
 * ends the sessions it holds.
 */
public interface MessagePickupRepository extends AutoCloseable {

  /**
   * Appends a message to its connection's queue as pending. If a live session exists for the connection
   * anywhere, the message is delivered to its holder; otherwise a push notification is sent when a token
   * is given. Completes once the message is stored.
   *
   * @param options the message, its connection and recipients, and an optional push token
   * @return the new message's id
   */
  CompletableFuture<String> addMessage(AddMessageOptions options);

  /**
   * Takes pending messages, oldest first, within the limits of the options; they are removed
   * ({@code deleteMessages}) or become sending until removed or released.
   *
   * @param options the connection, an optional recipient filter, the limits and whether to delete
   * @return the messages, oldest first; empty when none is pending
   */
  CompletableFuture<List<QueuedMessage>> takeFromQueue(TakeFromQueueOptions options);

  /**
   * Removes the given messages of a connection, in any state; unknown ids are ignored.
   *
   * @param options the connection and the ids
   * @return a future that completes once they are removed
   */
  CompletableFuture<Void> removeMessages(RemoveMessagesOptions options);

  /**
   * Removes every message of a connection whose recipientDids contain the given recipientDid.
   *
   * @param options the connection and the recipient
   * @return a future that completes once they are removed
   */
  CompletableFuture<Void> removeAllMessages(RemoveAllMessagesOptions options);

  /**
   * Counts the pending messages of a connection (optionally those for one recipientDid).
   *
   * @param options the connection and an optional recipient filter
   * @return the number of pending messages (sending ones are not counted)
   */
  CompletableFuture<Integer> getAvailableMessageCount(GetAvailableMessageCountOptions options);

  /**
   * Makes this repository the holder of the connection's live session, replacing any previous session on
   * any instance; the connection's sending messages return to pending.
   *
   * @param options the connection and the session's id
   * @return a future that completes once the session is registered
   */
  CompletableFuture<Void> addLiveSession(AddLiveSessionOptions options);

  /**
   * Removes the connection's live session (only if it is {@code sessionId}, when given) and returns its
   * sending messages to pending.
   *
   * @param options the connection and, optionally, the only session to remove
   * @return whether a session was removed
   */
  CompletableFuture<Boolean> removeLiveSession(RemoveLiveSessionOptions options);

  /**
   * Whether a live session exists for the connection on any instance.
   *
   * @param options the connection
   * @return {@code true} when one exists
   */
  CompletableFuture<Boolean> getLiveSession(GetLiveSessionOptions options);

  /**
   * Adds a listener for messages delivered to the live sessions this repository holds.
   *
   * @param listener the listener (its javadoc says on which thread it is called)
   * @return a handle whose {@code close()} removes the listener
   */
  Registration addMessagesReceivedListener(MessagesReceivedListener listener);

  /**
   * Ends the live sessions this repository holds and releases its resources. Idempotent, and never blocks:
   * the end of the sessions may become visible to other repositories shortly after it returns.
   */
  @Override
  void close();

  /**
   * A blocking view of this repository whose calls wait at most {@link #DEFAULT_SYNC_WAIT} for their
   * answers; see {@link BlockingPickupRepository} for where not to use it.
   *
   * @return the view (cheap: make one where needed)
   */
  default BlockingPickupRepository sync() {
    return sync(DEFAULT_SYNC_WAIT);
  }

  /**
   * A blocking view of this repository whose calls wait at most {@code maxWait} for their answers.
   *
   * @param maxWait how long a call of the view waits, at most, for its future
   * @return the view
   * @throws IllegalArgumentException when {@code maxWait} is not positive
   */
  default BlockingPickupRepository sync(Duration maxWait) {
    if (maxWait == null || maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("maxWait must be positive, not " + maxWait);
    }
    return new SyncView(this, maxWait);
  }

  /** How long the calls of {@link #sync()} wait, at most: 60 s. */
  Duration DEFAULT_SYNC_WAIT = Duration.ofSeconds(60);

  /** A handle on a listener registration. */
  @FunctionalInterface
  interface Registration extends AutoCloseable {
    /** Removes the listener. Idempotent. */
    @Override
    void close();
  }
}
