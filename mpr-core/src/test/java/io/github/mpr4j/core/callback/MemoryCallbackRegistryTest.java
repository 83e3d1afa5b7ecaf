package io.github.mpr4j.core.callback;


class MemoryCallbackRegistryTest extends CallbackRegistryContract {
  @Override
  protected CallbackRegistry open() {
    return CallbackRegistries.inMemory();
  }
}
