package io.github.mpr4j.core.mongo;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.embedded.QueueStoreContract;

/** The store contract on MongoDB (an in-process mongo-java-server, the real driver). */
class MongoQueueStoreIT extends QueueStoreContract {

  @Override
  protected QueueStore newStore() {
    return MongoQueueStores.connect(MongoServers.settings());
  }
}
