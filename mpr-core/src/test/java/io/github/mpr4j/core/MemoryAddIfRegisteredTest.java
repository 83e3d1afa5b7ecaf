package io.github.mpr4j.core;

import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.CallbackRegistries;

/** {@code CallbackQueue.addIfRegistered} on the in-memory store and registry: it runs on the caller's thread. */
class MemoryAddIfRegisteredTest extends AddIfRegisteredContract {
  @Override
  protected PickupQueue.Builder builder() {
    return PickupQueue.builder();
  }

  @Override
  protected CallbackRegistry registry() {
    return CallbackRegistries.inMemory();
  }
}
