package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.addMessage;
import static io.github.mpr4j.server.Wire.count;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.github.mpr4j.core.mongo.MongoServers;
import io.github.mpr4j.core.redis.RedisServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The tiered store's server killed (SIGKILL) by the test between the mover's copy to MongoDB and its commit
 * in Redis: MongoDB is reached through a relay that holds back the answer to the mover's insert, so the
 * shadow copies are written and the commit never comes. The restarted server (the dead one's lease still
 * running) serves the queue from Redis, so the shadows outlive their messages; later messages that move,
 * and younger ones that stay in Redis, must still come back in the order they were added.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TieredKillBetweenCopyAndCommitIT {
  private static final String CONN = "kill-mid-move";
  private static final String DID = "did:key:z6Mk";

  @TempDir
  Path dir;

  private final RedisServers.Node redis = RedisServers.single(); // flushed
  private final String database = MongoServers.newDatabase();

  private Map<String, String> env(String mongoUri, int wsPort, int appPort) {
    Map<String, String> env = new HashMap<>();
    env.put("MPR_STORE", "tiered");
    env.put("REDIS_URL", redis.uri().toString());
    env.put("MONGODB_URI", mongoUri);
    env.put("MPR_MONGO_DATABASE", database);
    env.put("MPR_MONGO_TIMEOUT_MS", "60000"); // the held insert waits until the kill
    env.put("THRESHOLD_TIMESTAMP", "1000");
    env.put("MPR_TIER_LEASE_MS", "20000");
    env.put("WS_PORT", String.valueOf(wsPort));
    env.put("APP_PORT", String.valueOf(appPort));
    return env;
  }

  @Test
  void messages_added_after_the_restart_come_back_in_order_past_the_dead_movers_shadows() throws Exception {
    int wsPort = ChildServer.freePort();
    int appPort = ChildServer.freePort();
    try (MongoClient mongo = MongoClients.create(MongoServers.shared().connectionString());
        MongoReplyHolder holder = new MongoReplyHolder(MongoServers.shared().port(), "tier_messages")) {
      MongoCollection<Document> cold = mongo.getDatabase(database).getCollection("tier_messages");
      Document shadows = new Document("c", CONN).append("t", new Document("$exists", true));

      List<String> first = new ArrayList<>();
      Path firstLog = dir.resolve("first.log");
      Process dying = ChildServer.start(env(holder.connectionString(), wsPort, appPort), firstLog);
      try {
        ChildServer.awaitReady(dying, appPort, firstLog);
        holder.arm(); // the mover's first copy is the first insert
        try (WsTestClient c = WsTestClient.connect(wsPort)) {
          for (int i = 0; i < 20; i++) {
            first.add(addMessage(c, CONN, DID, "a" + i));
          }
          assertEquals(20, count(c, CONN), "a mediator looks");
        }
        await("the mover copies messages older than the threshold (its insert is not answered)",
            () -> cold.countDocuments(shadows) > 0);
        dying.destroyForcibly(); // SIGKILL: the copy is done, the commit never runs
        assertTrue(dying.waitFor(30, TimeUnit.SECONDS), "the killed server did not exit");
      } finally {
        dying.destroyForcibly();
      }

      Path secondLog = dir.resolve("second.log");
      Process restarted = ChildServer.start(env(MongoServers.shared().connectionString(), wsPort, appPort), secondLog);
      try {
        ChildServer.awaitReady(restarted, appPort, secondLog);
        try (WsTestClient c = WsTestClient.connect(wsPort)) {
          long copied = cold.countDocuments(shadows);
          assertEquals(first, drain(c, 7), "the messages of the interrupted move, from Redis, in order");
          assertEquals(copied, cold.countDocuments(shadows), "the dead mover's shadows outlive their messages");

          List<String> expected = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            expected.add(addMessage(c, CONN, DID, "b" + i));
          }
          // once the dead mover's lease has expired, the new one moves them to MongoDB
          await("the restarted server's mover moves the later messages", () -> hotCount() == 0);
          for (int i = 0; i < 5; i++) {
            expected.add(addMessage(c, CONN, DID, "c" + i)); // younger than the threshold: they stay in Redis
          }
          assertEquals(15, count(c, CONN));
          // takes no larger than the shadows ahead of the queue: the first reads of MongoDB hold only those
          assertEquals(expected, drain(c, (int) Math.min(7, copied)),
              "every message once, in the order added, whichever tier holds it");
        }
      } finally {
        restarted.destroyForcibly();
        restarted.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private long hotCount() {
    try (Jedis j = redis.jedis()) {
      return j.hlen("mpr:{" + CONN + "}:m");
    }
  }

  /** Takes the queue with delete, {@code limit} at a time, bounded in rounds. */
  private static List<String> drain(WsTestClient c, int limit) {
    List<String> out = new ArrayList<>();
    for (int round = 0; round < 100; round++) {
      List<String> batch = ids(c.result("takeFromQueue", take(CONN, "limit", limit, "deleteMessages", true)));
      if (batch.isEmpty()) {
        return out;
      }
      out.addAll(batch);
    }
    throw new AssertionError("the queue did not drain in 100 takes");
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 60 s: " + what);
      Thread.sleep(50);
    }
  }
}
