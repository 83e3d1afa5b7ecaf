package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.add;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.protocol.RpcErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis is killed (SIGKILL) and restarted while clients on two instances add messages: requests in the gap
 * fail with a retryable -32000, the servers recover by themselves, and every answered message is kept
 * (Redis writes its append-only file before it answers, as docs/operations.md advises).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisRestartIT {
  private static final int CLIENTS = 4;
  private static final long RUN_MILLIS = 5_000;
  private static final int MAX_REQUESTS_PER_CLIENT = 50_000;

  @Test
  void no_answered_message_is_lost_when_redis_restarts_under_load() throws Exception {
    try (RedisServers.Node redis = RedisServers.durableSingle()) {
      Map<String, String> env = Map.of("MPR_STORE", "redis", "REDIS_URL", redis.uri().toString(),
          "MPR_REDIS_TIMEOUT_MS", "500");
      try (MprServer a = TestServers.start(env); MprServer b = TestServers.start(env)) {
        ConcurrentLinkedQueue<String> answered = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger answeredAfterRestart = new AtomicInteger();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch restarted = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
        for (int t = 0; t < CLIENTS; t++) {
          MprServer server = t % 2 == 0 ? a : b;
          String connection = "conn-" + (t % 2);
          int client = t;
          Thread thread = new Thread(() -> {
            try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
              for (int i = 0; i < MAX_REQUESTS_PER_CLIENT && System.nanoTime() < end; i++) {
                JsonNode answer = c.call("addMessage", add(connection, "did:example:r", payload(client + "-" + i)));
                if (answer.has("result")) {
                  answered.add(answer.get("result").get("messageId").asText());
                  if (restarted.getCount() == 0) {
                    answeredAfterRestart.incrementAndGet();
                  }
                } else if (answer.get("error").get("code").intValue() == RpcErrors.OPERATION_FAILED
                    && answer.get("error").get("data").get("retryable").booleanValue()) {
                  failures.incrementAndGet();
                } else {
                  unexpected.add(answer.toString());
                }
              }
            }
          });
          threads.add(thread);
          thread.start();
        }
        Thread.sleep(1_500);
        redis.kill();
        Thread.sleep(500);
        redis.restart();
        restarted.countDown();
        for (Thread thread : threads) {
          thread.join(60_000);
        }

        assertTrue(unexpected.isEmpty(), "only retryable -32000 errors: " + unexpected);
        assertTrue(failures.get() > 0, "some requests fell into the outage");
        assertTrue(answeredAfterRestart.get() > 0, "the servers recovered by themselves");
        Set<String> kept = new HashSet<>();
        try (WsTestClient c = WsTestClient.connect(a.wsPort())) {
          for (String connection : List.of("conn-0", "conn-1")) {
            kept.addAll(ids(c.result("takeFromQueue", Map.of("connectionId", connection, "limit", 1000,
                "deleteMessages", false))));
            int more = c.result("getAvailableMessageCount", Map.of("connectionId", connection)).intValue();
            while (more > 0) {
              List<String> page = ids(c.result("takeFromQueue", Map.of("connectionId", connection, "limit", 1000)));
              kept.addAll(page);
              more = page.isEmpty() ? 0 : c.result("getAvailableMessageCount", Map.of("connectionId", connection))
                  .intValue();
            }
          }
        }
        List<String> lost = answered.stream().filter(id -> !kept.contains(id)).toList();
        assertEquals(List.of(), lost, "answered but lost (of " + answered.size() + " answered)");
      }
    }
  }
}
