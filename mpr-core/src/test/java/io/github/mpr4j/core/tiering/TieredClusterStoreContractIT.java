package io.github.mpr4j.core.tiering;

import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.core.redis.RedisSettings;

/** The store contract on a 3-master Redis Cluster in front of MongoDB, messages moving during the test. */
class TieredClusterStoreContractIT extends TieredStoreContractIT {
  @Override
  protected RedisSettings redis() {
    return RedisSettings.cluster(RedisServers.cluster().nodes());
  }
}
