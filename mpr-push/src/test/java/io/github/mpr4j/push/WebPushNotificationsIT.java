package io.github.mpr4j.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.push.testing.Eventually;
import io.github.mpr4j.push.testing.MockWebPush;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web Push through the push service's lanes to a stand-in push service over HTTPS on loopback, which checks
 * the VAPID JWT and decrypts each payload with the subscription's private key, as a browser does.
 */
@Timeout(120)
class WebPushNotificationsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String[] KEYS = WebPushSettings.generateKeys();

  @TempDir
  Path dir;
  MockWebPush service;
  final LinkedBlockingQueue<PushRequest> gone = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    service = MockWebPush.start(dir, KEYS[0]);
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private WebPushSettings settings(String publicKey) {
    return new WebPushSettings(publicKey, KEYS[1], "mailto:ops@example.com", Duration.ofMinutes(5), "high",
        List.of("127.0.0.1"), service.caFile(), 8, Duration.ofSeconds(5));
  }

  private PushService.Builder push(Duration dedupWindow) {
    return PushService.builder().webPush(settings(KEYS[0])).title("Done").body("Your report is ready")
        .dedupWindow(dedupWindow).onUnregistered(gone::add)
        .retryPolicy(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100), 0.2));
  }

  private static PushRequest request(String messageId, MockWebPush.Subscription s) {
    return new PushRequest("callback:c-" + s.id(), messageId, new PushNotificationToken(PushService.WEBPUSH, s.json()));
  }

  @Test
  void a_push_carries_a_valid_vapid_jwt_and_decrypts_intact_with_the_subscriptions_key() throws Exception {
    try (PushService push = push(Duration.ofSeconds(5)).build()) {
      MockWebPush.Subscription s = service.subscribe();
      push.notify(request("m-1", s));
      MockWebPush.Push p = service.next(WAIT);
      assertNotNull(p, "refused: " + service.nextRefusal(Duration.ZERO));
      JsonNode payload = JSON.readTree(p.payload());
      assertEquals("Done", payload.get("title").asText());
      assertEquals("Your report is ready", payload.get("body").asText());
      assertEquals("300", p.ttl());
      assertEquals("high", p.urgency());
      assertEquals("mailto:ops@example.com", p.subject());
      Eventually.holds("the send is counted", WAIT, () -> push.stats().provider("webpush").sent() == 1);
    }
  }

  @Test
  void pushes_to_one_subscription_are_deduplicated_within_the_window_and_not_across_subscriptions() throws Exception {
    try (PushService push = push(Duration.ofSeconds(30)).build()) {
      MockWebPush.Subscription a = service.subscribe();
      MockWebPush.Subscription b = service.subscribe();
      push.notify(request("m-1", a));
      assertNotNull(service.next(WAIT));
      push.notify(request("m-2", a));
      push.notify(request("m-3", b));
      MockWebPush.Push p = service.next(WAIT);
      assertEquals(b.id(), p.subscriptionId());
      assertNull(service.next(Duration.ofMillis(500)), "a's second push fell in its window");
    }
  }

  @Test
  void a_failing_push_service_is_retried_with_backoff() throws Exception {
    try (PushService push = push(Duration.ZERO).build()) {
      MockWebPush.Subscription s = service.subscribe();
      service.script(s, 500, 429);
      push.notify(request("m-1", s));
      assertNotNull(service.next(WAIT), "the third attempt went through");
      Eventually.holds("two retries counted", WAIT, () -> push.stats().provider("webpush").retries() == 2);
    }
  }

  @Test
  void a_subscription_answered_404_or_410_is_reported_gone_and_not_retried() throws Exception {
    try (PushService push = push(Duration.ZERO).build()) {
      MockWebPush.Subscription a = service.subscribe();
      MockWebPush.Subscription b = service.subscribe();
      service.script(a, 410);
      service.script(b, 404);
      push.notify(request("m-1", a));
      push.notify(request("m-2", b));
      PushRequest first = gone.poll(20, TimeUnit.SECONDS);
      PushRequest second = gone.poll(20, TimeUnit.SECONDS);
      assertNotNull(first);
      assertNotNull(second);
      assertEquals(0, push.stats().provider("webpush").retries());
    }
  }

  @Test
  void a_push_signed_with_another_key_is_refused_by_the_stand_in() throws Exception {
    String[] other = WebPushSettings.generateKeys();
    try (PushService push = PushService.builder().webPush(new WebPushSettings(other[0], other[1], "mailto:x@example.com",
        Duration.ZERO, "normal", List.of("127.0.0.1"), service.caFile(), 8, Duration.ofSeconds(5)))
        .retryPolicy(RetryPolicy.none()).build()) {
      push.notify(request("m-1", service.subscribe()));
      String why = service.nextRefusal(WAIT);
      assertNotNull(why);
      assertTrue(why.startsWith("jwt"), why);
    }
  }

  @Test
  void an_endpoint_on_a_host_not_allowed_is_never_contacted() throws Exception {
    try (PushService push = PushService.builder().webPush(new WebPushSettings(KEYS[0], KEYS[1], "mailto:x@example.com",
        Duration.ZERO, "normal", List.of("push.example.net"), service.caFile(), 8, Duration.ofSeconds(5))).build()) {
      push.notify(request("m-1", service.subscribe()));
      Eventually.holds("the push is rejected", WAIT, () -> push.stats().provider("webpush").failedTotal() == 1);
      assertNull(service.next(Duration.ofMillis(300)));
    }
  }

  @Test
  void settings_refuse_keys_that_are_not_a_pair_and_bad_values() {
    String[] other = WebPushSettings.generateKeys();
    assertThrows(IllegalArgumentException.class, () -> new WebPushSettings(KEYS[0], other[1], "mailto:x@example.com",
        Duration.ZERO, "normal", List.of("h"), null, 1, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new WebPushSettings(KEYS[0], KEYS[1], "ops@example.com",
        Duration.ZERO, "normal", List.of("h"), null, 1, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new WebPushSettings(KEYS[0], KEYS[1], "mailto:x@example.com",
        Duration.ZERO, "urgent", List.of("h"), null, 1, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new WebPushSettings("AAAA", KEYS[1], "mailto:x@example.com",
        Duration.ZERO, "normal", List.of("h"), null, 1, Duration.ofSeconds(1)));
  }
}
