package io.github.mpr4j.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the drain mode needs of an answer: whether it is an error, and, when its result is an array (a
 * takeFromQueue answer), the ids of the messages in it. Read with a streaming parser that skips the
 * payloads, so that the load tool spends little of the machine's CPU on 100 KiB answers.
 *
 * @param error whether the answer has an {@code error} member
 * @param ids the message ids of an array result, in order; {@code null} when the result is not an array
 */
record TakeAnswer(boolean error, List<String> ids) {
  private static final JsonFactory JSON = new JsonFactory();

  static TakeAnswer read(String text) throws IOException {
    boolean error = false;
    List<String> ids = null;
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON-RPC answer: " + text);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("error".equals(name)) {
          error = true;
          p.skipChildren();
        } else if ("result".equals(name) && value == JsonToken.START_ARRAY) {
          ids = new ArrayList<>();
          while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              p.nextToken();
              if ("id".equals(field)) {
                ids.add(p.getText());
              } else {
                p.skipChildren();
              }
            }
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return new TakeAnswer(error, ids);
  }
}
