package io.github.mpr4j.core;

import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.core.redis.RedisSettings;

/**
 * {@code CallbackQueue.addIfRegistered} on a Redis Cluster: the registration key shares its connection's
 * hash slot, so the one script can reach both (a cross-slot script would fail here).
 */
class RedisClusterAddIfRegisteredIT extends RedisAddIfRegisteredIT {
  @Override
  protected RedisSettings settings() {
    return RedisSettings.cluster(RedisServers.cluster().nodes());
  }
}
