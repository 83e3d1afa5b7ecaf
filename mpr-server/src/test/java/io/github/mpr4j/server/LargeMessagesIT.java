package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.add;
import static io.github.mpr4j.server.Wire.code;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.payload;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With default settings, DIDComm messages of several MiB (attachments) go through: a 4 MiB payload round-trips
 * through addMessage, takeFromQueue and a live notification; larger ones get the documented errors.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LargeMessagesIT {
  static final int FOUR_MIB = 4 * 1024 * 1024;
  private static MprServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.start(Map.of()); // the defaults, but for ports and the in-memory store
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** A JWE-shaped payload of exactly {@code bytes} bytes of JSON. */
  static Map<String, Object> payloadOf(int bytes) {
    int overhead = WsTestClient.json(payload("")).length();
    return payload("A".repeat(bytes - overhead));
  }

  @Test
  void a_4_mib_payload_round_trips_through_addMessage_and_takeFromQueue() {
    String conn = "conn-" + UUID.randomUUID();
    Map<String, Object> big = payloadOf(FOUR_MIB);
    assertEquals(FOUR_MIB, WsTestClient.json(big).length());
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      String id = c.result("addMessage", add(conn, "did:example:r", big)).get("messageId").asText();
      String second = c.result("addMessage", add(conn, "did:example:r", big)).get("messageId").asText();
      JsonNode taken = c.result("takeFromQueue", take(conn, "deleteMessages", true));
      assertEquals(List.of(id, second), ids(taken));
      assertEquals(WsTestClient.JSON.valueToTree(big), taken.get(0).get("encryptedMessage"));
    }
  }

  @Test
  void a_4_mib_payload_reaches_the_live_session_as_a_notification() {
    String conn = "conn-" + UUID.randomUUID();
    Map<String, Object> big = payloadOf(FOUR_MIB);
    try (WsTestClient holder = WsTestClient.connect(server.wsPort());
        WsTestClient sender = WsTestClient.connect(server.wsPort())) {
      holder.result("addLiveSession", Map.of("connectionId", conn, "sessionId", "s1"));
      String id = sender.result("addMessage", add(conn, "did:example:r", big)).get("messageId").asText();
      JsonNode n = holder.nextNotification();
      assertEquals(id, n.get("params").get("messages").get(0).get("id").asText());
      assertEquals(WsTestClient.JSON.valueToTree(big), n.get("params").get("messages").get(0).get("encryptedMessage"));
    }
  }

  @Test
  void a_payload_over_the_default_limit_gets_32001_with_the_limit_and_the_socket_stays_open() {
    int limit = ServerConfig.DEFAULT_MAX_PAYLOAD_BYTES;
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      JsonNode answer = c.call("addMessage", add("conn-" + UUID.randomUUID(), "did:example:r", payloadOf(limit + 1)));
      assertEquals(-32001, code(answer));
      assertEquals(limit, answer.get("error").get("data").get("limit").intValue());
      assertTrue(c.pingPongs());
    }
  }

  @Test
  void a_message_over_the_default_frame_limit_closes_the_socket_with_1009() throws Exception {
    try (RawWsSocket raw = RawWsSocket.connect(server.wsPort())) {
      // the header announces one byte more than the limit: the server refuses it before reading the payload
      byte[] head = RawWsSocket.textFrameHeader(ServerConfig.DEFAULT_MAX_FRAME_BYTES + 1L);
      while (!raw.offer(head)) {
        Thread.sleep(5);
      }
      RawWsSocket.Frame f = raw.nextFrame(20_000);
      assertEquals(0x8, f.opcode(), "a close frame");
      assertEquals(1009, f.closeStatus());
    }
  }

  @Test
  void a_take_without_limitBytes_returns_at_most_the_default_take_bytes() {
    String conn = "conn-" + UUID.randomUUID();
    Map<String, Object> big = payloadOf(FOUR_MIB);
    int perTake = ServerConfig.DEFAULT_MAX_TAKE_BYTES / FOUR_MIB;
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      for (int i = 0; i < perTake + 2; i++) {
        c.result("addMessage", add(conn, "did:example:r", big));
      }
      assertEquals(perTake, c.result("takeFromQueue", take(conn, "deleteMessages", true)).size());
      assertEquals(2, c.result("takeFromQueue", take(conn, "deleteMessages", true, "limitBytes", Integer.MAX_VALUE))
          .size());
    }
  }
}
