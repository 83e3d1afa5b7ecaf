package io.github.mpr4j.protocol.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.AddMessageOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming decoder of addMessage frames gives what the general decoder gives, or leaves the frame to it. */
class AddMessageFastPathTest {

  private static final String JWE = "{\"protected\":\"eyJhbGciOiJFQ0RILUVTIn0\",\"iv\":\"aXYtMTIz\","
      + "\"ciphertext\":\"Y2lwaGVy-_dGV4dA\",\"tag\":\"dGFn\"}";

  private static AddMessageFrame fast(String frame) {
    byte[] b = frame.getBytes(StandardCharsets.UTF_8);
    return AddMessageFrame.decode(b, 0, b.length);
  }

  private static AddMessageOptions general(String frame) {
    JsonNode node = JsonRpcCodec.parseFrame(frame);
    RpcRequest request = ((DecodedRequest.Valid) JsonRpcCodec.decodeRequest(node)).request();
    return JsonRpcCodec.addMessage(request.params());
  }

  private static JsonNode generalId(String frame) {
    return ((DecodedRequest.Valid) JsonRpcCodec.decodeRequest(JsonRpcCodec.parseFrame(frame))).request().id();
  }

  private static void assertSameAsGeneralPath(String frame) {
    AddMessageFrame f = fast(frame);
    assertNotNull(f, () -> "the fast path should take " + frame);
    assertEquals(general(frame), f.options(), frame);
    assertEquals(generalId(frame), f.id(), frame);
  }

  @Test
  void decodesTheRequestOfEveryMediatorAsTheGeneralDecoderDoes() {
    assertSameAsGeneralPath("{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":{\"connectionId\":\"c1\","
        + "\"recipientDids\":[\"did:key:z6Mk1\"],\"payload\":" + JWE + "},\"id\":7}");
    assertSameAsGeneralPath("{\"id\":\"a-b\",\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":{\"payload\":"
        + JWE + ",\"recipientDids\":[\"did:a\",\"did:b\"],\"connectionId\":\"c1\","
        + "\"pushNotificationToken\":{\"type\":\"fcm\",\"token\":\"tok\"}}}");
    assertSameAsGeneralPath(" {\"jsonrpc\" : \"2.0\", \"method\":\"addMessage\", \"params\": {\"connectionId\":\"c\","
        + " \"recipientDids\": [\"d\"], \"payload\" : {\"a\":[true,false,null,{}],\"b\":\"x y 1 -2\"}}, \"id\": 9000000000 }\n");
  }

  @Test
  void readsAFrameThatStartsInsideABiggerArray() {
    String frame = "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":{\"connectionId\":\"c1\","
        + "\"recipientDids\":[\"d\"],\"payload\":" + JWE + "},\"id\":1}";
    byte[] inner = frame.getBytes(StandardCharsets.UTF_8);
    byte[] outer = new byte[inner.length + 10];
    System.arraycopy(inner, 0, outer, 7, inner.length);
    AddMessageFrame f = AddMessageFrame.decode(outer, 7, inner.length);
    assertNotNull(f);
    assertEquals(JWE, f.options().payload().json());
  }

  @Test
  void givesWhatTheGeneralDecoderGivesForRandomJweFramesInAnyFieldOrder() {
    Random r = new Random(42);
    for (int i = 0; i < 500; i++) {
      List<String> top = new ArrayList<>(List.of("\"jsonrpc\":\"2.0\"", "\"id\":" + r.nextInt(1_000_000)));
      List<String> params = new ArrayList<>(List.of("\"connectionId\":\"conn-" + r.nextInt(100) + "\"",
          "\"recipientDids\":[\"did:key:" + r.nextInt(9) + "\"" + (r.nextBoolean() ? ",\"did:peer:2\"" : "") + "]",
          "\"payload\":" + jwe(r)));
      if (r.nextBoolean()) {
        params.add("\"pushNotificationToken\":{\"type\":\"apns\",\"token\":\"" + r.nextInt() + "\"}");
      }
      Collections.shuffle(top, r);
      Collections.shuffle(params, r);
      String frame = "{" + top.get(0) + ",\"method\":\"addMessage\"," + top.get(1) + ",\"params\":{"
          + String.join(",", params) + "}}";
      assertSameAsGeneralPath(frame);
    }
  }

  private static String jwe(Random r) {
    byte[] b = new byte[1 + r.nextInt(2000)];
    r.nextBytes(b);
    String ct = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    return "{\"protected\":\"eyJ0eXAiOiJKV00ifQ\",\"recipients\":[{\"header\":{\"kid\":\"did:key:z6Mk#1\"},"
        + "\"encrypted_key\":\"a2V5\"}],\"iv\":\"aXY\",\"ciphertext\":\"" + ct + "\",\"tag\":\"dGFn\"}";
  }

  @Test
  void leavesEveryOtherFrameToTheGeneralDecoder() {
    String params = "{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":" + JWE + "}";
    List<String> others = List.of(
        "", "null", "[]", "not json", "{",
        "[{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":" + params + ",\"id\":1}]",
        "{\"jsonrpc\":\"2.0\",\"method\":\"takeFromQueue\",\"params\":{\"connectionId\":\"c\"},\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"params\":" + params + ",\"method\":\"addMessage\",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":" + params + "}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":" + params + ",\"id\":null}",
        "{\"jsonrpc\":\"1.0\",\"method\":\"addMessage\",\"params\":" + params + ",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":" + params + ",\"id\":1,\"extra\":0}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":" + params + ",\"id\":1,\"id\":2}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":" + params + ",\"id\":1} trailing",
        "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":[],\"id\":1}",
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[],\"payload\":" + JWE + "}"),
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[1],\"payload\":" + JWE + "}"),
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[\"d\"]}"),
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":\"jwe\"}"),
        withParams("{\"connectionId\":5,\"recipientDids\":[\"d\"],\"payload\":" + JWE + "}"),
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":" + JWE + ",\"token\":\"legacy\"}"),
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":" + JWE
            + ",\"pushNotificationToken\":null}"),
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":" + JWE
            + ",\"pushNotificationToken\":{\"type\":\"sms\",\"token\":\"t\"}}"),
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":" + JWE
            + ",\"pushNotificationToken\":{\"type\":\"webpush\",\"token\":\"t\"}}"),
        // payloads that the general path writes differently than they came: spaces, escapes, numbers, non-ASCII
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":{\"a\": \"b\"}}"),
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":{\"a\":\"\\u0062\"}}"),
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":{\"a\":1e2}}"),
        withParams("{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":{\"a\":\"é\"}}"));
    for (String frame : others) {
      assertNull(fast(frame), () -> "the general path should take " + frame);
    }
  }

  private static String withParams(String params) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":" + params + ",\"id\":1}";
  }
}
