package io.github.mpr4j.core.embedded;

import io.github.mpr4j.core.spi.QueueStore;

/** The in-memory store against the store contract. */
class MemoryQueueStoreTest extends QueueStoreContract {
  @Override
  protected QueueStore newStore() {
    return QueueStores.inMemory();
  }
}
