package io.github.mpr4j.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JsonOutTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void stringsWithQuotesBackslashesControlCharactersAndNonAsciiReadBackUnchanged() throws Exception {
    String tricky = "a\"b\\c\nd\re\tf\u0001g\u001fh é € 😀 end";
    ByteBuf buf = Unpooled.buffer();
    try {
      new JsonOut(buf).startObject().field("s", tricky).field("n").value(-42L).field("b").value(true)
          .field("list").startArray().value("x").value("y").endArray()
          .field("raw").raw("{\"k\":\"ü\"}").endObject();
      String text = buf.toString(StandardCharsets.UTF_8);
      JsonNode node = JSON.readTree(text);
      assertEquals(tricky, node.get("s").textValue());
      assertEquals(-42, node.get("n").intValue());
      assertEquals(true, node.get("b").booleanValue());
      assertEquals("[\"x\",\"y\"]", node.get("list").toString());
      assertEquals("ü", node.get("raw").get("k").textValue());
      assertEquals(5, node.size());
    } finally {
      buf.release();
    }
  }
}
