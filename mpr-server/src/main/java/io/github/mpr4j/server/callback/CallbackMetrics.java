package io.github.mpr4j.server.callback;

/**
 * What the callback gateway counts, for the server's metrics. Called from event loops and the gateway's
 * threads: implementations must be thread-safe and must not block.
 */
public interface CallbackMetrics {

  /** Counts nothing. */
  CallbackMetrics NONE = new CallbackMetrics() {};

  /** A browser socket took its clientId. */
  default void callbackSocketOpened() {}

  /** A browser socket that had taken its clientId closed. */
  default void callbackSocketClosed() {}

  /** A new clientId was registered on this instance. */
  default void callbackRegistered() {}

  /**
   * A notification was accepted (202).
   *
   * @param live whether a browser socket held it live (else it is pending)
   */
  default void callbackPosted(boolean live) {}
}
