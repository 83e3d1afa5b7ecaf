package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** On the embedded store, registrations and pending notifications survive a restart of the server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackRestartIT {

  private static MprServer embedded(Path dir) {
    Map<String, String> env = new HashMap<>();
    env.put("MPR_STORE", "embedded");
    env.put("MPR_DATA_DIR", dir.toString());
    return TestServers.start(env);
  }

  @Test
  void a_registration_and_its_pending_notifications_survive_a_restart(@TempDir Path dir) throws Exception {
    String id;
    try (MprServer server = embedded(dir)) {
      try (CallbackBrowser b = CallbackBrowser.register(server)) {
        id = b.clientId;
      }
      Thread.sleep(200);
      for (int i = 0; i < 3; i++) {
        assertEquals(202, CallbackBrowser.post(server, id, "{\"n\":" + i + "}").statusCode());
      }
    }
    try (MprServer server = embedded(dir)) {
      assertEquals(202, CallbackBrowser.post(server, id, "{\"n\":3}").statusCode());
      try (CallbackBrowser b = CallbackBrowser.resume(server, id)) {
        assertEquals(id, b.clientId);
        List<JsonNode> got = b.notifications(4);
        for (int i = 0; i < 4; i++) {
          assertEquals(i, got.get(i).get("data").get("n").asInt());
        }
      }
    }
    try (var files = Files.list(dir)) {
      assertEquals(true, files.anyMatch(p -> p.getFileName().toString().equals("callbacks.mv.db")));
    }
  }
}
