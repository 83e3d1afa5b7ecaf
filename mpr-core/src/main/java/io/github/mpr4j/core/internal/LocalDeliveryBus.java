package io.github.mpr4j.core.internal;

import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.spi.DeliveryBus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A bus between instances in one process: publish calls the addressed instance's consumer on the
 * publishing thread. Events for an instance that is not subscribed are dropped, as on a network bus.
 */
public final class LocalDeliveryBus implements DeliveryBus {
  private final Map<String, Consumer<BusEvent>> subscribers = new ConcurrentHashMap<>();

  @Override
  public void subscribe(String instanceId, Consumer<BusEvent> consumer) {
    subscribers.put(instanceId, consumer);
  }

  @Override
  public void publish(String instanceId, BusEvent event) {
    Consumer<BusEvent> consumer = subscribers.get(instanceId);
    if (consumer != null) {
      consumer.accept(event);
    }
  }

  @Override
  public boolean isNonBlocking() {
    return true;
  }

  /** Stops delivering to an instance. */
  public void unsubscribe(String instanceId) {
    subscribers.remove(instanceId);
  }
}
