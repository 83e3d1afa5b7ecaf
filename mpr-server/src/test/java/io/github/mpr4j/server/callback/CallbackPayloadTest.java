package io.github.mpr4j.server.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CallbackPayloadTest {
  private static String payload(String body) {
    var m = GatewayCore.payloadOf(body.getBytes(StandardCharsets.UTF_8));
    return m == null ? null : m.json();
  }

  @Test
  void oneJsonValueBecomesTheCompactData() {
    assertEquals("{\"data\":{\"task\":42,\"done\":true}}", payload(" {\"task\" : 42,\n \"done\": true} \n"));
    assertEquals("{\"data\":[1,\"two\",null,{}]}", payload("[1, \"two\", null, {}]"));
    assertEquals("{\"data\":\"done\"}", payload("\"done\""));
    assertEquals("{\"data\":-1.5}", payload(" -1.5 "));
    assertEquals("{\"data\":{\"text\":\"caf\u00e9 \u2713 \\\"q\\\"\"}}", payload("{\"text\":\"caf\u00e9 \u2713 \\\"q\\\"\"}"));
  }

  @Test
  void anythingElseIsNotJson() {
    assertNull(payload(""));
    assertNull(payload("  \n"));
    assertNull(payload("{"));
    assertNull(payload("{\"a\":1} {\"b\":2}"));
    assertNull(payload("[1,2]]"));
    assertNull(payload("not json"));
  }
}
