package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.core.redis.RedisServers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A user with two browsers on two instances that share a Redis Cluster: a POST to the user on either
 * instance reaches both browsers, and a browser that left gets it when it comes back on the other instance.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackUserRedisIT {
  private static final Map<String, String> KEY = Map.of("Authorization", "Bearer backend-key");

  private static MprServer instance(TokenBackend backend) {
    Map<String, String> env = new HashMap<>();
    env.put("WS_PORT", "0");
    env.put("APP_PORT", "0");
    env.put("MPR_BIND_ADDRESS", "127.0.0.1");
    env.put("REDIS_NODES", String.join(",", RedisServers.cluster().nodes()));
    env.put("MPR_SHUTDOWN_GRACE_MS", "1000");
    env.put("MPR_CALLBACK_AUTH_URL", backend.url());
    env.put("MPR_CALLBACK_KEYS", "backend-key");
    return MprServer.create(ServerConfig.fromEnvironment(env)).start();
  }

  @Test
  void a_post_to_a_user_on_one_instance_reaches_its_browsers_on_both() throws Exception {
    String user = "user-" + Long.toHexString(System.nanoTime());
    try (TokenBackend backend = TokenBackend.start(); MprServer a = instance(backend); MprServer b = instance(backend)) {
      String secondId;
      try (CallbackBrowser onA = CallbackBrowser.open(a, "?token=" + user, Map.of());
          CallbackBrowser onB = CallbackBrowser.open(b, "?token=" + user, Map.of())) {
        secondId = onB.clientId;
        HttpResponse<String> r = CallbackBrowser.post(a, "user/" + user.substring(5), "{\"n\":1}", KEY);
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(2, WsTestClient.parse(r.body()).get("live").asInt(), r.body());
        assertEquals(1, onA.next().get("data").get("n").asInt());
        assertEquals(1, onB.next().get("data").get("n").asInt());
      }
      // both browsers gone: the notification waits for each, and the second comes back on instance A
      assertEquals(true, CallbackBrowser.eventually(Duration.ofSeconds(10), () -> {
        try {
          JsonNode answer = WsTestClient.parse(CallbackBrowser.post(b, "user/" + user.substring(5), "{\"n\":2}", KEY)
              .body());
          return answer.path("pending").asInt() == 2;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }), "a POST to the user on B is pending for both browsers once they left");
      try (CallbackBrowser back = CallbackBrowser.open(a, "?clientId=" + secondId + "&token=" + user, Map.of())) {
        assertEquals(secondId, back.clientId);
        int last = 0;
        for (int i = 0; i < 10 && last != 2; i++) {
          last = back.next().get("data").get("n").asInt(); // the unacknowledged n=1, then one or more n=2
        }
        assertEquals(2, last);
      }
    }
  }
}
