package io.github.mpr4j.core.callback;

import io.github.mpr4j.core.internal.DefaultPickupQueue;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.util.concurrent.CompletableFuture;

/** {@link CallbackQueue} over the pickup queue, which appends a notification as it appends any message. */
final class DefaultCallbackQueue implements CallbackQueue {
  private final DefaultPickupQueue queue;
  private final CallbackRegistry registry;

  DefaultCallbackQueue(DefaultPickupQueue queue, CallbackRegistry registry) {
    this.queue = queue;
    this.registry = registry;
  }

  @Override
  public CallbackRegistry registry() {
    return registry;
  }

  @Override
  public CompletableFuture<CallbackAdd> addIfRegistered(String clientId, AddMessageOptions message, int maxPending) {
    return queue.addIfRegistered(registry, clientId, message, maxPending);
  }

  @Override
  public MessagePickupRepository openRepository() {
    return queue.openRepository();
  }

  @Override
  public void close() {
    registry.close();
  }
}
