package io.github.mpr4j.core.tiering;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.github.mpr4j.core.mongo.MongoServers;
import io.github.mpr4j.core.mongo.MongoSettings;
import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.core.redis.RedisSettings;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import redis.clients.jedis.Jedis;

/**
 * Tiered stores whose mover runs only when a test says so ({@link Mover#runOnce}), each on its own Redis
 * backend (as separate instances are), sharing one Redis node and one MongoDB database.
 */
final class TierFixture implements AutoCloseable {
  static final String ALICE = "did:example:alice";
  private final List<AutoCloseable> open = new ArrayList<>();
  private final MongoSettings mongo;
  final RedisServers.Node redisNode;
  private MongoClient mongoClient;

  TierFixture() {
    this(MongoServers.settings());
  }

  TierFixture(MongoSettings mongo) {
    this.redisNode = RedisServers.single();
    this.mongo = mongo;
  }

  /** Threshold 1 s, lease 300 ms: a test moves with {@code runOnce(now)} where now is past the threshold. */
  TieringSettings settings(boolean writeThrough) {
    return TieringSettings.of(mongo).withThreshold(Duration.ofSeconds(1)).withMoveInterval(Duration.ofMillis(50))
        .withLeaseTtl(Duration.ofMillis(300)).withMoveBatch(10).withWriteThrough(writeThrough);
  }

  /** A store (an instance) with a mover that does not run by itself. */
  TieredQueueStore store(TieringSettings settings, Mover.Hooks hooks) {
    RedisBackend backend = RedisBackend.connect(RedisSettings.single(redisNode.uri()).withTimeout(Duration.ofSeconds(1)));
    TieredQueueStore store = TieredQueueStore.open(backend, settings, hooks, false);
    open.add(backend);
    open.add(0, store);
    return store;
  }

  TieredQueueStore store(boolean writeThrough) {
    return store(settings(writeThrough), Mover.Hooks.NONE);
  }

  static StoredMessage message(String connectionId, String id, long receivedAt) {
    return new StoredMessage(id, connectionId, List.of(ALICE), receivedAt,
        EncryptedMessage.ofJson("{\"ciphertext\":\"" + id + "\"}"), 0);
  }

  /** Takes everything of a connection with delete, in rounds of 7, bounded. */
  static List<String> drain(TieredQueueStore store, String connectionId, long now) {
    List<String> out = new ArrayList<>();
    for (int round = 0; round < 10_000; round++) {
      List<StoredMessage> batch = store.take(new TakeRequest(connectionId, null, 7, Long.MAX_VALUE, true, now,
          now + 30_000));
      if (batch.isEmpty()) {
        return out;
      }
      batch.forEach(m -> out.add(m.id()));
    }
    throw new AssertionError("did not drain in 10,000 rounds");
  }

  /** Messages still in Redis for a connection. */
  long hotCount(String connectionId) {
    try (Jedis j = redisNode.jedis()) {
      return j.hlen("mpr:{" + connectionId + "}:m");
    }
  }

  /**
   * Documents in the cold tier for a connection, and those of them still marked shadow ({@code t}) or backup
   * ({@code b}): read straight from MongoDB, by the field names on disk.
   */
  long coldCount(TieredQueueStore store, String connectionId) {
    return coldCount(new Document("c", connectionId));
  }

  long unfinishedColdCount(TieredQueueStore store) {
    return coldCount(new Document("$or", List.of(
        new Document("t", new Document("$exists", true)),
        new Document("b", new Document("$exists", true)))));
  }

  private synchronized long coldCount(Document filter) {
    if (mongoClient == null) {
      mongoClient = MongoClients.create(mongo.clientSettings());
      open.add(mongoClient);
    }
    return mongoClient.getDatabase(mongo.database()).getCollection(mongo.collectionPrefix() + "tier_messages")
        .countDocuments(filter);
  }

  /** Simulates the expiry of the mover's lease (its owner paused or died). */
  void expireLease() {
    try (Jedis j = redisNode.jedis()) {
      j.del("mpr:{tier}:lease");
    }
  }

  /** Runs the mover until a round moves nothing, bounded in rounds. */
  static long moveAll(TieredQueueStore store, long now) {
    long total = 0;
    for (int round = 0; round < 1_000; round++) {
      int moved = store.mover().runOnce(now);
      if (moved == 0) {
        return total;
      }
      total += moved;
    }
    throw new AssertionError("the mover did not finish in 1,000 rounds");
  }

  static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
