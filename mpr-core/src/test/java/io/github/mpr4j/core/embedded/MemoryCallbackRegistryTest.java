package io.github.mpr4j.core.embedded;

import io.github.mpr4j.core.spi.CallbackRegistry;

class MemoryCallbackRegistryTest extends CallbackRegistryContract {
  @Override
  protected CallbackRegistry open() {
    return CallbackRegistries.inMemory();
  }
}
