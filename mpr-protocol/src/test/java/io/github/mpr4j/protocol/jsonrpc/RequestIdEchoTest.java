package io.github.mpr4j.protocol.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A response carries the request's id exactly as it was sent: a number keeps its original text. */
class RequestIdEchoTest {
  private static final String[] IDS = {"1e400", "1.0", "-0", "12345678901234567890", "1.5e3", "0", "-0.0", "1E2",
      "-1e-400", "0.10", "7", "-9007199254740993", "123456789012345678901234567890.5"};

  private static RpcRequest decode(String frame) {
    JsonNode node = JsonRpcCodec.parseFrame(frame.getBytes(StandardCharsets.UTF_8), 0, frame.length());
    return assertInstanceOf(DecodedRequest.Valid.class, JsonRpcCodec.decodeRequest(node)).request();
  }

  private static String idText(String response) {
    int at = response.lastIndexOf("\"id\":");
    return response.substring(at + 5, response.length() - 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "1.0", "-0", "12345678901234567890", "1.5e3", "0", "-0.0", "1E2", "-1e-400",
      "0.10", "7", "-9007199254740993", "123456789012345678901234567890.5"})
  void aSuccessResponseEchoesANumericIdAsItsText(String id) {
    RpcRequest request = decode("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + id + "}");
    assertEquals(id, idText(JsonRpcCodec.success(request.id(), "pong")));
    assertEquals(id, idText(new String(JsonRpcCodec.successUtf8(request.id(), "pong"), StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "1.0", "-0", "12345678901234567890", "1.5e3", "7"})
  void anErrorResponseAndTheAddMessageResponseEchoTheIdAsItsText(String id) {
    RpcRequest request = decode("{\"id\":" + id + ",\"jsonrpc\":\"2.0\",\"method\":\"nope\"}");
    assertEquals(id, idText(JsonRpcCodec.error(request.id(), -32601, "Method not found", null)));
    assertEquals(id, idText(JsonRpcCodec.messageAdded(request.id(), "m-1")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "1.0", "-0", "12345678901234567890", "1.5e3", "7", "-12"})
  void theAddMessageFastPathKeepsTheIdsText(String id) {
    String frame = "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":{\"connectionId\":\"c\","
        + "\"recipientDids\":[\"d\"],\"payload\":{\"ciphertext\":\"x\"}},\"id\":" + id + "}";
    byte[] utf8 = frame.getBytes(StandardCharsets.UTF_8);
    AddMessageFrame add = AddMessageFrame.decode(utf8, 0, utf8.length);
    assertNotNull(add, "the fast path takes every numeric id");
    assertEquals(id, idText(JsonRpcCodec.messageAdded(add.id(), "m-1")));
    assertEquals(id, idText(JsonRpcCodec.error(add.id(), -32001, "too large", Map.of("limit", 1))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "1.0", "-0", "12345678901234567890", "1.5e3", "7"})
  void anInvalidRequestEchoesTheIdAsItsText(String id) {
    JsonNode node = JsonRpcCodec.parseFrame("{\"jsonrpc\":\"1.0\",\"method\":\"ping\",\"id\":" + id + "}");
    DecodedRequest.Invalid invalid = assertInstanceOf(DecodedRequest.Invalid.class, JsonRpcCodec.decodeRequest(node));
    assertEquals(id, idText(JsonRpcCodec.error(invalid.id(), -32600, invalid.message(), null)));
  }

  @org.junit.jupiter.api.Test
  void everyRequestOfABatchKeepsItsIdsText() {
    StringBuilder frame = new StringBuilder("[");
    for (int i = 0; i < IDS.length; i++) {
      frame.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"params\":{\"id\":1.0},\"method\":\"ping\",\"id\":")
          .append(IDS[i]).append("}");
      frame.append(",\"not a request\",[1.0,{\"id\":2.0}]");
    }
    JsonNode batch = JsonRpcCodec.parseFrame(frame.append("]").toString());
    for (int i = 0; i < IDS.length; i++) {
      RpcRequest request = assertInstanceOf(DecodedRequest.Valid.class,
          JsonRpcCodec.decodeRequest(batch.get(3 * i))).request();
      assertEquals(IDS[i], idText(JsonRpcCodec.success(request.id(), true)));
    }
  }
}
