package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** JSON-RPC clients cannot reach the callback gateway's queues (connectionIds starting with "callback:"). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackNamespaceIT {

  @Test
  void every_method_refuses_a_connection_id_in_the_callback_namespace_with_32602() {
    try (MprServer server = TestServers.start();
        CallbackBrowser browser = CallbackBrowser.register(server);
        WsTestClient mediator = WsTestClient.connect(server.wsPort())) {
      String reserved = "callback:" + browser.clientId;
      Map<String, Object> payload = Map.of("protected", "x", "ciphertext", "y");
      List<Object[]> calls = List.of(
          new Object[] {"addMessage", Map.of("connectionId", reserved, "recipientDids", List.of("callback"),
              "payload", payload)},
          new Object[] {"takeFromQueue", Map.of("connectionId", reserved)},
          new Object[] {"getAvailableMessageCount", Map.of("connectionId", reserved)},
          new Object[] {"removeMessages", Map.of("connectionId", reserved, "messageIds", List.of("a"))},
          new Object[] {"removeAllMessages", Map.of("connectionId", reserved, "recipientDid", "callback")},
          new Object[] {"addLiveSession", Map.of("connectionId", reserved, "sessionId", "s")},
          new Object[] {"removeLiveSession", Map.of("connectionId", reserved)},
          new Object[] {"getLiveSession", Map.of("connectionId", reserved)});
      for (Object[] c : calls) {
        JsonNode answer = mediator.call((String) c[0], c[1]);
        assertEquals(-32602, answer.path("error").path("code").asInt(), c[0] + ": " + answer);
        assertTrue(answer.path("error").path("message").asText().contains("callback:"), answer.toString());
      }
      assertNull(browser.within(Duration.ofMillis(200)), "nothing reached the browser");
      JsonNode ok = mediator.call("getAvailableMessageCount", Map.of("connectionId", "callbacks-are-fine"));
      assertEquals(0, ok.path("result").asInt(), ok.toString());
    }
  }
}
