package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** POST /callback/{clientId}: every answer a backend can get, and what the browser then receives. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackPostIT {
  private static MprServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.start(Map.of("MPR_CALLBACK_MAX_BODY_BYTES", "1000", "MPR_CALLBACK_MAX_PENDING", "3"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static JsonNode json(HttpResponse<String> r) {
    return WsTestClient.parse(r.body());
  }

  @Test
  void a_post_to_a_connected_browser_is_202_live_and_arrives_as_a_notification() throws Exception {
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      HttpResponse<String> r = CallbackBrowser.post(server, browser.clientId, "{\"task\":42,\"done\":true}");
      assertEquals(202, r.statusCode(), r.body());
      assertEquals("live", json(r).get("delivered").asText());
      JsonNode n = browser.next();
      assertEquals("notification", n.get("type").asText());
      assertEquals(json(r).get("id").asText(), n.get("id").asText());
      assertEquals(WsTestClient.parse("{\"task\":42,\"done\":true}"), n.get("data"));
      assertTrue(n.get("receivedAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    }
  }

  @Test
  void any_json_value_is_a_notification_not_only_objects() throws Exception {
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      assertEquals(202, CallbackBrowser.post(server, browser.clientId, "[1,\"two\"]").statusCode());
      assertEquals(202, CallbackBrowser.post(server, browser.clientId, "\"done\"").statusCode());
      assertEquals(WsTestClient.parse("[1,\"two\"]"), browser.next().get("data"));
      assertEquals(WsTestClient.parse("\"done\""), browser.next().get("data"));
    }
  }

  @Test
  void a_post_while_the_browser_is_away_is_202_pending() throws Exception {
    String clientId;
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      clientId = browser.clientId;
    }
    assertTrue(CallbackBrowser.eventually(Duration.ofSeconds(5), () -> {
      try {
        HttpResponse<String> r = CallbackBrowser.post(server, clientId, "{\"probe\":true}");
        return r.statusCode() == 202 && "pending".equals(json(r).get("delivered").asText());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }));
  }

  @Test
  void an_unknown_client_is_404() throws Exception {
    HttpResponse<String> r = CallbackBrowser.post(server, UUID.randomUUID().toString(), "{}");
    assertEquals(404, r.statusCode());
    assertEquals(404, CallbackBrowser.post(server, "not-a-uuid", "{}").statusCode());
  }

  @Test
  void a_body_that_is_not_json_is_400() throws Exception {
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      assertEquals(400, CallbackBrowser.post(server, browser.clientId, "{\"a\":").statusCode());
      assertEquals(400, CallbackBrowser.post(server, browser.clientId, "{} {}").statusCode());
      assertEquals(400, CallbackBrowser.post(server, browser.clientId, "").statusCode());
      assertEquals(null, browser.within(Duration.ofMillis(200)));
    }
  }

  @Test
  void a_body_over_the_limit_is_413() throws Exception {
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      String big = "{\"x\":\"" + "a".repeat(1000) + "\"}";
      assertEquals(413, CallbackBrowser.post(server, browser.clientId, big).statusCode());
      String fits = "{\"x\":\"" + "a".repeat(990) + "\"}";
      assertEquals(202, CallbackBrowser.post(server, browser.clientId, fits).statusCode());
    }
  }

  @Test
  void more_pending_notifications_than_the_limit_are_429() throws Exception {
    String clientId;
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      clientId = browser.clientId;
    }
    int probes = CallbackBrowser.postUntilPending(server, clientId);
    assertTrue(probes <= 3, "the session ended after " + probes + " probes");
    for (int i = probes; i < 3; i++) {
      assertEquals(202, CallbackBrowser.post(server, clientId, "{\"n\":" + i + "}").statusCode());
    }
    HttpResponse<String> r = CallbackBrowser.post(server, clientId, "{\"n\":3}");
    assertEquals(429, r.statusCode());
    assertTrue(r.headers().firstValue("retry-after").isPresent());
  }

  @Test
  void other_methods_on_a_callback_url_are_405() throws Exception {
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.appPort() + "/callback/"
        + UUID.randomUUID())).timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<String> r = CallbackBrowser.HTTP.send(get, HttpResponse.BodyHandlers.ofString());
    assertEquals(405, r.statusCode());
    assertEquals("POST", r.headers().firstValue("allow").orElse(""));
  }

  @Test
  void the_client_script_and_the_demo_page_are_served() throws Exception {
    HttpResponse<String> js = CallbackBrowser.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.appPort() + "/callback/client.js")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, js.statusCode());
    assertTrue(js.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
    assertTrue(js.body().contains("MprCallback"));
    HttpResponse<String> demo = CallbackBrowser.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.appPort() + "/callback/demo")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, demo.statusCode());
    assertTrue(demo.body().contains("client.js"));
  }
}
