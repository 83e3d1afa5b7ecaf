package io.github.mpr4j.core.tiering;

import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.spi.Backend;

/**
 * The backend on Redis in front of MongoDB:
 *
 * <pre>{@code
 * RedisBackend redis = RedisBackend.connect(RedisSettings.single(URI.create("redis://localhost:6379")));
 * Backend tiered = TieredStores.connect(redis, TieringSettings.of(MongoSettings.of("mongodb://db:27017")));
 * PickupQueue queue = PickupQueue.builder().backend(tiered).build();
 * }</pre>
 *
 * <p>Every instance runs a mover; one at a time (a lease in Redis) moves messages older than the threshold
 * to MongoDB. Closing the backend stops the mover, closes MongoDB, then Redis. docs/mongodb.md explains the
 * design.
 */
public final class TieredStores {
  private TieredStores() {}

  /**
   * Connects to MongoDB, creates the cold tier's indexes when missing, and starts the mover.
   *
   * @throws RuntimeException when MongoDB cannot be reached within the settings' timeout
   */
  public static Backend connect(RedisBackend redis, TieringSettings settings) {
    return new TieredBackend(TieredQueueStore.open(redis, settings, Mover.Hooks.NONE, true), redis);
  }
}
