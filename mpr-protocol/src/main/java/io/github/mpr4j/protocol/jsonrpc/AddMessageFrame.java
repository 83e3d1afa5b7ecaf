package io.github.mpr4j.protocol.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MprRpcException;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A frame that holds exactly one addMessage request, decoded by the fast path of {@link #decode}: the
 * request every mediator sends for every message, read in one streaming pass with the payload kept as the
 * bytes it arrived as, without building a JSON tree of it and writing it out again.
 *
 * @param id the request id (a number or string node; never {@code null}: notifications take the general path)
 * @param options the request's params
 */
public record AddMessageFrame(JsonNode id, AddMessageOptions options) {

  private static final JsonFactory FACTORY = JsonRpcCodec.mapper().getFactory();

  /**
   * Decodes a frame if it is one well-formed addMessage request of the usual shape: an object with
   * {@code jsonrpc}, {@code method} before {@code params}, a number or string {@code id}, and params
   * {@code connectionId}, {@code recipientDids} (non-empty), {@code payload} and optionally
   * {@code pushNotificationToken} ({@code type} and {@code token} strings), each once, nothing else; and a
   * payload that is already compact printable ASCII JSON without escapes or numbers (as a JWE is), so that
   * its bytes are exactly what {@link JsonRpcCodec#addMessage} would make of it. The params are read by the
   * same decoder as {@link JsonRpcCodec#addMessage}'s, so both accept and refuse the same ones.
   *
   * @param utf8 the array that holds the frame's UTF-8 text
   * @param offset the index of the frame's first byte
   * @param length the number of bytes of the frame
   * @return the request, or {@code null} for any other frame, valid or not: the caller then decodes it with
   *     {@link JsonRpcCodec#parseFrame} and {@link JsonRpcCodec#decodeRequest}, which answer everything
   */
  public static @Nullable AddMessageFrame decode(byte[] utf8, int offset, int length) {
    try (JsonParser p = FACTORY.createParser(utf8, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonNode id = null;
      boolean version = false;
      boolean method = false;
      AddMessageOptions options = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "jsonrpc" -> {
            if (version || value != JsonToken.VALUE_STRING || !"2.0".equals(p.getText())) {
              return null;
            }
            version = true;
          }
          case "method" -> {
            if (method || value != JsonToken.VALUE_STRING || !"addMessage".equals(p.getText())) {
              return null;
            }
            method = true;
          }
          case "id" -> {
            if (id != null || (id = id(p, value)) == null) {
              return null;
            }
          }
          case "params" -> {
            if (!method || options != null || value != JsonToken.START_OBJECT
                || (options = params(p, utf8, offset)) == null) {
              return null;
            }
          }
          default -> {
            return null;
          }
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null || !version || id == null || options == null) {
        return null;
      }
      return new AddMessageFrame(id, options);
    } catch (IOException | RuntimeException e) {
      return null; // not JSON, too deep, a number out of range...: the general path says what is wrong
    }
  }

  private static JsonNode id(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return TextNode.valueOf(p.getText());
    }
    return value.isNumeric() ? RequestIds.number(p) : null;
  }

  /**
   * Reads the params object the parser is at the start of with the one decoder of them ({@link
   * AddMessageParams}); {@code null} when they are not of the usual shape or not valid, or when the payload
   * is not compact ASCII.
   */
  private static AddMessageOptions params(JsonParser p, byte[] utf8, int offset) throws IOException {
    AddMessageParams params = AddMessageParams.read(p);
    if (!params.usual() || !params.hasPayload()) {
      return null;
    }
    int start = offset + (int) params.payloadStart();
    int end = offset + (int) params.payloadEnd();
    if (!isCompactAscii(utf8, start, end)) {
      return null;
    }
    try {
      return params.options(EncryptedMessage.ofJsonUtf8(utf8, start, end - start));
    } catch (MprRpcException e) {
      return null; // invalid: the general path answers it
    }
  }

  /** Bytes that may stand inside a string of a compact ASCII payload: printable ASCII but '"' and '\\'. */
  private static final boolean[] STRING_BYTE = new boolean[256];
  /** Bytes that may stand outside strings in a compact payload without numbers: structure and literals. */
  private static final boolean[] STRUCTURE_BYTE = new boolean[256];

  static {
    for (int c = 0x20; c < 0x7f; c++) {
      STRING_BYTE[c] = c != '"' && c != '\\';
    }
    for (char c : "{}[]:,truefalsn".toCharArray()) {
      STRUCTURE_BYTE[c] = true;
    }
  }

  /**
   * Whether the bytes of a JSON object (which the parser has checked) are printable ASCII with no backslash,
   * no whitespace outside strings and no number: then writing the parsed object out compactly gives back
   * exactly these bytes. Strings, nearly all of a JWE, are crossed by a loop of one table look-up a byte.
   */
  static boolean isCompactAscii(byte[] b, int start, int end) {
    int i = start;
    while (i < end) {
      int c = b[i++] & 0xff;
      if (c == '"') {
        while (i < end && STRING_BYTE[b[i] & 0xff]) {
          i++;
        }
        if (i == end || b[i] != '"') {
          return false; // a backslash, a control character or a byte of a multi-byte character
        }
        i++;
      } else if (!STRUCTURE_BYTE[c]) {
        return false;
      }
    }
    return true;
  }
}
