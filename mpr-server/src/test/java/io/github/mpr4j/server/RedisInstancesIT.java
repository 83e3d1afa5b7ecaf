package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.addMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.core.redis.RedisServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two server instances sharing one Redis, seen from WebSocket clients. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisInstancesIT {
  private static final String CONN = "redis-conn";
  private MprServer a;
  private MprServer b;
  private Map<String, String> redisEnv;

  @TempDir
  Path dir;

  @BeforeEach
  void start() {
    redisEnv = Map.of("REDIS_URL", RedisServers.single().uri().toString(), "MPR_INSTANCE_TTL_MS", "900");
    a = TestServers.start(withRedis());
    b = TestServers.start(withRedis());
  }

  private Map<String, String> withRedis() {
    Map<String, String> env = new java.util.HashMap<>(redisEnv);
    env.put("MPR_STORE", "redis");
    return env;
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  private static void addLiveSession(WsTestClient c, String sessionId) {
    assertTrue(c.result("addLiveSession", Map.of("connectionId", CONN, "sessionId", sessionId)).booleanValue());
  }

  private static String firstId(JsonNode notification) {
    assertEquals("messagesReceived", notification.get("method").asText(), notification.toString());
    return notification.get("params").get("messages").get(0).get("id").asText();
  }

  private static boolean live(WsTestClient c) {
    return c.result("getLiveSession", Map.of("connectionId", CONN)).booleanValue();
  }

  @Test
  void a_message_added_on_one_instance_reaches_the_holder_socket_on_the_other() {
    try (WsTestClient holder = WsTestClient.connect(a.wsPort());
         WsTestClient sender = WsTestClient.connect(b.wsPort())) {
      addLiveSession(holder, "s1");

      String id = addMessage(sender, CONN, "did:example:r", "hello across instances");

      assertEquals(id, firstId(holder.nextNotification()));
    }
  }

  @Test
  void a_takeover_on_another_instance_moves_delivery_and_the_old_holder_cannot_remove_the_new_session() {
    try (WsTestClient old = WsTestClient.connect(a.wsPort());
         WsTestClient successor = WsTestClient.connect(b.wsPort());
         WsTestClient sender = WsTestClient.connect(a.wsPort())) {
      addLiveSession(old, "s-old");
      addLiveSession(successor, "s-new");

      assertFalse(old.result("removeLiveSession", Map.of("connectionId", CONN, "sessionId", "s-old")).booleanValue());
      String id = addMessage(sender, CONN, "did:example:r", "after takeover");

      assertEquals(id, firstId(successor.nextNotification()));
      assertTrue(live(sender));
    }
  }

  @Test
  void closing_the_holder_socket_ends_the_session_for_every_instance() throws Exception {
    try (WsTestClient other = WsTestClient.connect(b.wsPort())) {
      WsTestClient holder = WsTestClient.connect(a.wsPort());
      addLiveSession(holder, "s1");
      assertTrue(live(other));

      holder.close();

      awaitNotLive(other, Duration.ofSeconds(5));
    }
  }

  @Test
  void the_sessions_of_a_killed_instance_expire_within_its_heartbeat_time() throws Exception {
    int wsPort = ChildServer.freePort();
    int appPort = ChildServer.freePort();
    Map<String, String> env = new java.util.HashMap<>(withRedis());
    env.put("WS_PORT", String.valueOf(wsPort));
    env.put("APP_PORT", String.valueOf(appPort));
    Path log = dir.resolve("child.log");
    Process child = ChildServer.start(env, log);
    try (WsTestClient observer = WsTestClient.connect(b.wsPort())) {
      WsTestClient holder = ChildServer.connectWhenUp(child, wsPort, log);
      addLiveSession(holder, "s1");
      assertTrue(live(observer));

      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      long killed = System.nanoTime();

      awaitNotLive(observer, Duration.ofSeconds(10));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      assertTrue(millis < 5_000, "expired after " + millis + " ms, MPR_INSTANCE_TTL_MS is 900");
      String id = addMessage(observer, CONN, "did:example:r", "waits as pending");
      JsonNode taken = observer.result("takeFromQueue", Map.of("connectionId", CONN));
      assertEquals(id, taken.get(0).get("id").asText(), "the message waits as pending, not sent to the dead holder");
      holder.close();
    } finally {
      child.destroyForcibly();
    }
  }

  private static void awaitNotLive(WsTestClient c, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (live(c)) {
      if (System.nanoTime() > deadline) {
        fail("getLiveSession still true after " + within);
      }
      Thread.sleep(50);
    }
  }
}
