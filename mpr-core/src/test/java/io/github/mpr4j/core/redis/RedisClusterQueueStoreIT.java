package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.embedded.QueueStoreContract;

/** The store contract on a 3-master Redis Cluster. */
class RedisClusterQueueStoreIT extends QueueStoreContract {
  private RedisBackend backend;

  @Override
  protected QueueStore newStore() {
    backend = RedisBackend.connect(RedisSettings.cluster(RedisServers.cluster().nodes()));
    return backend.queueStore();
  }

  @Override
  protected void closeStore(QueueStore store) {
    store.close();
    backend.close();
  }
}
