package io.github.mpr4j.protocol.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.RpcErrors;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one decoder of addMessage params, as both paths use it: the general decoder names the first bad
 * member in a fixed order, the fast path leaves every invalid or unusual frame to it, and the usual
 * shape gives the same options on both.
 */
class AddMessageParamsTest {

  private static AddMessageOptions general(String params) {
    return JsonRpcCodec.addMessage(JsonRpcCodec.parseFrame(params));
  }

  private static AddMessageFrame fast(String params) {
    byte[] b = ("{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":" + params + ",\"id\":1}")
        .getBytes(StandardCharsets.UTF_8);
    return AddMessageFrame.decode(b, 0, b.length);
  }

  @Test
  void theFirstBadMemberInTheOrderConnectionRecipientsPayloadTokenIsNamed() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{\"payload\":1,\"recipientDids\":5,\"connectionId\":7}", "connectionId must be a string");
    cases.put("{\"payload\":1,\"recipientDids\":5}", "connectionId is required");
    cases.put("{\"connectionId\":\"\",\"recipientDids\":5}", "connectionId must be a non-empty string");
    cases.put("{\"payload\":1,\"recipientDids\":5,\"connectionId\":\"c\"}", "recipientDids must be an array of strings");
    cases.put("{\"payload\":1,\"recipientDids\":[\"\",3],\"connectionId\":\"c\"}",
        "recipientDids must contain only non-empty strings");
    cases.put("{\"payload\":1,\"recipientDids\":[],\"connectionId\":\"c\"}",
        "recipientDids must be a non-empty array of strings");
    cases.put("{\"pushNotificationToken\":3,\"payload\":[],\"recipientDids\":[\"d\"],\"connectionId\":\"c\"}",
        "payload must be a JSON object");
    cases.put("{\"pushNotificationToken\":3,\"payload\":null,\"recipientDids\":[\"d\"],\"connectionId\":\"c\"}",
        "payload is required");
    cases.put("{\"pushNotificationToken\":3,\"payload\":{},\"recipientDids\":[\"d\"],\"connectionId\":\"c\"}",
        "pushNotificationToken must be an object");
    cases.put("{\"pushNotificationToken\":{\"token\":1,\"type\":2},\"payload\":{},\"recipientDids\":[\"d\"],"
        + "\"connectionId\":\"c\"}", "pushNotificationToken.type must be a string");
    cases.put("{\"pushNotificationToken\":{\"token\":1},\"payload\":{},\"recipientDids\":[\"d\"],\"connectionId\":\"c\"}",
        "pushNotificationToken.type is required");
    cases.put("{\"pushNotificationToken\":{\"token\":1,\"type\":\"fcm\"},\"payload\":{},\"recipientDids\":[\"d\"],"
        + "\"connectionId\":\"c\"}", "pushNotificationToken.token must be a string");
    cases.put("{\"token\":1,\"payload\":{},\"recipientDids\":[\"d\"],\"connectionId\":\"c\"}", "token must be a string");
    cases.forEach((params, message) -> {
      MprRpcException e = assertThrows(MprRpcException.class, () -> general(params), params);
      assertEquals(RpcErrors.INVALID_PARAMS, e.code(), params);
      assertEquals(message, e.getMessage(), params);
      assertNull(fast(params), () -> "the fast path should leave " + params + " to the general decoder");
    });
  }

  @Test
  void aPushTokenObjectWinsOverALegacyTokenWhateverTheLegacyOneHolds() {
    String params = "{\"connectionId\":\"c\",\"recipientDids\":[\"d\"],\"payload\":{},\"token\":5,"
        + "\"pushNotificationToken\":{\"type\":\"apns\",\"token\":\"t\",\"extra\":[1]}}";
    AddMessageOptions o = general(params);
    assertEquals("apns", o.pushNotificationToken().type());
    assertEquals("t", o.pushNotificationToken().token());
    assertNull(fast(params), "unknown members are not the usual shape");
  }

  @Test
  void unknownMembersAreIgnoredByTheGeneralDecoderAndLeftToItByTheFastPath() {
    String params = "{\"connectionId\":\"c\",\"extra\":{\"x\":[1,{\"y\":null}]},\"recipientDids\":[\"d\"],"
        + "\"payload\":{\"a\":\"b\"}}";
    assertEquals("{\"a\":\"b\"}", general(params).payload().json());
    assertNull(fast(params));
  }
}
