package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.add;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.redis.RedisServers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebSocket clients on two instances add, take (with and without delete) and remove at random on a few
 * connections at once. At the end every added message was consumed exactly once or is still queued.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisConcurrentClientsIT {
  private static final int CLIENTS = 6;
  private static final int OPERATIONS = 200;
  private static final List<String> CONNECTIONS = List.of("c1", "c2", "c3");

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"single", "cluster"})
  void random_operations_lose_nothing_and_hand_out_nothing_twice(String type) throws Exception {
    Map<String, String> env = type.equals("single")
        ? Map.of("REDIS_URL", RedisServers.single().uri().toString())
        : Map.of("REDIS_TYPE", "cluster", "REDIS_NODES", String.join(",", RedisServers.cluster().nodes()));
    Map<String, String> redisEnv = new java.util.HashMap<>(env);
    redisEnv.put("MPR_STORE", "redis");
    long seed = System.nanoTime();
    try (MprServer a = TestServers.start(redisEnv); MprServer b = TestServers.start(redisEnv)) {
      ConcurrentLinkedQueue<String> added = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> consumed = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < CLIENTS; t++) {
        int client = t;
        Thread thread = new Thread(() -> {
          Random random = new Random(seed + client);
          try (WsTestClient c = WsTestClient.connect((client % 2 == 0 ? a : b).wsPort())) {
            for (int i = 0; i < OPERATIONS; i++) {
              String conn = CONNECTIONS.get(random.nextInt(CONNECTIONS.size()));
              int dice = random.nextInt(10);
              int limit = 1 + random.nextInt(5);
              if (dice < 5) {
                added.add(c.result("addMessage", add(conn, "did:example:r", payload(client + "-" + i)))
                    .get("messageId").asText());
              } else if (dice < 7) {
                consumed.addAll(ids(c.result("takeFromQueue", Map.of("connectionId", conn, "limit", limit,
                    "deleteMessages", true))));
              } else {
                List<String> taken = ids(c.result("takeFromQueue", Map.of("connectionId", conn, "limit", limit)));
                c.result("removeMessages", Map.of("connectionId", conn, "messageIds", taken));
                consumed.addAll(taken);
              }
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join(90_000);
      }
      assertTrue(failures.isEmpty(), "client failures: " + failures);

      List<String> all = new ArrayList<>(consumed);
      try (WsTestClient c = WsTestClient.connect(b.wsPort())) {
        for (String conn : CONNECTIONS) {
          all.addAll(ids(c.result("takeFromQueue", Map.of("connectionId", conn, "limit", 1000,
              "deleteMessages", true))));
        }
      }
      Set<String> distinct = new HashSet<>(all);
      assertEquals(all.size(), distinct.size(), "a message was handed out twice (seed " + seed + ")");
      assertEquals(new HashSet<>(added), distinct, "lost or unknown messages (seed " + seed + ")");
    }
  }
}
