package io.github.mpr4j.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eatthepath.pushy.apns.server.RejectionReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.push.testing.Eventually;
import io.github.mpr4j.push.testing.MockApns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** APNs notifications over real TLS and HTTP/2, with token authentication, against Pushy's mock APNs server. */
@Timeout(120)
class ApnsNotificationsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final RetryPolicy FAST_RETRY =
      new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100), 0.2);

  @TempDir
  static Path dir;
  static MockApns apns;

  @BeforeAll
  static void startServer() throws Exception {
    apns = new MockApns(dir);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (apns != null) {
      apns.close();
    }
  }

  private static PushService.Builder service() throws Exception {
    ApnsSettings settings = ApnsSettings.fromConfigFile(apns.writeConfig(dir), apns.keyFile(), MockApns.TOPIC)
        .withServer("127.0.0.1", apns.port(), apns.caFile());
    return PushService.builder().apns(settings).retryPolicy(FAST_RETRY).title("Wallet").body("New mail");
  }

  private static PushRequest request(String connectionId, String messageId, String token) {
    return new PushRequest(connectionId, messageId, PushNotificationToken.apns(token));
  }

  @Test
  void anAlertArrivesWithTheTopicPriorityCollapseIdAndTheTypeScriptPayload() throws Exception {
    String token = apns.registerToken();
    try (PushService push = service().build()) {
      assertEquals(java.util.Set.of("apns"), push.providers());
      push.notify(request("c-alert", "m-1", token));
      MockApns.Received r = apns.nextAccepted(WAIT);
      assertNotNull(r, "the mock APNs server accepted a notification");
      assertEquals(MockApns.TOPIC, r.headers().get("apns-topic"));
      assertEquals("10", r.headers().get("apns-priority"));
      assertEquals("alert", r.headers().get("apns-push-type"));
      assertEquals("generic-new-messages", r.headers().get("apns-collapse-id"));
      assertTrue(r.headers().get(":path").endsWith("/3/device/" + token), r.headers().get(":path"));
      assertTrue(r.headers().get("authorization").startsWith("bearer "), "token authentication");
      JsonNode payload = JSON.readTree(r.payload());
      assertEquals("https://didcomm.org/push-notifications-apns", payload.get("@type").asText());
      assertEquals("m-1", payload.get("message_id").asText());
      assertEquals(1, payload.get("aps").get("content-available").asInt());
      assertEquals("Wallet", payload.get("aps").get("alert").get("title").asText());
      assertEquals("New mail", payload.get("aps").get("alert").get("body").asText());
      Eventually.holds("the send is counted", WAIT, () -> push.stats().provider("apns").sent() == 1);
      PushStats.Provider s = push.stats().provider("apns");
      assertEquals(1, s.latency().count());
      assertEquals(0, s.failedTotal());
    }
  }

  @Test
  void aDataOnlyNotificationIsABackgroundPushWithoutAlert() throws Exception {
    String token = apns.registerToken();
    try (PushService push = service().dataOnly(true).build()) {
      push.notify(request("c-silent", "m-2", token));
      MockApns.Received r = apns.nextAccepted(WAIT);
      assertNotNull(r);
      assertEquals("background", r.headers().get("apns-push-type"));
      assertEquals("5", r.headers().get("apns-priority"));
      JsonNode payload = JSON.readTree(r.payload());
      assertNull(payload.get("aps").get("alert"), r.payload());
      assertEquals(1, payload.get("aps").get("content-available").asInt());
      assertEquals("m-2", payload.get("message_id").asText());
    }
  }

  @Test
  void anUnregisteredTokenIsCountedAndNeverRetried() throws Exception {
    String token = apns.unregisteredToken();
    int before = apns.attempts();
    try (PushService push = service().build()) {
      push.notify(request("c-gone", "m-3", token));
      Eventually.holds("the failure is counted", WAIT, () -> push.stats().provider("apns").failedTotal() == 1);
      PushStats.Provider s = push.stats().provider("apns");
      assertEquals(Map.of("unregistered", 1L), s.failed());
      assertEquals(0, s.retries());
      assertEquals(0, s.sent());
      Thread.sleep(200);
      assertEquals(before + 1, apns.attempts(), "one attempt only");
    }
  }

  @Test
  void aBadDeviceTokenIsAnInvalidTokenAndNeverRetried() throws Exception {
    try (PushService push = service().build()) {
      push.notify(request("c-bad", "m-4", "00ff00ff"));
      Eventually.holds("the failure is counted", WAIT, () -> push.stats().provider("apns").failedTotal() == 1);
      assertEquals(Map.of("invalid_token", 1L), push.stats().provider("apns").failed());
      assertEquals(0, push.stats().provider("apns").retries());
    }
  }

  @Test
  void serverErrorsAreRetriedWithBackoffUntilAccepted() throws Exception {
    String token = apns.registerToken();
    try (PushService push = service().build()) {
      apns.failNext(RejectionReason.SERVICE_UNAVAILABLE, RejectionReason.INTERNAL_SERVER_ERROR,
          RejectionReason.TOO_MANY_REQUESTS);
      push.notify(request("c-retry", "m-5", token));
      MockApns.Received r = apns.nextAccepted(WAIT);
      assertNotNull(r, "accepted after the retries");
      assertEquals("m-5", JSON.readTree(r.payload()).get("message_id").asText());
      Eventually.holds("the send is counted", WAIT, () -> push.stats().provider("apns").sent() == 1);
      assertEquals(3, push.stats().provider("apns").retries());
      assertEquals(0, push.stats().provider("apns").failedTotal());
    }
  }

  @Test
  void aTransientFailureThatOutlastsTheRetriesIsCountedAsUnavailable() throws Exception {
    String token = apns.registerToken();
    try (PushService push = service().build()) {
      apns.failNext(RejectionReason.SERVICE_UNAVAILABLE, RejectionReason.SERVICE_UNAVAILABLE,
          RejectionReason.SERVICE_UNAVAILABLE, RejectionReason.SERVICE_UNAVAILABLE);
      push.notify(request("c-down", "m-6", token));
      Eventually.holds("the failure is counted", WAIT, () -> push.stats().provider("apns").failedTotal() == 1);
      assertEquals(Map.of("unavailable", 1L), push.stats().provider("apns").failed());
      assertEquals(3, push.stats().provider("apns").retries());
    }
  }

  @Test
  void aSecondNotificationForTheSameTokenWithinTheWindowIsNotSent() throws Exception {
    String token = apns.registerToken();
    try (PushService push = service().dedupWindow(Duration.ofSeconds(30)).build()) {
      push.notify(request("c-dup", "m-7", token));
      assertNotNull(apns.nextAccepted(WAIT));
      push.notify(request("c-dup", "m-8", token));
      Eventually.holds("the duplicate is counted", WAIT,
          () -> push.stats().provider("apns").deduplicated() == 1);
      Thread.sleep(200);
      assertNull(apns.nextAccepted(Duration.ofMillis(100)), "no second push");
      assertEquals(1, push.stats().provider("apns").sent());
    }
  }

  @Test
  void anotherTokenIsNotHeldBackByTheWindow() throws Exception {
    String a = apns.registerToken();
    String b = apns.registerToken();
    try (PushService push = service().dedupWindow(Duration.ofSeconds(30)).build()) {
      push.notify(request("c-a", "m-9", a));
      push.notify(request("c-b", "m-10", b));
      assertNotNull(apns.nextAccepted(WAIT));
      assertNotNull(apns.nextAccepted(WAIT));
      assertFalse(push.stats().provider("apns").deduplicated() > 0);
    }
  }
}
