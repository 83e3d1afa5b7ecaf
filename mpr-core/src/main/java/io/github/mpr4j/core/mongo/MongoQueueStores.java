package io.github.mpr4j.core.mongo;

import io.github.mpr4j.core.spi.QueueStore;

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
}
