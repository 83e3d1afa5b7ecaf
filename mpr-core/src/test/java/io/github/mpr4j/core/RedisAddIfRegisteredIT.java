package io.github.mpr4j.core;

import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.core.redis.RedisSettings;
import io.github.mpr4j.core.callback.CallbackRegistry;

/** {@code CallbackQueue.addIfRegistered} on one Redis node: one script checks, counts and appends. */
class RedisAddIfRegisteredIT extends AddIfRegisteredContract {
  protected RedisBackend backend;

  protected RedisSettings settings() {
    return RedisSettings.single(RedisServers.single().uri());
  }

  @Override
  protected PickupQueue.Builder builder() {
    backend = RedisBackend.connect(settings());
    return PickupQueue.builder().backend(backend);
  }

  @Override
  protected CallbackRegistry registry() {
    return backend.callbackRegistry();
  }

  @Override
  protected void closeBackends() {
    backend.close();
  }
}
