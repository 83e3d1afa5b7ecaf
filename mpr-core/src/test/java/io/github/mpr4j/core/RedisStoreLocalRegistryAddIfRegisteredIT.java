package io.github.mpr4j.core;

import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.CallbackRegistries;

/**
 * {@code CallbackQueue.addIfRegistered} on the Redis store with a registry that Redis does not keep: the
 * check and the count come first, then the one-step append.
 */
class RedisStoreLocalRegistryAddIfRegisteredIT extends RedisAddIfRegisteredIT {
  @Override
  protected CallbackRegistry registry() {
    return CallbackRegistries.inMemory();
  }
}
