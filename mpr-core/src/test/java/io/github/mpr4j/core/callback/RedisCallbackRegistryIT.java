package io.github.mpr4j.core.callback;

import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.core.redis.RedisSettings;
import org.junit.jupiter.api.AfterEach;

/** The registry contract on a Redis Cluster (its keys are spread over the nodes). */
class RedisCallbackRegistryIT extends CallbackRegistryContract {
  private RedisBackend backend;

  @Override
  protected CallbackRegistry open() {
    backend = RedisBackend.connect(RedisSettings.cluster(RedisServers.cluster().nodes()));
    return backend.callbackRegistry();
  }

  /** The registry's close leaves the connection to its backend. */
  @AfterEach
  void closeBackend() {
    backend.close();
  }
}
