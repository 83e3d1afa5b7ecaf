package io.github.mpr4j.core.spi;

/**
 * Wakes offline recipients. The core calls it after a message is stored, only when no live session exists
 * for the connection, and never waits for the provider: implementations queue the request and return.
 */
public interface PushNotifier extends AutoCloseable {

  /** A notifier that sends nothing. */
  PushNotifier NONE = request -> {};

  /** Queues a notification. Must not block and must not throw. */
  void notify(PushRequest request);

  /** Releases resources. Idempotent. */
  @Override
  default void close() {}
}
