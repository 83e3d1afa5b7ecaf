package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** MPR_CALLBACK_UNUSED_TTL_MS: a registration that never received a POST within that time is dropped. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackUnusedIT {
  private static MprServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.start(Map.of("MPR_CALLBACK_UNUSED_TTL_MS", "700"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void a_registration_never_posted_to_is_dropped_and_a_used_one_stays() throws Exception {
    String unused;
    String used;
    try (CallbackBrowser a = CallbackBrowser.register(server); CallbackBrowser b = CallbackBrowser.register(server)) {
      unused = a.clientId;
      used = b.clientId;
      assertEquals(202, CallbackBrowser.post(server, used, "{\"n\":1}").statusCode());
      b.ack(b.next().get("id").asText());
      Thread.sleep(1200); // past the unused time to live, while both browsers are connected
    }
    assertEquals(404, CallbackBrowser.post(server, unused, "{\"late\":true}").statusCode());
    assertEquals(202, CallbackBrowser.post(server, used, "{\"n\":2}").statusCode());
    try (CallbackBrowser a = CallbackBrowser.resume(server, unused); CallbackBrowser b = CallbackBrowser.resume(server, used)) {
      assertNotEquals(unused, a.clientId, "the dropped registration is not resumed: a new one instead");
      assertEquals(used, b.clientId);
      assertEquals(2, b.next().get("data").get("n").asInt());
    }
  }
}
