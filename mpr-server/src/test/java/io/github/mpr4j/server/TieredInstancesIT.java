package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.addMessage;
import static io.github.mpr4j.server.Wire.count;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.github.mpr4j.core.mongo.MongoServers;
import io.github.mpr4j.core.redis.RedisServers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Two server instances on Redis in front of MongoDB (REDIS_URL and MONGODB_URI together), a threshold of
 * 100 ms: messages added through one instance move to MongoDB and are taken through the other, in order,
 * once each, with write-through on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TieredInstancesIT {
  private final String database = MongoServers.newDatabase();
  /** The shared node, flushed once here (RedisServers.single() flushes it on every call). */
  private final RedisServers.Node redis = RedisServers.single();

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("MPR_STORE", "");
    env.put("REDIS_URL", redis.uri().toString());
    env.put("MONGODB_URI", MongoServers.shared().connectionString());
    env.put("MPR_MONGO_DATABASE", database);
    env.put("THRESHOLD_TIMESTAMP", "100");
    env.put("MPR_TIER_INTERVAL_MS", "20");
    env.put("MPR_TIER_LEASE_MS", "1000");
    env.put("MPR_MONGO_WRITE_THROUGH", "true");
    return env;
  }

  private long movedDocuments() {
    try (MongoClient c = MongoClients.create(MongoServers.shared().connectionString())) {
      return c.getDatabase(database).getCollection("tier_messages").countDocuments(new Document("b",
          new Document("$exists", false)));
    }
  }

  private long hot(String connectionId) {
    try (Jedis j = redis.jedis()) {
      return j.hlen("mpr:{" + connectionId + "}:m");
    }
  }

  @Test
  void messages_added_on_one_instance_move_to_mongodb_and_are_taken_on_the_other_in_order() throws Exception {
    Map<String, String> env = env();
    try (MprServer a = TestServers.start(env);
        MprServer b = TestServers.start(env);
        WsTestClient onA = WsTestClient.connect(a.wsPort());
        WsTestClient onB = WsTestClient.connect(b.wsPort())) {
      List<String> added = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        added.add(addMessage(i % 2 == 0 ? onA : onB, "tiered-conn", "did:key:a", "m" + i));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (hot("tiered-conn") > 0 || movedDocuments() < 30) {
        assertTrue(System.nanoTime() < deadline, "the messages did not move within 20 s");
        Thread.sleep(20);
      }
      assertEquals(30, count(onB, "tiered-conn"));
      String late = addMessage(onA, "tiered-conn", "did:key:a", "late");
      added.add(late);

      List<String> taken = new ArrayList<>(ids(onB.result("takeFromQueue", take("tiered-conn", "limit", 20,
          "deleteMessages", true))));
      taken.addAll(ids(onA.result("takeFromQueue", take("tiered-conn", "limit", 100, "deleteMessages", true))));

      assertEquals(added, taken, "every message once, in the order added, across both tiers and instances");
      assertEquals(0, count(onA, "tiered-conn"));
    }
  }
}
