package io.github.mpr4j.protocol.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.QueuedMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseEncodingTest {

  @Test
  void aNullResultIsStillWritten() {
    assertEquals("{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1}",
        JsonRpcCodec.success(JsonRpcCodec.parseFrame("1"), null));
  }

  @Test
  void theIdIsEchoedWithItsType() {
    assertEquals("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":\"7\"}",
        JsonRpcCodec.success(JsonRpcCodec.parseFrame("\"7\""), "pong"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":12345678901}",
        JsonRpcCodec.success(JsonRpcCodec.parseFrame("12345678901"), true));
  }

  @Test
  void theAddMessageResponseIsTheSuccessResponseWithTheMessageId() {
    for (String id : new String[] {"1", "-9007199254740993", "\"req-7\"", "\"a\\\"b\"", "\"é\"", "1.5"}) {
      for (String messageId : new String[] {"0b0d-4f1e-a7", "a\"b", "tab\t", "ü"}) {
        assertEquals(JsonRpcCodec.success(JsonRpcCodec.parseFrame(id), Map.of("messageId", messageId)),
            JsonRpcCodec.messageAdded(JsonRpcCodec.parseFrame(id), messageId), id + " " + messageId);
      }
    }
    assertEquals("{\"jsonrpc\":\"2.0\",\"result\":{\"messageId\":\"m\"},\"id\":null}",
        JsonRpcCodec.messageAdded(null, "m"));
  }

  @Test
  void anErrorWithoutReadableIdHasIdNull() {
    assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}",
        JsonRpcCodec.error(null, -32700, "Parse error", null));
    assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32001,\"message\":\"too large\",\"data\":{\"limit\":10}},\"id\":2}",
        JsonRpcCodec.error(JsonRpcCodec.parseFrame("2"), -32001, "too large", Map.of("limit", 10)));
  }

  @Test
  void queuedMessagesCarryMillisecondTimestampsAndThePayloadUnchanged() {
    QueuedMessage m = new QueuedMessage("m1", Instant.parse("2026-01-02T03:04:05Z"),
        EncryptedMessage.ofJson("{\"ciphertext\":\"é\",\"n\":[1,{\"a\":null}]}"));
    String json = JsonRpcCodec.success(JsonRpcCodec.parseFrame("3"), List.of(m));
    assertEquals("{\"jsonrpc\":\"2.0\",\"result\":[{\"id\":\"m1\",\"receivedAt\":\"2026-01-02T03:04:05.000Z\","
        + "\"encryptedMessage\":{\"ciphertext\":\"é\",\"n\":[1,{\"a\":null}]}}],\"id\":3}", json);
    assertEquals(List.of(m), JsonRpcCodec.queuedMessages(JsonRpcCodec.parseFrame(json).get("result")));
  }

  @Test
  void manyLargePayloadsComeOutByteForByteWhateverTheWritersBufferHolds() {
    List<QueuedMessage> messages = new java.util.ArrayList<>();
    StringBuilder expected = new StringBuilder("{\"jsonrpc\":\"2.0\",\"result\":[");
    for (int i = 0; i < 40; i++) {
      String payload = "{\"ciphertext\":\"" + "é€x".repeat(50 + 37 * i) + "\"}";
      messages.add(new QueuedMessage("m" + i, Instant.ofEpochMilli(i), EncryptedMessage.ofJson(payload)));
      expected.append(i > 0 ? "," : "").append("{\"id\":\"m").append(i).append("\",\"receivedAt\":\"")
          .append(Timestamps.format(Instant.ofEpochMilli(i))).append("\",\"encryptedMessage\":").append(payload).append('}');
    }
    expected.append("],\"id\":4}");
    byte[] utf8 = JsonRpcCodec.successUtf8(JsonRpcCodec.parseFrame("4"), messages);
    assertEquals(expected.toString(), new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(expected.toString(), JsonRpcCodec.success(JsonRpcCodec.parseFrame("4"), messages));
  }

  @Test
  void messagesReceivedHasTheCompatShape() {
    QueuedMessage m = new QueuedMessage("m1", Instant.parse("2026-01-02T03:04:05.123Z"), EncryptedMessage.ofJson("{}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"messagesReceived\",\"params\":{\"connectionId\":\"c\","
        + "\"messages\":[{\"id\":\"m1\",\"receivedAt\":\"2026-01-02T03:04:05.123Z\",\"encryptedMessage\":{}}],\"id\":\"\"}}",
        JsonRpcCodec.messagesReceived("c", List.of(m)));
  }

  @Test
  void aBatchIsAnArrayOfTheResponsesInOrder() {
    assertEquals("[{\"a\":1},{\"b\":2}]", JsonRpcCodec.batch(List.of("{\"a\":1}", "{\"b\":2}")));
    assertEquals("[{\"a\":1},{\"b\":2}]", new String(JsonRpcCodec.batchUtf8(List.of("{\"a\":1}".getBytes(),
        "{\"b\":2}".getBytes())), java.nio.charset.StandardCharsets.UTF_8));
  }
}
