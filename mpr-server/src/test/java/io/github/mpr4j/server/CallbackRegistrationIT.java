package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GET /callback/ws: registration, resumption, and the registration rate per source address. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackRegistrationIT {

  @Test
  void a_new_browser_gets_a_random_client_id_and_its_callback_url_from_the_host_header() {
    try (MprServer server = TestServers.start();
        CallbackBrowser a = CallbackBrowser.register(server);
        CallbackBrowser b = CallbackBrowser.register(server)) {
      assertTrue(a.clientId.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), a.clientId);
      assertNotEquals(a.clientId, b.clientId);
      assertEquals("http://127.0.0.1:" + server.appPort() + "/callback/" + a.clientId, a.callbackUrl);
    }
  }

  @Test
  void the_callback_url_uses_the_configured_base_url() {
    try (MprServer server = TestServers.start(Map.of("MPR_CALLBACK_BASE_URL", "https://gw.example.com/"));
        CallbackBrowser a = CallbackBrowser.register(server)) {
      assertEquals("https://gw.example.com/callback/" + a.clientId, a.callbackUrl);
    }
  }

  @Test
  void a_browser_that_reconnects_with_its_client_id_keeps_it() throws Exception {
    try (MprServer server = TestServers.start()) {
      String id;
      try (CallbackBrowser first = CallbackBrowser.register(server)) {
        id = first.clientId;
      }
      try (CallbackBrowser again = CallbackBrowser.resume(server, id)) {
        assertEquals(id, again.clientId);
        assertEquals(202, CallbackBrowser.post(server, id, "{\"back\":true}").statusCode());
        assertEquals(true, again.next().get("data").get("back").asBoolean());
      }
    }
  }

  @Test
  void an_unknown_client_id_gets_a_new_registration() {
    try (MprServer server = TestServers.start()) {
      String stale = UUID.randomUUID().toString();
      try (CallbackBrowser b = CallbackBrowser.resume(server, stale)) {
        assertNotEquals(stale, b.clientId);
      }
    }
  }

  @Test
  void a_newer_socket_for_the_same_client_replaces_the_older_one_which_is_closed_with_4001() throws Exception {
    try (MprServer server = TestServers.start();
        CallbackBrowser first = CallbackBrowser.register(server)) {
      try (CallbackBrowser second = CallbackBrowser.resume(server, first.clientId)) {
        assertEquals(4001, first.closeStatus());
        assertEquals(202, CallbackBrowser.post(server, first.clientId, "{\"to\":\"second\"}").statusCode());
        assertEquals("second", second.next().get("data").get("to").asText());
      }
    }
  }

  @Test
  void registrations_over_the_rate_of_a_source_address_are_429_and_resumptions_are_not_counted() throws Exception {
    try (MprServer server = TestServers.start(Map.of("MPR_CALLBACK_REGISTRATIONS_PER_MINUTE", "2"));
        CallbackBrowser a = CallbackBrowser.register(server);
        CallbackBrowser b = CallbackBrowser.register(server)) {
      CompletionException refused = assertThrows(CompletionException.class, () -> CallbackBrowser.register(server));
      assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused.toString());
      assertEquals(429, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
      a.close();
      try (CallbackBrowser again = CallbackBrowser.resume(server, a.clientId)) {
        assertEquals(a.clientId, again.clientId);
      }
    }
  }

  @Test
  void a_server_that_shuts_down_closes_browser_sockets_with_1001() {
    MprServer server = TestServers.start();
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      server.close();
      assertEquals(1001, browser.closeStatus());
    } finally {
      server.close();
    }
  }

  @Test
  void a_plain_get_without_upgrade_is_400() throws Exception {
    try (MprServer server = TestServers.start()) {
      HttpResponse<String> r = CallbackBrowser.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + server.appPort() + "/callback/ws")).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, r.statusCode());
    }
  }
}
