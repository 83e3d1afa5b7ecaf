package io.github.mpr4j.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.push.testing.Eventually;
import io.github.mpr4j.push.testing.MockFcm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * FCM notifications through the real firebase-admin SDK, its OAuth token fetched from and its messages sent
 * to a local server that answers as Google's endpoints do.
 */
@Timeout(120)
class FcmNotificationsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  MockFcm fcm;

  @BeforeEach
  void start() throws Exception {
    fcm = new MockFcm();
  }

  @AfterEach
  void stop() {
    fcm.close();
  }

  private PushService.Builder service() throws Exception {
    FcmSettings settings = FcmSettings.of(fcm.writeServiceAccount(dir)).withEndpoint(fcm.endpoint());
    return PushService.builder().fcm(settings).title("Wallet").body("New mail")
        .retryPolicy(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100), 0.2));
  }

  private static PushRequest request(String messageId, String token) {
    return new PushRequest("c-" + token, messageId, PushNotificationToken.fcm(token));
  }

  @Test
  void aMessageIsSentWithTheServiceAccountsTokenInTheTypeScriptShape() throws Exception {
    try (PushService push = service().build()) {
      push.notify(request("m-1", "fcm-token-1"));
      MockFcm.Request r = fcm.nextSend(WAIT);
      assertNotNull(r, "the FCM endpoint got a request");
      assertEquals("/v1/projects/" + MockFcm.PROJECT + "/messages:send", r.path());
      assertEquals("Bearer " + MockFcm.ACCESS_TOKEN, r.authorization());
      JsonNode m = JSON.readTree(r.body()).get("message");
      assertEquals("fcm-token-1", m.get("token").asText());
      assertEquals("https://didcomm.org/push-notifications-fcm", m.get("data").get("@type").asText());
      assertEquals("m-1", m.get("data").get("message_id").asText());
      assertEquals("Wallet", m.get("notification").get("title").asText());
      assertEquals("New mail", m.get("notification").get("body").asText());
      assertEquals("generic-new-messages", m.get("android").get("collapse_key").asText());
      assertEquals("high", m.get("android").get("priority").asText());
      assertEquals("generic-new-messages", m.get("android").get("notification").get("tag").asText());
      assertEquals("10", m.get("apns").get("headers").get("apns-priority").asText());
      assertEquals(1, m.get("apns").get("payload").get("aps").get("content-available").asInt());
      Eventually.holds("the send is counted", WAIT, () -> push.stats().provider("fcm").sent() == 1);
      assertEquals(1, fcm.tokenRequests(), "one OAuth token for the send");
    }
  }

  @Test
  void aDataOnlyMessageHasNoNotificationPart() throws Exception {
    try (PushService push = service().dataOnly(true).build()) {
      push.notify(request("m-2", "fcm-token-2"));
      MockFcm.Request r = fcm.nextSend(WAIT);
      assertNotNull(r);
      JsonNode m = JSON.readTree(r.body()).get("message");
      assertNull(m.get("notification"), r.body());
      assertNull(m.get("android").get("notification"), r.body());
      assertNull(m.get("apns").get("payload").get("aps").get("alert"), r.body());
      assertEquals("m-2", m.get("data").get("message_id").asText());
      assertEquals("high", m.get("android").get("priority").asText());
    }
  }

  @Test
  void anUnregisteredTokenIsCountedAndNeverRetried() throws Exception {
    fcm.answerNext(MockFcm.unregistered());
    try (PushService push = service().build()) {
      push.notify(request("m-3", "fcm-gone"));
      Eventually.holds("the failure is counted", WAIT, () -> push.stats().provider("fcm").failedTotal() == 1);
      assertEquals(Map.of("unregistered", 1L), push.stats().provider("fcm").failed());
      assertEquals(0, push.stats().provider("fcm").retries());
      Thread.sleep(200);
      assertEquals(1, fcm.sendRequests(), "one request only");
    }
  }

  @Test
  void rateLimitingAndUnavailabilityAreRetriedUntilSent() throws Exception {
    fcm.answerNext(MockFcm.error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"),
        MockFcm.error(503, "UNAVAILABLE", "UNAVAILABLE"));
    try (PushService push = service().build()) {
      push.notify(request("m-4", "fcm-busy"));
      Eventually.holds("the send is counted", WAIT, () -> push.stats().provider("fcm").sent() == 1);
      assertEquals(3, fcm.sendRequests(), "429, 503, then 200");
      PushStats.Provider s = push.stats().provider("fcm");
      assertEquals(1, s.retries(), "the lane retried the 429; the SDK itself retried the 503");
      assertEquals(0, s.failedTotal());
    }
  }

  @Test
  void aMissingServiceAccountFileLeavesFcmOffAndDropsItsPushes() throws Exception {
    try (PushService push = PushService.builder().fcm(FcmSettings.of(dir.resolve("absent.json"))).build()) {
      assertTrue(push.providers().isEmpty());
      assertTrue(push.unavailable().get("fcm").contains("absent.json"), push.unavailable().toString());
      push.notify(request("m-5", "fcm-none"));
      assertEquals(Map.of("provider_off", 1L), push.stats().provider("fcm").dropped());
      assertFalse(push.stats().provider("fcm").enabled());
    }
    assertEquals(0, fcm.sendRequests());
  }
}
