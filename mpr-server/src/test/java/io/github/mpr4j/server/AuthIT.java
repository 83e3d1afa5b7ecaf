package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.add;
import static io.github.mpr4j.server.Wire.code;
import static io.github.mpr4j.server.Wire.payload;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tokens on the upgrade (header or query) and rights per method. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AuthIT {
  private static MprServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.start(Map.of("MPR_AUTH_TOKENS", "master-secret, sender-secret:send, picker-secret:pickup"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static int refusedUpgradeStatus(String pathAndQuery, Map<String, String> headers) {
    CompletionException e = assertThrows(CompletionException.class,
        () -> WsTestClient.connect(server.wsPort(), pathAndQuery, headers));
    Throwable cause = e.getCause();
    assertTrue(cause instanceof WebSocketHandshakeException, String.valueOf(cause));
    return ((WebSocketHandshakeException) cause).getResponse().statusCode();
  }

  @Test
  void an_upgrade_without_a_token_is_answered_401() {
    assertEquals(401, refusedUpgradeStatus("/", Map.of()));
  }

  @Test
  void an_upgrade_with_a_wrong_token_in_the_header_is_answered_401() {
    assertEquals(401, refusedUpgradeStatus("/", Map.of("Authorization", "Bearer master-secreT")));
    assertEquals(401, refusedUpgradeStatus("/", Map.of("Authorization", "Basic master-secret")));
  }

  @Test
  void an_upgrade_with_a_wrong_token_in_the_query_is_answered_401() {
    assertEquals(401, refusedUpgradeStatus("/?token=nope", Map.of()));
    assertEquals(401, refusedUpgradeStatus("/?socket_id=1&token=", Map.of()));
  }

  @Test
  void an_upgrade_to_another_path_is_answered_404() {
    assertEquals(404, refusedUpgradeStatus("/other?token=master-secret", Map.of()));
  }

  @Test
  void a_token_in_the_header_opens_a_socket() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort(), "/", Map.of("Authorization", "Bearer master-secret"))) {
      assertTrue(c.pingPongs());
    }
  }

  @Test
  void a_token_in_the_query_opens_a_socket() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort(), "/?socket_id=abc&token=master-secret", Map.of())) {
      assertTrue(c.pingPongs());
      assertTrue(c.result("takeFromQueue", take("c1")).isArray());
      assertTrue(c.result("addMessage", add("c1", "d", payload("p"))).has("messageId"));
    }
  }

  @Test
  void a_send_only_token_cannot_pick_up() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort(), "/?token=sender-secret", Map.of())) {
      assertTrue(c.result("addMessage", add("c2", "d", payload("p"))).has("messageId"));
      for (String method : List.of("takeFromQueue", "removeMessages", "removeAllMessages", "getAvailableMessageCount",
          "addLiveSession", "removeLiveSession", "getLiveSession")) {
        JsonNode answer = c.call(method, Map.of("connectionId", "c2"));
        assertEquals(-32003, code(answer), method);
      }
      assertTrue(c.pingPongs());
      assertEquals("ok", c.result("rpc.on", List.of("messagesReceived")).get("messagesReceived").asText());
    }
  }

  @Test
  void a_pickup_only_token_cannot_send() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort(), "/", Map.of("Authorization", "Bearer picker-secret"))) {
      assertEquals(-32003, code(c.call("addMessage", add("c3", "d", payload("p")))));
      assertTrue(c.result("takeFromQueue", take("c3")).isArray());
      assertTrue(c.pingPongs());
    }
  }
}
