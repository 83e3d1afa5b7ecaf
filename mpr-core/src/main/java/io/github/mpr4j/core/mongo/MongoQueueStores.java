package io.github.mpr4j.core.mongo;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.tiering.internal.ColdTier;

/**
 * The queue store on MongoDB, for a deployment of one instance on MongoDB alone:
 *
 * <pre>{@code
 * QueueStore store = MongoQueueStores.connect(MongoSettings.of("mongodb://localhost:27017"));
 * PickupQueue queue = PickupQueue.builder().store(store).build();
 * }</pre>
 *
 * <p>Live sessions and deliveries stay in the process: several instances share queues through Redis, not
 * through this store alone. The schema, the indexes and how a take stays exactly-once are in
 * docs/mongodb.md.
 */
public final class MongoQueueStores {
  private MongoQueueStores() {}

  /**
   * Connects, checks that MongoDB answers, and creates the collections' indexes when missing.
   *
   * @throws RuntimeException when MongoDB cannot be reached within the settings' timeout (a {@code
   *     com.mongodb.MongoException})
   */
  public static QueueStore connect(MongoSettings settings) {
    return MongoQueueStore.connect(settings);
  }

  /**
   * Internal, not a stable API: the cold tier of the tiered store ({@code io.github.mpr4j.core.tiering}
   * builds on it). Connects, checks that MongoDB answers, and creates the indexes when missing.
   *
   * @param settings where the cold tier's collection is
   * @return the cold tier, in the MongoDB store's document schema
   * @throws RuntimeException when MongoDB cannot be reached within the settings' timeout
   */
  public static ColdTier coldTier(MongoSettings settings) {
    return MongoColdTier.connect(settings);
  }
}
