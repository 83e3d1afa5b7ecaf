package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unreadable provider configuration turns the provider off; the server starts and stores messages. */
@Timeout(60)
class PushConfigurationIT {
  @TempDir
  Path dir;

  @Test
  void theServerStartsWithUnreadableProviderFilesAndStillStoresMessagesWithTokens() throws Exception {
    Path garbage = Files.writeString(dir.resolve("firebase.json"), "not json");
    try (MprServer server = TestServers.start(Map.of(
        "FIREBASE_CFG_FILE", garbage.toString(),
        "APNS_CFG_FILE", dir.resolve("absent-apns.json").toString(),
        "APNS_PATH_KEY", dir.resolve("absent.p8").toString(),
        "APNS_TOPIC", "org.example.app"));
         WsTestClient c = WsTestClient.connect(server.wsPort())) {
      for (String type : List.of("fcm", "apns")) {
        c.result("addMessage", Map.of("connectionId", "off-" + type, "recipientDids", List.of("did:key:r"),
            "payload", Map.of("ciphertext", "x"), "pushNotificationToken", Map.of("type", type, "token", "abcd")));
        assertEquals(1, c.result("getAvailableMessageCount", Map.of("connectionId", "off-" + type)).asInt());
      }
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.appPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("mpr_push_enabled{provider=\"fcm\"} 0"), metrics);
      assertTrue(metrics.contains("mpr_push_enabled{provider=\"apns\"} 0"), metrics);
      assertTrue(metrics.contains("mpr_push_dropped_total{provider=\"fcm\",reason=\"provider_off\"} 1"), metrics);
      assertTrue(metrics.contains("mpr_push_dropped_total{provider=\"apns\",reason=\"provider_off\"} 1"), metrics);
    }
  }
}
