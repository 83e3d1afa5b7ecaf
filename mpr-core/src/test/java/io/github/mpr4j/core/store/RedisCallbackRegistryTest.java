package io.github.mpr4j.core.store;

import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.core.redis.RedisSettings;
import io.github.mpr4j.core.spi.CallbackRegistry;

/** The registry contract on a Redis Cluster (its keys are spread over the nodes). */
class RedisCallbackRegistryTest extends CallbackRegistryContract {
  private RedisBackend backend;

  @Override
  protected CallbackRegistry open() {
    backend = RedisBackend.connect(RedisSettings.cluster(RedisServers.cluster().nodes()));
    CallbackRegistry registry = backend.callbackRegistry();
    return new CallbackRegistry() {
      @Override
      public boolean create(String clientId, long nowMillis, long expiresAtMillis) {
        return registry.create(clientId, nowMillis, expiresAtMillis);
      }

      @Override
      public boolean touch(String clientId, long nowMillis, long expiresAtMillis) {
        return registry.touch(clientId, nowMillis, expiresAtMillis);
      }

      @Override
      public boolean exists(String clientId, long nowMillis) {
        return registry.exists(clientId, nowMillis);
      }

      @Override
      public java.util.List<String> removeExpired(long nowMillis, int max) {
        return registry.removeExpired(nowMillis, max);
      }

      @Override
      public void close() {
        backend.close();
      }
    };
  }
}
