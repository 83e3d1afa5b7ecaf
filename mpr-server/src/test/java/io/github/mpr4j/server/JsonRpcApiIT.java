package io.github.mpr4j.server;

import static io.github.mpr4j.server.Wire.add;
import static io.github.mpr4j.server.Wire.addMessage;
import static io.github.mpr4j.server.Wire.code;
import static io.github.mpr4j.server.Wire.count;
import static io.github.mpr4j.server.Wire.ids;
import static io.github.mpr4j.server.Wire.payload;
import static io.github.mpr4j.server.Wire.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every method and every decode error of PROTOCOL.md section A, over a real loopback WebSocket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class JsonRpcApiIT {
  private static MprServer server;
  private WsTestClient client;
  private String conn;

  @BeforeAll
  static void startServer() {
    server = TestServers.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void connect() {
    client = WsTestClient.connect(server.wsPort(), "/?socket_id=" + UUID.randomUUID(), Map.of());
    conn = "conn-" + UUID.randomUUID();
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  // ------------------------------------------------------------------ methods

  @Test
  void addMessage_answers_with_the_new_message_id() {
    JsonNode answer = client.call("addMessage", add(conn, "did:key:a", payload("x")));
    assertEquals("2.0", answer.get("jsonrpc").asText());
    assertTrue(answer.get("result").get("messageId").isTextual());
    assertFalse(answer.get("result").get("messageId").asText().isEmpty());
    assertFalse(answer.has("error"));
  }

  @Test
  void takeFromQueue_returns_queued_messages_oldest_first_with_their_payload_unchanged() {
    Map<String, Object> jwe = payload("unicode ☃ and \"quotes\"");
    String first = client.result("addMessage", add(conn, "did:key:a", jwe)).get("messageId").asText();
    String second = addMessage(client, conn, "did:key:a", "two");
    JsonNode taken = client.result("takeFromQueue", take(conn));
    assertEquals(List.of(first, second), ids(taken));
    JsonNode m = taken.get(0);
    assertEquals(3, m.size());
    assertTrue(m.get("receivedAt").asText().matches(Wire.ISO_MILLIS), m.toString());
    assertEquals(WsTestClient.JSON.valueToTree(jwe), m.get("encryptedMessage"));
  }

  @Test
  void a_payload_with_any_members_is_kept() {
    Map<String, Object> odd = Map.of("n", 1.5, "nested", Map.of("list", List.of(1, true, "s")), "nil", "null");
    client.result("addMessage", add(conn, "did:key:a", odd));
    JsonNode taken = client.result("takeFromQueue", take(conn));
    assertEquals(WsTestClient.JSON.valueToTree(odd), taken.get(0).get("encryptedMessage"));
  }

  @Test
  void removeMessages_answers_true_and_removes_only_the_given_messages() {
    String a = addMessage(client, conn, "did:key:a", "a");
    String b = addMessage(client, conn, "did:key:a", "b");
    JsonNode answer = client.call("removeMessages", Map.of("connectionId", conn, "messageIds", List.of(a, "unknown")));
    assertTrue(answer.get("result").booleanValue());
    assertEquals(List.of(b), ids(client.result("takeFromQueue", take(conn))));
  }

  @Test
  void removeAllMessages_answers_true_and_removes_the_recipients_messages() {
    addMessage(client, conn, "did:key:a", "a");
    String other = addMessage(client, conn, "did:key:b", "b");
    assertTrue(client.result("removeAllMessages", Map.of("connectionId", conn, "recipientDid", "did:key:a"))
        .booleanValue());
    assertEquals(List.of(other), ids(client.result("takeFromQueue", take(conn))));
  }

  @Test
  void getAvailableMessageCount_answers_a_number() {
    assertEquals(0, count(client, conn));
    addMessage(client, conn, "did:key:a", "a");
    addMessage(client, conn, "did:key:b", "b");
    JsonNode result = client.result("getAvailableMessageCount", Map.of("connectionId", conn));
    assertTrue(result.isNumber());
    assertEquals(2, result.intValue());
    assertEquals(1, client.result("getAvailableMessageCount", Map.of("connectionId", conn, "recipientDid", "did:key:b"))
        .intValue());
  }

  @Test
  void live_session_methods_answer_booleans() {
    assertFalse(client.result("getLiveSession", Map.of("connectionId", conn)).booleanValue());
    assertTrue(client.result("addLiveSession", Map.of("connectionId", conn, "sessionId", "s1")).booleanValue());
    assertTrue(client.result("getLiveSession", Map.of("connectionId", conn)).booleanValue());
    assertFalse(client.result("removeLiveSession", Map.of("connectionId", conn, "sessionId", "other")).booleanValue());
    assertTrue(client.result("removeLiveSession", Map.of("connectionId", conn, "sessionId", "s1")).booleanValue());
    assertFalse(client.result("removeLiveSession", Map.of("connectionId", conn)).booleanValue());
    assertFalse(client.result("getLiveSession", Map.of("connectionId", conn)).booleanValue());
  }

  @Test
  void ping_answers_pong_with_or_without_params() {
    assertEquals("pong", client.result("ping", null).asText());
    assertEquals("pong", client.result("ping", Map.of()).asText());
  }

  @Test
  void rpc_on_and_rpc_off_give_the_compat_answers() {
    assertEquals(WsTestClient.parse("{\"messagesReceived\":\"not subscribed\"}"),
        client.result("rpc.off", List.of("messagesReceived")));
    assertEquals(WsTestClient.parse("{\"messagesReceived\":\"ok\"}"),
        client.result("rpc.on", List.of("messagesReceived")));
    assertEquals(WsTestClient.parse("{\"other\":\"provided event invalid\"}"), client.result("rpc.on", List.of("other")));
    assertEquals(WsTestClient.parse("{\"messagesReceived\":\"ok\"}"),
        client.result("rpc.off", List.of("messagesReceived")));
    assertEquals(-32602, code(client.call("rpc.on", Map.of("event", "messagesReceived"))));
  }

  @Test
  void the_id_is_echoed_exactly_as_sent() {
    client.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":\"req-7\"}");
    assertEquals(WsTestClient.parse("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":\"req-7\"}"), client.nextAnswer());
    client.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":9007199254740993}");
    assertEquals("9007199254740993", client.nextAnswer().get("id").toString());
    client.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":0}");
    assertEquals("0", client.nextAnswer().get("id").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "1.0", "-0", "12345678901234567890", "1.5e3", "-0.0", "1E2", "0.10"})
  void a_numeric_id_is_echoed_as_the_text_it_was_sent_as(String id) {
    client.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + id + "}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":" + id + "}", client.nextAnswerText());
    client.send("{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":" + WsTestClient.json(
        add(conn, "did:example:r", payload("x"))) + ",\"id\":" + id + "}");
    assertTrue(client.nextAnswerText().endsWith(",\"id\":" + id + "}"));
    client.send("{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":" + id + "}");
    assertTrue(client.nextAnswerText().endsWith(",\"id\":" + id + "}"));
    client.send("[{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + id + "},{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2}]");
    assertEquals("[{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":" + id
        + "},{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":2}]", client.nextAnswerText());
  }

  @Test
  void a_request_without_id_is_executed_and_not_answered() {
    client.send(WsTestClient.request(null, "addMessage", add(conn, "did:key:a", payload("n"))));
    client.send(WsTestClient.request(null, "noSuchMethod", null));
    assertTrue(client.pingPongs()); // the first answer is the ping's: the notifications got none
    assertEquals(1, count(client, conn));
  }

  // ------------------------------------------------------------------ batches

  @Test
  void a_batch_gets_the_answers_of_its_requests_with_ids_in_order() {
    String batch = "[" + WsTestClient.request(1, "addMessage", add(conn, "did:key:a", payload("b1"))) + ","
        + WsTestClient.request(null, "ping", null) + ","
        + WsTestClient.request("two", "nope", null) + ","
        + "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":true},"
        + WsTestClient.request(3, "getAvailableMessageCount", Map.of("connectionId", conn)) + ","
        + WsTestClient.request(4, "ping", null) + "]";
    client.send(batch);
    JsonNode answer = client.nextAnswer();
    assertTrue(answer.isArray(), answer.toString());
    assertEquals(5, answer.size(), answer.toString());
    assertEquals(1, answer.get(0).get("id").intValue());
    assertTrue(answer.get(0).get("result").has("messageId"));
    assertEquals("two", answer.get(1).get("id").asText());
    assertEquals(-32601, code(answer.get(1)));
    assertTrue(answer.get(2).get("id").isNull());
    assertEquals(-32600, code(answer.get(2)));
    assertEquals(3, answer.get(3).get("id").intValue());
    assertEquals(4, answer.get(4).get("id").intValue());
    assertEquals("pong", answer.get(4).get("result").asText());
  }

  @Test
  void a_batch_of_notifications_gets_no_answer() {
    client.send("[" + WsTestClient.request(null, "addMessage", add(conn, "did:key:a", payload("q"))) + ","
        + WsTestClient.request(null, "ping", null) + "]");
    assertNull(client.answerWithin(Duration.ofMillis(300)));
    assertEquals(1, count(client, conn));
  }

  @Test
  void an_empty_batch_is_an_invalid_request() {
    client.send("[]");
    JsonNode answer = client.nextAnswer();
    assertEquals(-32600, code(answer));
    assertTrue(answer.get("id").isNull());
    assertTrue(client.pingPongs());
  }

  // ------------------------------------------------------------------ errors, and the socket survives each

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "", "{\"a\":1} trailing", "[1,"})
  void text_that_is_not_json_is_a_parse_error_with_id_null(String frame) {
    client.send(frame);
    JsonNode answer = client.nextAnswer();
    assertEquals(-32700, code(answer));
    assertTrue(answer.get("id").isNull());
    assertTrue(answer.get("error").get("message").isTextual());
    assertTrue(client.pingPongs());
  }

  @Test
  void a_binary_frame_is_a_parse_error_and_the_socket_stays_open() {
    client.sendBinary(new byte[] {1, 2, 3});
    JsonNode answer = client.nextAnswer();
    assertEquals(-32700, code(answer));
    assertTrue(answer.get("id").isNull());
    assertTrue(client.pingPongs());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"jsonrpc\":\"1.0\",\"method\":\"ping\",\"id\":5}",
      "{\"method\":\"ping\",\"id\":5}",
      "{\"jsonrpc\":\"2.0\",\"method\":7,\"id\":5}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":\"x\",\"id\":5}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":3,\"id\":5}"})
  void a_malformed_request_with_a_readable_id_is_an_invalid_request_with_that_id(String frame) {
    client.send(frame);
    JsonNode answer = client.nextAnswer();
    assertEquals(-32600, code(answer));
    assertEquals(5, answer.get("id").intValue());
    assertTrue(client.pingPongs());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":{\"a\":1}}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":[1]}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":true}",
      "42",
      "\"ping\"",
      "null"})
  void an_id_of_another_type_or_a_non_object_is_an_invalid_request_with_id_null(String frame) {
    client.send(frame);
    JsonNode answer = client.nextAnswer();
    assertEquals(-32600, code(answer));
    assertTrue(answer.has("id") && answer.get("id").isNull(), answer.toString());
    assertTrue(client.pingPongs());
  }

  @Test
  void an_unknown_method_is_method_not_found_naming_it() {
    JsonNode answer = client.call("fetchEverything", Map.of());
    assertEquals(-32601, code(answer));
    assertTrue(answer.get("error").get("message").asText().contains("fetchEverything"));
    assertTrue(client.pingPongs());
  }

  @Test
  void invalid_params_are_refused_naming_the_field() {
    assertInvalid("addMessage", Map.of("recipientDids", List.of("d"), "payload", payload("p")), "connectionId");
    assertInvalid("addMessage", Map.of("connectionId", conn, "recipientDids", List.of(), "payload", payload("p")),
        "recipientDids");
    assertInvalid("addMessage", Map.of("connectionId", conn, "recipientDids", List.of("d"), "payload", "text"),
        "payload");
    assertInvalid("addMessage", Map.of("connectionId", conn, "recipientDids", List.of("d")), "payload");
    assertInvalid("takeFromQueue", take(conn, "limit", -1), "limit");
    assertInvalid("takeFromQueue", take(conn, "limit", "ten"), "limit");
    assertInvalid("takeFromQueue", take(conn, "limitBytes", 0), "limitBytes");
    assertInvalid("takeFromQueue", take(conn, "deleteMessages", "yes"), "deleteMessages");
    assertInvalid("takeFromQueue", Map.of("connectionId", 12), "connectionId");
    assertInvalid("removeMessages", Map.of("connectionId", conn), "messageIds");
    assertInvalid("removeAllMessages", Map.of("connectionId", conn), "recipientDid");
    assertInvalid("addLiveSession", Map.of("connectionId", conn), "sessionId");
    assertInvalid("getLiveSession", List.of(conn), "params");
    assertInvalid("getAvailableMessageCount", null, "params");
    assertTrue(client.pingPongs());
  }

  private void assertInvalid(String method, Object params, String field) {
    JsonNode answer = client.call(method, params);
    assertEquals(-32602, code(answer), answer.toString());
    assertTrue(answer.get("error").get("message").asText().contains(field), answer.toString());
  }

  @Test
  void a_push_token_of_another_type_than_fcm_or_apns_is_invalid_params() {
    Map<String, Object> params = Map.of("connectionId", conn, "recipientDids", List.of("d"), "payload", payload("p"),
        "pushNotificationToken", Map.of("type", "sms", "token", "t"));
    assertInvalid("addMessage", params, "pushNotificationToken.type");
    assertEquals(0, count(client, conn));
  }

  @Test
  void a_message_with_a_push_token_is_stored() {
    Map<String, Object> params = Map.of("connectionId", conn, "recipientDids", List.of("d"), "payload", payload("p"),
        "pushNotificationToken", Map.of("type", "fcm", "token", "device-token"));
    assertTrue(client.result("addMessage", params).has("messageId"));
    assertEquals(1, count(client, conn));
  }
}
