package io.github.mpr4j.protocol.jsonrpc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps numeric request ids as they were sent. A JSON tree holds numbers as values, and some values are
 * written back as other text than they came as ({@code 1e400} as {@code "Infinity"}, {@code 1.5e3} as
 * {@code 1500.0}, {@code -0} as {@code 0}); such ids are replaced by a {@link NumberTextNode} of the text the
 * frame holds. A non-zero integer is written as it came (JSON has one way to write it), so the usual id
 * costs nothing more.
 */
final class RequestIds {
  private RequestIds() {}

  /** The id number the parser is at, as a node that writes the parser's text. */
  static JsonNode number(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && !p.getText().startsWith("-0")) {
      switch (p.getNumberType()) {
        case INT:
          return IntNode.valueOf(p.getIntValue());
        case LONG:
          return LongNode.valueOf(p.getLongValue());
        default:
          break;
      }
    }
    return new NumberTextNode(p.getText());
  }

  /** Whether a tree's id node might be written as other text than it came as. */
  private static boolean mayDiffer(JsonNode id) {
    return id != null && id.isNumber() && !(id.isIntegralNumber() && id.bigIntegerValue().signum() != 0);
  }

  /**
   * Replaces, in a parsed frame (a request or a batch), the numeric ids that would be written otherwise than
   * sent by nodes of their text, read again from the frame with a streaming parser.
   *
   * @param reparse a new parser over the same frame
   */
  static void restore(JsonNode frame, ParserSource reparse) throws IOException {
    if (frame.isObject()) {
      if (mayDiffer(frame.get("id"))) {
        try (JsonParser p = reparse.open()) {
          p.nextToken();
          ((ObjectNode) frame).set("id", idOf(p));
        }
      }
      return;
    }
    if (!frame.isArray() || !anyMayDiffer(frame)) {
      return;
    }
    List<JsonNode> ids = new ArrayList<>(frame.size());
    try (JsonParser p = reparse.open()) {
      p.nextToken();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        ids.add(p.currentToken() == JsonToken.START_OBJECT ? idOf(p) : skip(p));
      }
    }
    ArrayNode batch = (ArrayNode) frame;
    for (int i = 0; i < batch.size() && i < ids.size(); i++) {
      JsonNode element = batch.get(i);
      if (element.isObject() && mayDiffer(element.get("id")) && ids.get(i) != null) {
        ((ObjectNode) element).set("id", ids.get(i));
      }
    }
  }

  private static boolean anyMayDiffer(JsonNode batch) {
    for (JsonNode element : batch) {
      if (element.isObject() && mayDiffer(element.get("id"))) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  /** The last numeric {@code id} member of the object the parser is at (the one a tree keeps), read to its end. */
  private static JsonNode idOf(JsonParser p) throws IOException {
    JsonNode id = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      boolean isId = "id".equals(p.currentName());
      JsonToken value = p.nextToken();
      if (isId && value.isNumeric()) {
        id = number(p);
      } else {
        p.skipChildren();
      }
    }
    return id;
  }

  /** Opens a parser over a frame again. */
  @FunctionalInterface
  interface ParserSource {
    JsonParser open() throws IOException;
  }
}
