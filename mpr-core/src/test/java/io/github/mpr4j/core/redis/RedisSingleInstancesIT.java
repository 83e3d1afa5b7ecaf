package io.github.mpr4j.core.redis;

/** Two instances on one Redis node. */
class RedisSingleInstancesIT extends RedisInstancesContract {
  private RedisServers.Node node;

  @Override
  protected RedisSettings settings() {
    if (node == null) {
      node = RedisServers.single();
    }
    return fast(RedisSettings.single(node.uri()));
  }
}
