package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Browser authentication against the backend (MPR_CALLBACK_AUTH_URL), with the backend's validation
 * endpoint served by a small HTTP server in the test: tokens by query or subprotocol, refusals before the
 * upgrade, the cache, an outage, and notifications to a user's browsers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackAuthIT {
  private static final Map<String, String> KEY = Map.of("Authorization", "Bearer backend-key");
  private static TokenBackend backend;
  private static MprServer server;

  @BeforeAll
  static void start() throws Exception {
    backend = TokenBackend.start();
    server = TestServers.start(Map.of("MPR_CALLBACK_AUTH_URL", backend.url(), "MPR_CALLBACK_AUTH_TIMEOUT_MS", "2000",
        "MPR_CALLBACK_AUTH_CACHE_MS", "60000", "MPR_CALLBACK_AUTH_NEGATIVE_CACHE_MS", "60000",
        "MPR_CALLBACK_KEYS", "backend-key"));
  }

  @AfterAll
  static void stop() {
    server.close();
    backend.close();
  }

  static int refusedUpgradeStatus(MprServer server, String query, String... subprotocols) {
    CompletionException e = assertThrows(CompletionException.class,
        () -> CallbackBrowser.open(server, query, Map.of(), subprotocols).close());
    assertTrue(e.getCause() instanceof WebSocketHandshakeException, String.valueOf(e.getCause()));
    return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
  }

  @Test
  void a_browser_without_a_token_gets_401_before_the_upgrade() {
    assertEquals(401, refusedUpgradeStatus(server, ""));
    assertEquals(401, refusedUpgradeStatus(server, "?token="));
  }

  @Test
  void a_token_the_backend_refuses_gets_401_before_the_upgrade() {
    assertEquals(401, refusedUpgradeStatus(server, "?token=wrong-1"));
    assertEquals(401, refusedUpgradeStatus(server, "", "mpr-callback", "mpr-token.wrong-2"));
  }

  @Test
  void a_valid_token_in_the_query_registers() {
    try (CallbackBrowser b = CallbackBrowser.open(server, "?token=anon", Map.of())) {
      assertTrue(b.clientId.length() > 0);
    }
  }

  @Test
  void a_valid_token_in_the_subprotocol_registers_and_the_gateway_selects_mpr_callback() {
    try (CallbackBrowser b = CallbackBrowser.open(server, "", Map.of(), "mpr-callback", "mpr-token.user-sub")) {
      assertEquals("mpr-callback", b.subprotocol());
    }
  }

  @Test
  void an_expired_token_gets_401_even_when_the_backend_answers_200() {
    long past = System.currentTimeMillis() / 1000 - 10;
    assertEquals(401, refusedUpgradeStatus(server, "?token=exp-" + past));
  }

  @Test
  void an_accepted_token_is_asked_again_once_its_exp_has_passed() throws Exception {
    String token = "exp-" + (System.currentTimeMillis() / 1000 + 3);
    try (CallbackBrowser b = CallbackBrowser.open(server, "?token=" + token, Map.of())) {
      assertTrue(b.clientId.length() > 0);
    }
    try (CallbackBrowser b = CallbackBrowser.open(server, "?token=" + token, Map.of())) {
      assertEquals(1, backend.calls(token), "cached while it lives");
    }
    assertTrue(CallbackBrowser.eventually(java.time.Duration.ofSeconds(6),
        () -> System.currentTimeMillis() / 1000 > Long.parseLong(token.substring(4))));
    assertEquals(401, refusedUpgradeStatus(server, "?token=" + token));
    assertEquals(2, backend.calls(token), "asked again after exp");
  }

  @Test
  void positive_and_negative_answers_are_cached() {
    for (int i = 0; i < 3; i++) {
      try (CallbackBrowser b = CallbackBrowser.open(server, "?token=user-cached", Map.of())) {
        assertTrue(b.clientId.length() > 0);
      }
      assertEquals(401, refusedUpgradeStatus(server, "?token=refused-cached"));
    }
    assertEquals(1, backend.calls("user-cached"));
    assertEquals(1, backend.calls("refused-cached"));
  }

  @Test
  void a_failing_or_slow_auth_service_gives_503_and_is_not_cached() {
    assertEquals(503, refusedUpgradeStatus(server, "?token=boom"));
    assertEquals(503, refusedUpgradeStatus(server, "?token=boom"));
    assertEquals(2, backend.calls("boom"));
    assertEquals(503, refusedUpgradeStatus(server, "?token=slow"));
  }

  @Test
  void an_unreachable_auth_url_gives_503_and_the_server_stays_up() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (MprServer down = TestServers.start(Map.of("MPR_CALLBACK_AUTH_URL",
        "http://127.0.0.1:" + closedPort + "/auth", "MPR_CALLBACK_AUTH_TIMEOUT_MS", "500"))) {
      assertEquals(503, refusedUpgradeStatus(down, "?token=anything"));
      assertEquals(503, refusedUpgradeStatus(down, "?token=anything"));
      assertEquals(200, CallbackBrowser.HTTP.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + down.appPort() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  @Test
  void a_post_to_a_user_reaches_every_browser_of_that_user_and_no_other() throws Exception {
    try (CallbackBrowser one = CallbackBrowser.open(server, "?token=user-alice", Map.of());
        CallbackBrowser two = CallbackBrowser.open(server, "", Map.of(), "mpr-callback", "mpr-token.user-alice");
        CallbackBrowser other = CallbackBrowser.open(server, "?token=user-bob", Map.of())) {
      HttpResponse<String> r = CallbackBrowser.post(server, "user/alice", "{\"done\":1}", KEY);
      assertEquals(202, r.statusCode(), r.body());
      JsonNode answer = WsTestClient.parse(r.body());
      assertEquals(2, answer.get("live").asInt(), r.body());
      assertEquals(2, answer.get("ids").size());
      assertEquals(1, one.next().get("data").get("done").asInt());
      assertEquals(1, two.next().get("data").get("done").asInt());
      assertEquals(null, other.within(java.time.Duration.ofMillis(300)));
    }
  }

  @Test
  void a_post_to_a_user_needs_a_backend_key_and_a_known_user() throws Exception {
    assertEquals(401, CallbackBrowser.post(server, "user/alice", "{}").statusCode());
    assertEquals(404, CallbackBrowser.post(server, "user/nobody-here", "{}", KEY).statusCode());
    assertEquals(400, CallbackBrowser.post(server, "user/alice", "{", KEY).statusCode());
    assertEquals(405, CallbackBrowser.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        "http://127.0.0.1:" + server.appPort() + "/callback/user/alice")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void a_registration_cannot_be_resumed_with_another_users_token() {
    String clientId;
    try (CallbackBrowser b = CallbackBrowser.open(server, "?token=user-carol", Map.of())) {
      clientId = b.clientId;
    }
    try (CallbackBrowser b = CallbackBrowser.open(server, "?clientId=" + clientId + "&token=user-mallory", Map.of())) {
      assertNotEquals(clientId, b.clientId, "a new registration instead");
    }
    try (CallbackBrowser b = CallbackBrowser.open(server, "?clientId=" + clientId + "&token=user-carol", Map.of())) {
      assertEquals(clientId, b.clientId, "its own user resumes it");
    }
  }
}
