package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.add;
import static io.github.mpr4j.server.Wire.code;
import static io.github.mpr4j.server.Wire.count;
import static io.github.mpr4j.server.Wire.payload;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;

/** The limits of a socket: message size (1009), payload size (-32001), batch size, requests in flight (-32002). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LimitsIT {
  private static final int MAX_FRAME = 4096;
  private static final int MAX_PAYLOAD = 1024;
  private static final int MAX_BATCH = 60;
  private static MprServer server;
  @TempDir
  static Path dataDir;

  @BeforeAll
  static void startServer() {
    // the embedded store: its operations run on workers, so a batch's requests are in flight together (the
    // in-memory store answers each one on the event loop before the next is read)
    server = TestServers.start(Map.of(
        "MPR_STORE", "embedded",
        "MPR_DATA_DIR", dataDir.toString(),
        "MPR_MAX_FRAME_BYTES", String.valueOf(MAX_FRAME),
        "MPR_MAX_PAYLOAD_BYTES", String.valueOf(MAX_PAYLOAD),
        "MPR_MAX_BATCH_REQUESTS", String.valueOf(MAX_BATCH),
        "MPR_MAX_IN_FLIGHT", "1"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static String conn() {
    return "conn-" + UUID.randomUUID();
  }

  @Test
  void a_message_over_the_frame_limit_closes_the_socket_with_1009_and_the_server_keeps_serving() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      c.send(WsTestClient.request(1, "ping", Map.of("pad", "x".repeat(MAX_FRAME + 100))));
      assertEquals(1009, c.closeStatus());
    }
    try (WsTestClient other = WsTestClient.connect(server.wsPort())) {
      assertTrue(other.pingPongs());
    }
  }

  @Test
  void a_fragmented_message_over_the_limit_closes_the_socket_with_1009() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      String text = WsTestClient.request(1, "ping", Map.of("pad", "y".repeat(MAX_FRAME + 100)));
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < text.length(); i += 1000) {
        parts.add(text.substring(i, Math.min(text.length(), i + 1000)));
      }
      c.sendFragments(parts);
      assertEquals(1009, c.closeStatus());
    }
  }

  @Test
  void a_fragmented_message_within_the_limit_is_answered() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      String text = WsTestClient.request(77, "ping", null);
      c.sendFragments(List.of(text.substring(0, 10), text.substring(10, 20), text.substring(20)));
      JsonNode answer = c.nextAnswer();
      assertEquals(77, answer.get("id").intValue());
      assertEquals("pong", answer.get("result").asText());
    }
  }

  @Test
  void a_payload_over_the_limit_is_refused_with_32001_and_the_limit() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      String conn = conn();
      JsonNode answer = c.call("addMessage", add(conn, "did:key:a", payload("z".repeat(MAX_PAYLOAD))));
      assertEquals(-32001, code(answer));
      assertEquals(MAX_PAYLOAD, answer.get("error").get("data").get("limit").intValue());
      assertEquals(0, count(c, conn));
      assertTrue(c.pingPongs());
    }
  }

  @Test
  void a_payload_at_the_limit_in_utf8_bytes_is_accepted() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      String conn = conn();
      // {"c":"..."} is 8 bytes around the text; '☃' is 3 bytes in UTF-8
      int snowmen = (MAX_PAYLOAD - 8) / 3;
      String text = "☃".repeat(snowmen) + "a".repeat(MAX_PAYLOAD - 8 - snowmen * 3);
      assertTrue(c.result("addMessage", add(conn, "d", Map.of("c", text))).has("messageId"));
      JsonNode over = c.call("addMessage", add(conn, "d", Map.of("c", text + "a")));
      assertEquals(-32001, code(over));
    }
  }

  @Test
  void a_batch_over_the_limit_gets_one_invalid_request_error_with_the_limit() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i <= MAX_BATCH; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":").append(i).append('}');
      }
      c.send(batch.append(']').toString());
      JsonNode answer = c.nextAnswer();
      assertTrue(answer.isObject(), answer.toString());
      assertEquals(-32600, code(answer));
      assertEquals(MAX_BATCH, answer.get("error").get("data").get("limit").intValue());
      assertTrue(c.pingPongs());
    }
  }

  @Test
  void requests_over_the_in_flight_limit_are_refused_with_32002_and_a_retry_delay() {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      int requests = 40; // about 2.5 KiB: within the frame limit
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < requests; i++) {
        batch.append(i == 0 ? "" : ",").append(WsTestClient.request(i, "takeFromQueue", take("inflight")));
      }
      c.send(batch.append(']').toString());
      JsonNode answer = c.nextAnswer();
      assertEquals(requests, answer.size());
      int refused = 0;
      for (JsonNode a : answer) {
        if (a.has("error")) {
          assertEquals(-32002, code(a));
          assertTrue(a.get("error").get("data").get("retryAfterMs").intValue() > 0);
          refused++;
        } else {
          assertTrue(a.get("result").isArray());
        }
      }
      // the limit is 1 and the batch's requests are dispatched back to back: only a store answering
      // every take before the next one is decoded would avoid a refusal
      assertTrue(refused > 0, "no request was refused: " + answer);
      assertTrue(refused < requests, "the first request must run");
      assertTrue(c.pingPongs());
    }
  }
}
