package io.github.mpr4j.core.tiering;

import io.github.mpr4j.core.mongo.MongoSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * How the tiered store uses MongoDB behind Redis. Immutable; start from {@link #of(MongoSettings)} and
 * change settings with the {@code with...} methods.
 *
 * @param mongo how to reach MongoDB (the cold tier)
 * @param threshold the age (since receivedAt) after which a message moves from Redis to MongoDB
 *     ({@code THRESHOLD_TIMESTAMP}, in milliseconds, as in the TypeScript server)
 * @param writeThrough every message is written to MongoDB before addMessage is answered, so losing Redis
 *     loses no answered message
 * @param moveBatch the most messages the mover moves from one connection in one step
 * @param moveInterval the pause between two rounds of the mover
 * @param leaseTtl how long the mover's lease lasts without renewal: when the instance holding it dies,
 *     another one moves messages after about this time
 * @param coldThreads threads that run MongoDB calls of requests (the MongoDB driver blocks)
 */
public record TieringSettings(MongoSettings mongo, Duration threshold, boolean writeThrough, int moveBatch,
    Duration moveInterval, Duration leaseTtl, int coldThreads) {

  /** The default threshold: 60 s, as THRESHOLD_TIMESTAMP's default in the TypeScript server. */
  public static final Duration DEFAULT_THRESHOLD = Duration.ofSeconds(60);
  /** The default batch of the mover. */
  public static final int DEFAULT_MOVE_BATCH = 500;
  /** The default pause between rounds of the mover. */
  public static final Duration DEFAULT_MOVE_INTERVAL = Duration.ofSeconds(1);
  /** The default lease time to live. */
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);
  /** The default threads for MongoDB calls. */
  public static final int DEFAULT_COLD_THREADS = 32;

  public TieringSettings {
    Objects.requireNonNull(mongo, "mongo");
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative()) {
      throw new IllegalArgumentException("threshold must not be negative");
    }
    if (moveBatch < 1 || moveBatch > 10_000) {
      throw new IllegalArgumentException("moveBatch must be from 1 to 10000");
    }
    Objects.requireNonNull(moveInterval, "moveInterval");
    if (moveInterval.toMillis() < 1) {
      throw new IllegalArgumentException("moveInterval must be at least 1 ms");
    }
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    if (leaseTtl.toMillis() < 3 * moveInterval.toMillis() || leaseTtl.toMillis() < 100) {
      throw new IllegalArgumentException("leaseTtl must be at least 100 ms and three times moveInterval");
    }
    if (coldThreads < 1) {
      throw new IllegalArgumentException("coldThreads must be at least 1");
    }
  }

  /** MongoDB behind Redis with the default settings (no write-through). */
  public static TieringSettings of(MongoSettings mongo) {
    return new TieringSettings(mongo, DEFAULT_THRESHOLD, false, DEFAULT_MOVE_BATCH, DEFAULT_MOVE_INTERVAL,
        DEFAULT_LEASE_TTL, DEFAULT_COLD_THREADS);
  }

  public TieringSettings withThreshold(Duration d) {
    return new TieringSettings(mongo, d, writeThrough, moveBatch, moveInterval, leaseTtl, coldThreads);
  }

  public TieringSettings withWriteThrough(boolean on) {
    return new TieringSettings(mongo, threshold, on, moveBatch, moveInterval, leaseTtl, coldThreads);
  }

  public TieringSettings withMoveBatch(int n) {
    return new TieringSettings(mongo, threshold, writeThrough, n, moveInterval, leaseTtl, coldThreads);
  }

  public TieringSettings withMoveInterval(Duration d) {
    return new TieringSettings(mongo, threshold, writeThrough, moveBatch, d, leaseTtl, coldThreads);
  }

  public TieringSettings withLeaseTtl(Duration d) {
    return new TieringSettings(mongo, threshold, writeThrough, moveBatch, moveInterval, d, coldThreads);
  }

  public TieringSettings withColdThreads(int n) {
    return new TieringSettings(mongo, threshold, writeThrough, moveBatch, moveInterval, leaseTtl, n);
  }

  /** For logs, without credentials. */
  public String describe() {
    return mongo.describe() + " threshold=" + threshold.toMillis() + "ms" + (writeThrough ? " write-through" : "");
  }

  @Override
  public String toString() {
    return describe();
  }
}
