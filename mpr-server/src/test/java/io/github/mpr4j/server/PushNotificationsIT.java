package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.push.testing.MockApns;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push notifications end to end: the server, configured with the TypeScript server's APNs variables and
 * pointed at Pushy's mock APNs server over TLS, pushes once for an offline connection and never for a live
 * one.
 */
@Timeout(120)
class PushNotificationsIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration QUIET = Duration.ofMillis(700);

  @TempDir
  static Path dir;
  static MockApns apns;
  static MprServer server;

  @BeforeAll
  static void start() throws Exception {
    apns = new MockApns(dir);
    server = TestServers.start(Map.of(
        "APNS_CFG_FILE", apns.writeConfig(dir).toString(),
        "APNS_PATH_KEY", apns.keyFile().toString(),
        "APNS_TOPIC", MockApns.TOPIC,
        "MPR_APNS_SERVER", "127.0.0.1:" + apns.port(),
        "MPR_APNS_TRUSTED_CA", apns.caFile().toString(),
        "MPR_PUSH_DEDUP_WINDOW_MS", "30000",
        "MPR_PUSH_TITLE", "Wallet"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (apns != null) {
      apns.close();
    }
  }

  private static String addMessage(WsTestClient c, String connectionId, String token) {
    return c.result("addMessage", Map.of("connectionId", connectionId, "recipientDids", java.util.List.of("did:key:r"),
        "payload", Map.of("ciphertext", "x"), "pushNotificationToken", Map.of("type", "apns", "token", token)))
        .get("messageId").asText();
  }

  @Test
  void aMessageForAnOfflineConnectionTriggersExactlyOnePush() throws Exception {
    String token = apns.registerToken();
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      String id = addMessage(c, "offline-1", token);
      MockApns.Received r = apns.nextAccepted(WAIT);
      assertNotNull(r, "one push");
      JsonNode payload = WsTestClient.JSON.readTree(r.payload());
      assertEquals(id, payload.get("message_id").asText());
      assertEquals("Wallet", payload.get("aps").get("alert").get("title").asText());
      assertEquals(MockApns.TOPIC, r.headers().get("apns-topic"));
      assertNull(apns.nextAccepted(QUIET), "and only one");
      assertEquals(1, c.result("getAvailableMessageCount", Map.of("connectionId", "offline-1")).asInt(),
          "the message is stored");
    }
  }

  @Test
  void aMessageForALiveSessionTriggersNoPush() throws Exception {
    String token = apns.registerToken();
    try (WsTestClient holder = WsTestClient.connect(server.wsPort());
         WsTestClient sender = WsTestClient.connect(server.wsPort())) {
      assertTrue(holder.result("addLiveSession", Map.of("connectionId", "live-1", "sessionId", "s1")).booleanValue());
      addMessage(sender, "live-1", token);
      assertNotNull(holder.nextNotification(), "delivered live");
      assertNull(apns.nextAccepted(QUIET), "no push");
    }
  }

  @Test
  void aBurstOfOneHundredMessagesWithinTheWindowTriggersOnePush() throws Exception {
    String token = apns.registerToken();
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      for (int i = 0; i < 100; i++) {
        addMessage(c, "burst-1", token);
      }
      assertNotNull(apns.nextAccepted(WAIT), "one push");
      assertNull(apns.nextAccepted(QUIET), "only one");
      assertEquals(100, c.result("getAvailableMessageCount", Map.of("connectionId", "burst-1")).asInt());
    }
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.appPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("mpr_push_enabled{provider=\"apns\"} 1"), metrics);
    assertTrue(metrics.contains("mpr_push_enabled{provider=\"fcm\"} 0"), metrics);
    assertTrue(metrics.matches("(?s).*mpr_push_deduplicated_total\\{provider=\"apns\"} (9[9]|\\d{3,}).*"), metrics);
  }
}
