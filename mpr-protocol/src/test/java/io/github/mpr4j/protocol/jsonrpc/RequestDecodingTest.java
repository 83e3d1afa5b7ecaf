package io.github.mpr4j.protocol.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.RpcErrors;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestDecodingTest {

  private static DecodedRequest decode(String json) {
    return JsonRpcCodec.decodeRequest(JsonRpcCodec.parseFrame(json));
  }

  @Test
  void textThatIsNotJsonIsAParseError() {
    MprRpcException e = assertThrows(MprRpcException.class, () -> JsonRpcCodec.parseFrame("{\"jsonrpc\":"));
    assertEquals(RpcErrors.PARSE_ERROR, e.code());
    assertEquals(RpcErrors.PARSE_ERROR,
        assertThrows(MprRpcException.class, () -> JsonRpcCodec.parseFrame("{} {}")).code());
    assertEquals(RpcErrors.PARSE_ERROR,
        assertThrows(MprRpcException.class, () -> JsonRpcCodec.parseFrame("")).code());
  }

  @Test
  void bytesThatAreNotUtf8AreAParseError() {
    byte[] frame = "{\"jsonrpc\":\"2.0\",\"method\":\"p?ng\",\"id\":1}".getBytes(StandardCharsets.UTF_8);
    frame[frame.length - 12] = (byte) 0xC3; // a lead byte followed by an ASCII byte
    MprRpcException e = assertThrows(MprRpcException.class, () -> JsonRpcCodec.parseFrame(frame, 0, frame.length));
    assertEquals(RpcErrors.PARSE_ERROR, e.code());
    byte[] ok = "{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals("é", JsonRpcCodec.parseFrame(ok, 0, ok.length).get("a").textValue());
    assertEquals(RpcErrors.PARSE_ERROR,
        assertThrows(MprRpcException.class, () -> JsonRpcCodec.parseFrame(ok, 0, 0)).code());
  }

  @Test
  void aWellFormedRequestKeepsItsIdMethodAndParams() {
    RpcRequest r = ((DecodedRequest.Valid) decode(
        "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":{\"a\":1},\"id\":\"x-1\"}")).request();
    assertEquals("ping", r.method());
    assertEquals("x-1", r.id().textValue());
    assertEquals(1, r.params().get("a").intValue());
  }

  @Test
  void aRequestWithoutIdIsANotification() {
    RpcRequest r = ((DecodedRequest.Valid) decode("{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}")).request();
    assertTrue(r.isNotification());
    assertNull(r.params());
  }

  @Test
  void anIdOfAnotherTypeMakesTheRequestInvalidAndIsNotEchoed() {
    for (String id : new String[] {"null", "true", "{}", "[1]"}) {
      DecodedRequest d = decode("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + id + "}");
      DecodedRequest.Invalid invalid = assertInstanceOf(DecodedRequest.Invalid.class, d, id);
      assertNull(invalid.id(), id);
    }
  }

  @Test
  void aMissingOrWrongVersionIsInvalidButKeepsTheReadableId() {
    DecodedRequest.Invalid d = assertInstanceOf(DecodedRequest.Invalid.class,
        decode("{\"jsonrpc\":\"1.0\",\"method\":\"ping\",\"id\":7}"));
    assertEquals(7, d.id().intValue());
    assertInstanceOf(DecodedRequest.Invalid.class, decode("{\"method\":\"ping\",\"id\":7}"));
  }

  @Test
  void aMethodThatIsNotAStringIsInvalid() {
    assertInstanceOf(DecodedRequest.Invalid.class, decode("{\"jsonrpc\":\"2.0\",\"method\":5,\"id\":1}"));
    assertInstanceOf(DecodedRequest.Invalid.class, decode("{\"jsonrpc\":\"2.0\",\"id\":1}"));
  }

  @Test
  void paramsThatAreNeitherObjectNorArrayAreInvalid() {
    DecodedRequest.Invalid d = assertInstanceOf(DecodedRequest.Invalid.class,
        decode("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":\"x\",\"id\":1}"));
    assertTrue(d.message().contains("params"));
  }

  @Test
  void aNonObjectElementIsInvalid() {
    assertInstanceOf(DecodedRequest.Invalid.class, JsonRpcCodec.decodeRequest(JsonRpcCodec.parseFrame("1")));
  }
}
