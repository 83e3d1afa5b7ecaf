package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.redis.RedisServers;
import io.github.mpr4j.push.testing.MockApns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push notifications with two instances on Redis: a recipient live on one instance gets no push for a
 * message added through the other, gets one once its session ends, and a burst spread over both instances
 * wakes it once per window.
 */
@Timeout(120)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisPushNotificationsIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration QUIET = Duration.ofMillis(700);

  @TempDir
  static Path dir;
  static MockApns apns;
  static MprServer a;
  static MprServer b;

  @BeforeAll
  static void start() throws Exception {
    apns = new MockApns(dir);
    Map<String, String> env = new HashMap<>(Map.of(
        "APNS_CFG_FILE", apns.writeConfig(dir).toString(),
        "APNS_PATH_KEY", apns.keyFile().toString(),
        "APNS_TOPIC", MockApns.TOPIC,
        "MPR_APNS_SERVER", "127.0.0.1:" + apns.port(),
        "MPR_APNS_TRUSTED_CA", apns.caFile().toString(),
        "MPR_PUSH_DEDUP_WINDOW_MS", "30000"));
    env.put("MPR_STORE", "redis");
    env.put("REDIS_URL", RedisServers.single().uri().toString());
    a = TestServers.start(env);
    b = TestServers.start(env);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {a, b, apns}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static void addMessage(WsTestClient c, String connectionId, String token) {
    c.result("addMessage", Map.of("connectionId", connectionId, "recipientDids", List.of("did:key:r"),
        "payload", Map.of("ciphertext", "x"), "pushNotificationToken", Map.of("type", "apns", "token", token)));
  }

  @Test
  void a_recipient_live_on_the_other_instance_gets_no_push_and_gets_one_once_its_session_ends() throws Exception {
    String token = apns.registerToken();
    try (WsTestClient sender = WsTestClient.connect(b.wsPort())) {
      WsTestClient holder = WsTestClient.connect(a.wsPort());
      assertTrue(holder.result("addLiveSession", Map.of("connectionId", "live-1", "sessionId", "s1")).booleanValue());

      addMessage(sender, "live-1", token);
      assertNotNull(holder.nextNotification(), "delivered live on instance A");
      assertNull(apns.nextAccepted(QUIET), "no push while the recipient is live anywhere");

      holder.close();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (sender.result("getLiveSession", Map.of("connectionId", "live-1")).booleanValue()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      addMessage(sender, "live-1", token);
      assertNotNull(apns.nextAccepted(WAIT), "one push once offline everywhere");
      assertNull(apns.nextAccepted(QUIET), "and only one");
    }
  }

  @Test
  void a_burst_through_both_instances_within_the_window_triggers_one_push() throws Exception {
    String token = apns.registerToken();
    try (WsTestClient onA = WsTestClient.connect(a.wsPort()); WsTestClient onB = WsTestClient.connect(b.wsPort())) {
      for (int i = 0; i < 50; i++) {
        addMessage(onA, "burst-1", token);
        addMessage(onB, "burst-1", token);
      }
      assertNotNull(apns.nextAccepted(WAIT), "one push");
      assertNull(apns.nextAccepted(QUIET), "only one, across both instances");
      assertEquals(100, onA.result("getAvailableMessageCount", Map.of("connectionId", "burst-1")).asInt());
    }
  }
}
