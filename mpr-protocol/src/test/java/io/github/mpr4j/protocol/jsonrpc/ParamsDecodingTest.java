package io.github.mpr4j.protocol.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.RpcErrors;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ParamsDecodingTest {

  private static JsonNode json(String s) {
    return JsonRpcCodec.parseFrame(s);
  }

  private static void assertInvalidNaming(String field, Function<JsonNode, ?> decoder, String params) {
    MprRpcException e = assertThrows(MprRpcException.class, () -> decoder.apply(json(params)), params);
    assertEquals(RpcErrors.INVALID_PARAMS, e.code());
    assertTrue(e.getMessage().contains(field), () -> "'" + e.getMessage() + "' should name " + field);
  }

  @Test
  void addMessageReadsEveryField() {
    AddMessageOptions o = JsonRpcCodec.addMessage(json("{\"connectionId\":\"c1\",\"recipientDids\":[\"did:a\",\"did:b\"],"
        + "\"payload\":{\"protected\":\"p\",\"n\":[1,2]},\"pushNotificationToken\":{\"type\":\"fcm\",\"token\":\"t\"}}"));
    assertEquals("c1", o.connectionId());
    assertEquals(List.of("did:a", "did:b"), o.recipientDids());
    assertEquals("{\"protected\":\"p\",\"n\":[1,2]}", o.payload().json());
    assertEquals("fcm", o.pushNotificationToken().type());
    assertEquals("t", o.pushNotificationToken().token());
  }

  @Test
  void addMessageNamesTheBadField() {
    Function<JsonNode, ?> d = JsonRpcCodec::addMessage;
    assertInvalidNaming("connectionId", d, "{\"recipientDids\":[\"a\"],\"payload\":{}}");
    assertInvalidNaming("connectionId", d, "{\"connectionId\":5,\"recipientDids\":[\"a\"],\"payload\":{}}");
    assertInvalidNaming("recipientDids", d, "{\"connectionId\":\"c\",\"recipientDids\":[],\"payload\":{}}");
    assertInvalidNaming("recipientDids", d, "{\"connectionId\":\"c\",\"recipientDids\":\"a\",\"payload\":{}}");
    assertInvalidNaming("recipientDids", d, "{\"connectionId\":\"c\",\"recipientDids\":[1],\"payload\":{}}");
    assertInvalidNaming("payload", d, "{\"connectionId\":\"c\",\"recipientDids\":[\"a\"]}");
    assertInvalidNaming("payload", d, "{\"connectionId\":\"c\",\"recipientDids\":[\"a\"],\"payload\":\"jwe\"}");
    assertInvalidNaming("pushNotificationToken.type", d,
        "{\"connectionId\":\"c\",\"recipientDids\":[\"a\"],\"payload\":{},\"pushNotificationToken\":{\"type\":\"sms\"}}");
    // the gateway's in-process Web Push type is never accepted from the wire
    assertInvalidNaming("pushNotificationToken.type", d, "{\"connectionId\":\"c\",\"recipientDids\":[\"a\"],\"payload\":{},"
        + "\"pushNotificationToken\":{\"type\":\"webpush\",\"token\":\"{}\"}}");
    assertInvalidNaming("params", d, "[1,2]");
  }

  @Test
  void aNullPushTokenCountsAsAbsent() {
    AddMessageOptions o = JsonRpcCodec.addMessage(json(
        "{\"connectionId\":\"c\",\"recipientDids\":[\"a\"],\"payload\":{},\"pushNotificationToken\":null}"));
    assertNull(o.pushNotificationToken());
  }

  @Test
  void aPlainTokenFromOlderTypeScriptClientsIsAnFcmToken() {
    AddMessageOptions o = JsonRpcCodec.addMessage(json(
        "{\"connectionId\":\"c\",\"recipientDids\":[\"a\"],\"payload\":{},\"token\":\"device-1\"}"));
    assertEquals("fcm", o.pushNotificationToken().type());
    assertEquals("device-1", o.pushNotificationToken().token());
  }

  @Test
  void takeFromQueueReadsLimitsAndDefaults() {
    TakeFromQueueOptions o = JsonRpcCodec.takeFromQueue(json("{\"connectionId\":\"c\"}"));
    assertNull(o.limit());
    assertNull(o.limitBytes());
    assertNull(o.recipientDid());
    assertFalse(o.deleteMessages());
    o = JsonRpcCodec.takeFromQueue(json(
        "{\"connectionId\":\"c\",\"recipientDid\":\"d\",\"limit\":0,\"limitBytes\":10,\"deleteMessages\":true}"));
    assertEquals(0, o.limit());
    assertEquals(10, o.limitBytes());
    assertEquals("d", o.recipientDid());
    assertTrue(o.deleteMessages());
  }

  @Test
  void takeFromQueueRejectsNegativeFractionalAndMistypedLimits() {
    Function<JsonNode, ?> d = JsonRpcCodec::takeFromQueue;
    assertInvalidNaming("limit", d, "{\"connectionId\":\"c\",\"limit\":-1}");
    assertInvalidNaming("limit", d, "{\"connectionId\":\"c\",\"limit\":1.5}");
    assertInvalidNaming("limit", d, "{\"connectionId\":\"c\",\"limit\":\"10\"}");
    assertInvalidNaming("limitBytes", d, "{\"connectionId\":\"c\",\"limitBytes\":0}");
    assertInvalidNaming("deleteMessages", d, "{\"connectionId\":\"c\",\"deleteMessages\":\"yes\"}");
    assertInvalidNaming("recipientDid", d, "{\"connectionId\":\"c\",\"recipientDid\":3}");
  }

  @Test
  void otherMethodsNameTheirRequiredFields() {
    assertInvalidNaming("messageIds", JsonRpcCodec::removeMessages, "{\"connectionId\":\"c\"}");
    assertInvalidNaming("recipientDid", JsonRpcCodec::removeAllMessages, "{\"connectionId\":\"c\"}");
    assertInvalidNaming("sessionId", JsonRpcCodec::addLiveSession, "{\"connectionId\":\"c\"}");
    assertInvalidNaming("connectionId", JsonRpcCodec::getLiveSession, "{}");
    assertInvalidNaming("connectionId", JsonRpcCodec::getAvailableMessageCount, "{\"connectionId\":\"\"}");
    assertInvalidNaming("params", JsonRpcCodec::eventNames, "{}");
  }
}
