package io.github.mpr4j.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.jsonrpc.RpcMethod;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/api.md must name every method and error code of the code. */
class ApiDocumentationTest {
  private static String apiDoc() throws IOException {
    return Files.readString(Path.of("..", "docs", "api.md"));
  }

  @Test
  void everyMethodIsDocumented() throws IOException {
    String doc = apiDoc();
    for (RpcMethod m : RpcMethod.values()) {
      assertTrue(doc.contains("`" + m.wireName() + "`"), m.wireName() + " is missing from docs/api.md");
    }
    assertTrue(doc.contains(RpcMethod.MESSAGES_RECEIVED));
  }

  @Test
  void everyErrorCodeIsDocumented() throws IOException, IllegalAccessException {
    String doc = apiDoc();
    for (Field f : RpcErrors.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        int code = f.getInt(null);
        assertTrue(doc.contains("| " + code + " |"), code + " (" + f.getName() + ") is missing from docs/api.md");
      }
    }
  }
}
