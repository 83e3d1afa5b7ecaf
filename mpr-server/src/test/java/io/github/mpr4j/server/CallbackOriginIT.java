package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * With MPR_CALLBACK_ALLOWED_ORIGINS set, browser pages of other origins get 403 before the upgrade, on the
 * callback socket and on the JSON-RPC socket; listed origins and non-browser clients (no Origin) pass.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackOriginIT {
  private static final String APP = "https://app.example.com";
  private static MprServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.start(Map.of("MPR_CALLBACK_ALLOWED_ORIGINS", APP + ", http://localhost:8080"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static int refusedUpgradeStatus(int port, String path, String origin) {
    CompletionException e = assertThrows(CompletionException.class,
        () -> WsTestClient.connect(port, path, Map.of("Origin", origin)).close());
    assertTrue(e.getCause() instanceof WebSocketHandshakeException, String.valueOf(e.getCause()));
    return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
  }

  @Test
  void a_page_of_another_origin_gets_403_on_the_callback_socket() {
    assertEquals(403, refusedUpgradeStatus(server.appPort(), "/callback/ws", "https://evil.example.com"));
    assertEquals(403, refusedUpgradeStatus(server.appPort(), "/callback/ws", "http://app.example.com"));
  }

  @Test
  void a_refused_origin_does_not_use_up_the_registration_rate() {
    for (int i = 0; i < 70; i++) { // the default rate is 60 a minute
      assertEquals(403, refusedUpgradeStatus(server.appPort(), "/callback/ws", "https://evil.example.com"));
    }
    try (WsTestClient c = WsTestClient.connect(server.appPort(), "/callback/ws", Map.of("Origin", APP))) {
      assertEquals("registered", c.nextAnswer().path("type").asText());
    }
  }

  @Test
  void a_page_of_a_listed_origin_registers() {
    try (WsTestClient c = WsTestClient.connect(server.appPort(), "/callback/ws", Map.of("Origin", APP))) {
      assertEquals("registered", c.nextAnswer().path("type").asText());
    }
    try (WsTestClient c = WsTestClient.connect(server.appPort(), "/callback/ws",
        Map.of("Origin", "http://localhost:8080"))) {
      assertEquals("registered", c.nextAnswer().path("type").asText());
    }
  }

  @Test
  void a_client_without_an_origin_is_not_a_browser_and_registers() {
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      assertTrue(browser.clientId.length() > 0);
    }
  }

  @Test
  void a_page_of_another_origin_gets_403_on_the_json_rpc_socket() {
    assertEquals(403, refusedUpgradeStatus(server.wsPort(), "/", "https://evil.example.com"));
  }

  @Test
  void the_json_rpc_socket_accepts_a_listed_origin_and_clients_without_one() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort(), "/", Map.of("Origin", APP))) {
      assertTrue(c.pingPongs());
    }
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      assertTrue(c.pingPongs());
    }
  }
}
