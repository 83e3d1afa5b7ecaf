package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With MPR_CALLBACK_KEYS set, a backend needs one of the keys as a bearer token. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackKeysIT {
  private static MprServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.start(Map.of("MPR_CALLBACK_KEYS", "k-one, k-two"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void a_post_without_a_key_is_401_and_delivers_nothing() throws Exception {
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      HttpResponse<String> r = CallbackBrowser.post(server, browser.clientId, "{}");
      assertEquals(401, r.statusCode());
      assertEquals("Bearer", r.headers().firstValue("www-authenticate").orElse(""));
      assertEquals(null, browser.within(java.time.Duration.ofMillis(200)));
    }
  }

  @Test
  void a_post_with_a_wrong_key_is_401() throws Exception {
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      assertEquals(401, CallbackBrowser.post(server, browser.clientId, "{}",
          Map.of("Authorization", "Bearer k-three")).statusCode());
      assertEquals(401, CallbackBrowser.post(server, browser.clientId, "{}",
          Map.of("Authorization", "Basic k-one")).statusCode());
    }
  }

  @Test
  void a_post_with_any_listed_key_is_accepted() throws Exception {
    try (CallbackBrowser browser = CallbackBrowser.register(server)) {
      assertEquals(202, CallbackBrowser.post(server, browser.clientId, "{\"n\":1}",
          Map.of("Authorization", "Bearer k-one")).statusCode());
      assertEquals(202, CallbackBrowser.post(server, browser.clientId, "{\"n\":2}",
          Map.of("Authorization", "Bearer k-two")).statusCode());
      assertEquals(1, browser.next().get("data").get("n").asInt());
      assertEquals(2, browser.next().get("data").get("n").asInt());
    }
  }
}
