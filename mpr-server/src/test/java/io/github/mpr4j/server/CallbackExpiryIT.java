package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pending notifications expire after their time to live; registrations after their idle time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackExpiryIT {

  @Test
  void a_notification_older_than_its_time_to_live_is_never_delivered() throws Exception {
    try (MprServer server = TestServers.start(Map.of("MPR_CALLBACK_TTL_MS", "2000"))) {
      String id;
      try (CallbackBrowser b = CallbackBrowser.register(server)) {
        id = b.clientId;
      }
      Thread.sleep(200);
      assertEquals(202, CallbackBrowser.post(server, id, "{\"n\":\"old\"}").statusCode());
      Thread.sleep(2500);
      assertEquals(202, CallbackBrowser.post(server, id, "{\"n\":\"fresh\"}").statusCode());
      try (CallbackBrowser b = CallbackBrowser.resume(server, id)) {
        JsonNode only = b.next();
        assertEquals("fresh", only.get("data").get("n").asText());
        assertNull(b.within(Duration.ofMillis(300)));
      }
    }
  }

  @Test
  void a_registration_idle_longer_than_its_idle_time_is_gone() throws Exception {
    try (MprServer server = TestServers.start(Map.of("MPR_CALLBACK_IDLE_MS", "2000"))) {
      String id;
      try (CallbackBrowser b = CallbackBrowser.register(server)) {
        id = b.clientId;
      }
      assertEquals(202, CallbackBrowser.post(server, id, "{}").statusCode());
      Thread.sleep(4000);
      assertEquals(404, CallbackBrowser.post(server, id, "{}").statusCode());
      try (CallbackBrowser b = CallbackBrowser.resume(server, id)) {
        assertNotEquals(id, b.clientId);
        assertNull(b.within(Duration.ofMillis(300)), "a new registration starts empty");
      }
    }
  }

  @Test
  void a_connected_browser_keeps_its_registration_beyond_the_idle_time() throws Exception {
    try (MprServer server = TestServers.start(Map.of("MPR_CALLBACK_IDLE_MS", "2000"));
        CallbackBrowser b = CallbackBrowser.register(server)) {
      Thread.sleep(4500);
      assertEquals(202, CallbackBrowser.post(server, b.clientId, "{\"still\":\"here\"}").statusCode());
      assertEquals("here", b.next().get("data").get("still").asText());
    }
  }
}
