package io.github.mpr4j.server;

import static io.github.mpr4j.server.ServerConfig.MPR_MONGO_THREADS;
import static io.github.mpr4j.server.ServerConfig.MPR_MONGO_WRITE_THROUGH;
import static io.github.mpr4j.server.ServerConfig.MPR_TIER_BATCH;
import static io.github.mpr4j.server.ServerConfig.MPR_TIER_INTERVAL_MS;
import static io.github.mpr4j.server.ServerConfig.MPR_TIER_LEASE_MS;
import static io.github.mpr4j.server.ServerConfig.THRESHOLD_TIMESTAMP;

import io.github.mpr4j.core.mongo.MongoSettings;
import io.github.mpr4j.core.tiering.TieringSettings;
import java.time.Duration;

/** Reads how MongoDB is used behind Redis: {@code THRESHOLD_TIMESTAMP}, {@code MPR_MONGO_WRITE_THROUGH}, {@code MPR_MONGO_THREADS}, {@code MPR_TIER_*}. */
final class TieringConfigReader {
  private TieringConfigReader() {}

  /**
   * The tiering settings (read and checked even when unused), or null without MongoDB. THRESHOLD_TIMESTAMP
   * is, as in the TypeScript server, the age in milliseconds after which a message moves to MongoDB.
   */
  static TieringSettings read(Env e, MongoSettings mongo) {
    int threshold = e.integer(THRESHOLD_TIMESTAMP, 60_000, 0);
    boolean writeThrough = e.bool(MPR_MONGO_WRITE_THROUGH, false);
    int threads = e.integer(MPR_MONGO_THREADS, TieringSettings.DEFAULT_COLD_THREADS, 1);
    int batch = e.integer(MPR_TIER_BATCH, TieringSettings.DEFAULT_MOVE_BATCH, 1);
    if (batch > 10_000) {
      throw new ConfigurationException(MPR_TIER_BATCH, "must be at most 10000, not " + batch);
    }
    int interval = e.integer(MPR_TIER_INTERVAL_MS, (int) TieringSettings.DEFAULT_MOVE_INTERVAL.toMillis(), 1);
    int lease = e.integer(MPR_TIER_LEASE_MS, (int) TieringSettings.DEFAULT_LEASE_TTL.toMillis(), 100);
    if (lease < 3L * interval) {
      throw new ConfigurationException(MPR_TIER_LEASE_MS, "must be at least three times " + MPR_TIER_INTERVAL_MS
          + " (" + interval + "), not " + lease);
    }
    if (mongo == null) {
      return null;
    }
    return new TieringSettings(mongo, Duration.ofMillis(threshold), writeThrough, batch, Duration.ofMillis(interval),
        Duration.ofMillis(lease), threads);
  }
}
