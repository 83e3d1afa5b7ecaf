package io.github.mpr4j.core.tiering;

import io.github.mpr4j.core.mongo.MongoServers;
import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.core.redis.RedisSettings;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.embedded.QueueStoreContract;
import java.time.Duration;

/**
 * The store contract on Redis (one node) in front of MongoDB, with a threshold of zero and a mover running
 * every 10 ms (20 messages a step): messages move to MongoDB while the contract runs.
 */
class TieredStoreContractIT extends QueueStoreContract {
  private RedisBackend backend;

  /** Settings that move everything at once, every few milliseconds. */
  static TieringSettings eager(boolean writeThrough) {
    return TieringSettings.of(MongoServers.settings()).withThreshold(Duration.ZERO).withMoveInterval(Duration.ofMillis(10))
        .withLeaseTtl(Duration.ofMillis(500)).withMoveBatch(20).withWriteThrough(writeThrough);
  }

  protected RedisSettings redis() {
    return RedisSettings.single(RedisServers.single().uri());
  }

  protected boolean writeThrough() {
    return false;
  }

  @Override
  protected QueueStore newStore() {
    backend = RedisBackend.connect(redis());
    return TieredQueueStore.open(backend, eager(writeThrough()), Mover.Hooks.NONE, true);
  }

  @Override
  protected void closeStore(QueueStore store) {
    store.close();
    backend.close();
  }
}
