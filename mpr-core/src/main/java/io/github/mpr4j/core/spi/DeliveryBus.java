package io.github.mpr4j.core.spi;

import java.util.function.Consumer;

/**
 * Carries {@link BusEvent}s to the one instance they are addressed to. Delivery is at most once: a lost
 * event never loses a message, which stays in its queue as sending until the visibility timeout returns
 * it to pending.
 */
public interface DeliveryBus extends AutoCloseable {

  /**
   * A bus between the pickup queues of this process only (never waits for I/O).
   *
   * @return a new bus
   */
  static DeliveryBus local() {
    return new io.github.mpr4j.core.internal.LocalDeliveryBus();
  }

  /**
   * Starts receiving the events addressed to {@code instanceId}. The consumer is called on a thread of
   * the bus and must not block.
   */
  void subscribe(String instanceId, Consumer<BusEvent> consumer);

  /** Sends an event to an instance; returns without waiting for it to arrive. */
  void publish(String instanceId, BusEvent event);

  /** Whether publishing returns promptly and events are consumed without waiting for I/O. */
  default boolean isNonBlocking() {
    return false;
  }

  /** Stops receiving and releases resources. Idempotent. */
  @Override
  default void close() {}
}
