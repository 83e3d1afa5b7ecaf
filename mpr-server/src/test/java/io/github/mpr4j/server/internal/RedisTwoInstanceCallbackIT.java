package io.github.mpr4j.server.internal;

import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.server.ServerConfig;
import java.util.Map;

/** The two-instance gateway tests on two instances that share a Redis Cluster, as deployed. */
class RedisTwoInstanceCallbackIT extends TwoInstanceCallbackIT {

  @Override
  protected ServerRuntime[] startInstances() {
    ServerConfig config = ServerConfig.fromEnvironment(Map.of("WS_PORT", "0", "APP_PORT", "0",
        "MPR_BIND_ADDRESS", "127.0.0.1", "REDIS_NODES", String.join(",", RedisServers.cluster().nodes()),
        "MPR_SHUTDOWN_GRACE_MS", "1000"));
    ServerRuntime first = new ServerRuntime(config);
    first.start();
    ServerRuntime second = new ServerRuntime(config);
    second.start();
    return new ServerRuntime[] {first, second};
  }
}
