package io.github.mpr4j.client;

import java.time.Duration;

/**
 * Observes the connection of an {@link MprClient}. Every method has a no-op default.
 *
 * <p>Calls come on the client's callback executor (see {@link MprClient.Builder#callbackExecutor}), one at
 * a time and in the order of the events, interleaved in order with the messagesReceived listeners. They
 * must return quickly and must not block: while one runs, no other listener of the client is called.
 *
 * <p>A typical life: {@code connected}, then on a lost socket {@code disconnected(cause)},
 * {@code reconnecting(1, delay)}, {@code reconnecting(2, delay)}..., {@code connected} again once the
 * client's live sessions are restored, and finally {@code closed}.
 */
public interface ConnectionStateListener {
  /**
   * The client is connected and, after a reconnect, has re-subscribed and restored every live session it
   * holds (with the same sessionIds); requests that waited are now sent.
   */
  default void connected() {}

  /**
   * The socket was lost (or an attempt to open it, or to restore the live sessions, failed). Requests that
   * were in flight have failed with an {@link io.github.mpr4j.protocol.MprTransportException}.
   *
   * @param cause what happened
   */
  default void disconnected(Throwable cause) {}

  /**
   * The client will try to connect again after the given delay.
   *
   * @param attempt the number of this attempt since the last successful connection, from 1
   * @param delay the time until the attempt
   */
  default void reconnecting(int attempt, Duration delay) {}

  /**
   * The client is closed, by {@link MprClient#close()} or because it gave up reconnecting after the
   * configured number of attempts. This is the last call.
   */
  default void closed() {}
}
