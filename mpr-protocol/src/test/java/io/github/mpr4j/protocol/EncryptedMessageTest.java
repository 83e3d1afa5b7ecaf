package io.github.mpr4j.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mpr4j.protocol.jsonrpc.JsonRpcCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncryptedMessageTest {

  @Test
  void byteSizeIsTheUtf8LengthOfTheJsonText() {
    for (String json : new String[] {"{}", "{\"a\":\"é\"}", "{\"a\":\"€\"}", "{\"a\":\"😀\"}"}) {
      EncryptedMessage m = EncryptedMessage.ofJson(json);
      assertEquals(json.getBytes(StandardCharsets.UTF_8).length, m.byteSize(), json);
    }
  }

  @Test
  void utf8BytesKeepTheirLengthAsByteSize() {
    byte[] utf8 = "{\"a\":\"😀é\"}".getBytes(StandardCharsets.UTF_8);
    EncryptedMessage m = EncryptedMessage.ofJsonUtf8(utf8);
    assertEquals(utf8.length, m.byteSize());
    assertEquals(EncryptedMessage.ofJson("{\"a\":\"😀é\"}"), m);
    assertThrows(IllegalArgumentException.class, () -> EncryptedMessage.ofJsonUtf8(new byte[] {'[', ']'}));
  }

  @Test
  void aMessageKeepsItsOwnCopyOfTheBytesItWasMadeFrom() {
    byte[] frame = "xx{\"a\":\"é\"}yy".getBytes(StandardCharsets.UTF_8);
    EncryptedMessage m = EncryptedMessage.ofJsonUtf8(frame, 2, frame.length - 4);
    assertEquals("{\"a\":\"é\"}", m.json());
    java.util.Arrays.fill(frame, (byte) ' ');
    m.utf8()[1] = '!';
    assertEquals("{\"a\":\"é\"}", m.json());
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(m.byteSize());
    m.writeUtf8(out);
    assertEquals("{\"a\":\"é\"}", new String(out.array(), StandardCharsets.UTF_8));
    assertThrows(IndexOutOfBoundsException.class, () -> EncryptedMessage.ofJsonUtf8(frame, 5, frame.length));
  }

  @Test
  void parsingNormalisesToCompactJson() {
    assertEquals("{\"a\":1,\"b\":[true,null]}", JsonRpcCodec.encryptedMessage("{ \"a\" : 1, \"b\": [true, null] }").json());
  }

  @Test
  void onlyObjectsAreAccepted() {
    assertThrows(IllegalArgumentException.class, () -> EncryptedMessage.ofJson("[1]"));
    assertThrows(IllegalArgumentException.class, () -> JsonRpcCodec.encryptedMessage("\"jwe\""));
    assertThrows(IllegalArgumentException.class, () -> JsonRpcCodec.encryptedMessage("{"));
  }
}
