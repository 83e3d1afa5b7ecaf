package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.push.WebPushSettings;
import io.github.mpr4j.push.testing.MockWebPush;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web Push on the callback gateway, against a push service stand-in over HTTPS on loopback that checks the
 * VAPID JWT and decrypts every push with the subscription's private key, as a browser does.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackWebPushIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String[] KEYS = WebPushSettings.generateKeys();
  @TempDir
  static Path dir;
  private static MockWebPush service;
  private static MprServer server;

  @BeforeAll
  static void start() throws Exception {
    service = MockWebPush.start(dir, KEYS[0]);
    server = TestServers.start(Map.of("MPR_WEBPUSH_VAPID_PUBLIC_KEY", KEYS[0], "MPR_WEBPUSH_VAPID_PRIVATE_KEY", KEYS[1],
        "MPR_WEBPUSH_SUBJECT", "mailto:ops@example.com", "MPR_WEBPUSH_ENDPOINT_HOSTS", "127.0.0.1",
        "MPR_WEBPUSH_TRUSTED_CA", service.caFile().toString(), "MPR_WEBPUSH_TTL_MS", "120000",
        "MPR_PUSH_TITLE", "Task done", "MPR_PUSH_DEDUP_WINDOW_MS", "0"));
  }

  @AfterAll
  static void stop() {
    server.close();
    service.close();
  }

  private static void subscribe(CallbackBrowser b, MockWebPush.Subscription s) {
    b.send("{\"type\":\"webpush\",\"subscription\":" + s.json() + "}");
    JsonNode answer = b.next();
    assertEquals("webpush", answer.path("type").asText(), answer.toString());
    assertTrue(answer.path("subscribed").asBoolean());
  }

  /** What a subscribed browser does before it leaves. */
  private interface WhileConnected {
    void run(CallbackBrowser b) throws Exception;
  }

  /**
   * A browser registers, subscribes with {@code s}, does {@code whileConnected} and leaves; then probes are
   * posted to it until one is stored pending (which is what sends a push).
   *
   * @return the browser's clientId
   */
  private static String subscribedBrowserAway(MockWebPush.Subscription s, WhileConnected whileConnected)
      throws Exception {
    String clientId;
    try (CallbackBrowser b = CallbackBrowser.register(server)) {
      clientId = b.clientId;
      subscribe(b, s);
      whileConnected.run(b);
    }
    CallbackBrowser.postUntilPending(server, clientId);
    return clientId;
  }

  @Test
  void a_notification_stored_while_the_browser_is_away_sends_one_push_that_decrypts_intact() throws Exception {
    MockWebPush.Subscription s = service.subscribe();
    String clientId = subscribedBrowserAway(s, b -> {
      HttpResponse<String> live = CallbackBrowser.post(server, b.clientId, "{\"n\":1}");
      assertTrue(live.body().contains("\"live\""), live.body());
      b.ack(b.next().get("id").asText());
      assertNull(service.next(Duration.ofMillis(500)), "no push for a notification delivered live");
    });
    MockWebPush.Push p = service.next(WAIT);
    assertNotNull(p, "refused: " + service.nextRefusal(Duration.ZERO));
    assertEquals(s.id(), p.subscriptionId());
    JsonNode payload = WsTestClient.parse(p.payload());
    assertEquals("Task done", payload.get("title").asText());
    assertEquals("120", p.ttl());
    assertEquals("normal", p.urgency());
    assertEquals("mailto:ops@example.com", p.subject());
    try (CallbackBrowser back = CallbackBrowser.resume(server, clientId)) {
      assertEquals("notification", back.next().path("type").asText(), "delivery over the socket is unchanged");
    }
  }

  @Test
  void a_subscription_the_push_service_answers_410_is_deleted() throws Exception {
    MockWebPush.Subscription s = service.subscribe();
    service.script(s, 410);
    String clientId = subscribedBrowserAway(s, b -> { });
    assertTrue(CallbackBrowser.eventually(WAIT, () -> metrics().contains("mpr_push_failed_total{provider=\"webpush\",reason=\"unregistered\"} 1")), metrics());
    Thread.sleep(300); // the removal runs on the gateway's registry thread
    assertEquals(202, CallbackBrowser.post(server, clientId, "{\"after\":\"gone\"}").statusCode());
    assertNull(service.next(Duration.ofSeconds(1)), "no push to a deleted subscription");
  }

  @Test
  void unsubscribing_stops_the_pushes() throws Exception {
    subscribedBrowserAway(service.subscribe(), b -> {
      b.send("{\"type\":\"webpush\",\"subscription\":null}");
      assertEquals(false, b.next().path("subscribed").asBoolean(true));
    });
    assertNull(service.next(Duration.ofSeconds(1)));
  }

  @Test
  void a_subscription_to_a_host_not_allowed_or_with_bad_keys_is_refused() {
    try (CallbackBrowser b = CallbackBrowser.register(server)) {
      b.send("{\"type\":\"webpush\",\"subscription\":{\"endpoint\":\"https://10.0.0.1/x\",\"keys\":{\"p256dh\":\"AA\","
          + "\"auth\":\"AA\"}}}");
      JsonNode e = b.next();
      assertEquals("error", e.path("type").asText());
      assertTrue(e.path("message").asText().contains("not an allowed push service"), e.toString());
      b.send("{\"type\":\"webpush\",\"subscription\":{\"endpoint\":\"" + service.origin() + "/push/x\",\"keys\":"
          + "{\"p256dh\":\"AAAA\",\"auth\":\"AAAA\"}}}");
      assertEquals("error", b.next().path("type").asText());
    }
  }

  @Test
  void client_js_carries_the_public_key_and_the_service_worker_is_served() throws Exception {
    assertTrue(get("/callback/client.js").contains("\"" + KEYS[0] + "\""));
    String sw = get("/callback/sw.js");
    assertTrue(sw.contains("showNotification") && sw.contains("notificationclick"), sw);
  }

  @Test
  void the_vapid_keys_command_prints_a_pair_the_server_accepts() {
    String out = Main.vapidKeys();
    String[] lines = out.strip().split("\n");
    assertEquals(2, lines.length, out);
    assertTrue(lines[0].startsWith("public: ") && lines[1].startsWith("private: "), out);
    new WebPushSettings(lines[0].substring(8), lines[1].substring(9), "mailto:a@example.com", Duration.ZERO, "low",
        java.util.List.of("h"), null, 1, Duration.ofSeconds(1));
  }

  private static String metrics() {
    try {
      return get("/metrics");
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static String get(String path) throws Exception {
    return CallbackBrowser.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.appPort() + path))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
