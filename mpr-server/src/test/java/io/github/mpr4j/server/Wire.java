package io.github.mpr4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Params and payloads of the MPR methods, for the integration tests. */
final class Wire {
  static final String ISO_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  private Wire() {}

  /** A JWE-shaped payload whose ciphertext is {@code text}. */
  static Map<String, Object> payload(String text) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("protected", "eyJlbmMiOiJYQzIwUCJ9");
    m.put("iv", "aXYtMTIz");
    m.put("ciphertext", text);
    m.put("tag", "dGFn");
    return m;
  }

  static Map<String, Object> add(String connectionId, String recipientDid, Object payload) {
    return Map.of("connectionId", connectionId, "recipientDids", List.of(recipientDid), "payload", payload);
  }

  static Map<String, Object> take(String connectionId, Object... more) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connectionId", connectionId);
    for (int i = 0; i + 1 < more.length; i += 2) {
      m.put((String) more[i], more[i + 1]);
    }
    return m;
  }

  /** Adds a message and returns its id. */
  static String addMessage(WsTestClient c, String connectionId, String recipientDid, String text) {
    return c.result("addMessage", add(connectionId, recipientDid, payload(text))).get("messageId").asText();
  }

  static int count(WsTestClient c, String connectionId) {
    return c.result("getAvailableMessageCount", Map.of("connectionId", connectionId)).intValue();
  }

  /** The ids of a QueuedMessage array. */
  static List<String> ids(JsonNode messages) {
    List<String> ids = new ArrayList<>();
    for (JsonNode m : messages) {
      ids.add(m.get("id").asText());
    }
    return ids;
  }

  /** The error code of an error response. */
  static int code(JsonNode answer) {
    if (!answer.has("error")) {
      throw new AssertionError("expected an error but got " + answer);
    }
    return answer.get("error").get("code").intValue();
  }
}
