package io.github.mpr4j.protocol.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.RpcErrors;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the MPR dialect of JSON-RPC 2.0 (that of the npm library rpc-websockets).
 *
 * <p>Decoding is strict: a frame that is not JSON is a -32700 error, an element that is not a request
 * object is -32600, and params of the wrong shape are -32602 with a message that names the field. Optional
 * members given as JSON {@code null} count as absent, as JavaScript clients send them.
 */
public final class JsonRpcCodec {

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonRpcCodec() {}

  /**
   * The Jackson mapper the codec uses (read-only use: do not reconfigure it).
   *
   * @return the shared mapper (nesting depth at most 256, trailing tokens refused)
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  // ---------------------------------------------------------------- decoding requests

  /**
   * Parses a text frame. A numeric request id keeps the text it was sent as (see {@link #success}).
   *
   * @param text the frame's text
   * @return the frame's JSON value (an object, or an array for a batch; other values are checked later)
   * @throws MprRpcException with {@link RpcErrors#PARSE_ERROR} when the text is not one JSON value
   */
  public static JsonNode parseFrame(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new MprRpcException(RpcErrors.PARSE_ERROR, "Parse error: empty frame", null);
      }
      RequestIds.restore(node, () -> MAPPER.getFactory().createParser(text));
      return node;
    } catch (JsonProcessingException e) {
      throw new MprRpcException(RpcErrors.PARSE_ERROR, "Parse error: " + e.getOriginalMessage(), null);
    } catch (IOException e) {
      throw new MprRpcException(RpcErrors.PARSE_ERROR, "Parse error: " + e.getMessage(), null);
    }
  }

  /**
   * Parses a text frame from its UTF-8 bytes, checking the encoding on the way (malformed UTF-8 is a
   * parse error, like malformed JSON).
   *
   * @param utf8 the array that holds the frame's bytes
   * @param offset the index of the frame's first byte
   * @param length the number of bytes of the frame
   * @return the frame's JSON value
   * @throws MprRpcException with {@link RpcErrors#PARSE_ERROR} when the bytes are not one JSON value in UTF-8
   */
  public static JsonNode parseFrame(byte[] utf8, int offset, int length) {
    try {
      JsonNode node = MAPPER.readTree(MAPPER.getFactory().createParser(utf8, offset, length));
      if (node == null || node.isMissingNode()) {
        throw new MprRpcException(RpcErrors.PARSE_ERROR, "Parse error: empty frame", null);
      }
      RequestIds.restore(node, () -> MAPPER.getFactory().createParser(utf8, offset, length));
      return node;
    } catch (JsonProcessingException e) {
      throw new MprRpcException(RpcErrors.PARSE_ERROR, "Parse error: " + e.getOriginalMessage(), null);
    } catch (IOException e) {
      throw new MprRpcException(RpcErrors.PARSE_ERROR, "Parse error: " + e.getMessage(), null);
    }
  }

  /**
   * Decodes one request object (a frame, or one element of a batch).
   *
   * @param node the JSON value
   * @return {@link DecodedRequest.Valid} for a well-formed request, else {@link DecodedRequest.Invalid} with the
   *     reason (answered with -32600)
   */
  public static DecodedRequest decodeRequest(JsonNode node) {
    if (!node.isObject()) {
      return new DecodedRequest.Invalid(null, "Invalid Request: a request must be a JSON object");
    }
    JsonNode idNode = node.get("id");
    JsonNode id = null;
    if (idNode != null) {
      if (!(idNode.isTextual() || idNode.isNumber())) {
        return new DecodedRequest.Invalid(null, "Invalid Request: id must be a number or a string");
      }
      id = idNode;
    }
    JsonNode version = node.get("jsonrpc");
    if (version == null || !version.isTextual() || !"2.0".equals(version.textValue())) {
      return new DecodedRequest.Invalid(id, "Invalid Request: jsonrpc must be \"2.0\"");
    }
    JsonNode method = node.get("method");
    if (method == null || !method.isTextual()) {
      return new DecodedRequest.Invalid(id, "Invalid Request: method must be a string");
    }
    JsonNode params = node.get("params");
    if (params != null && params.isNull()) {
      params = null;
    }
    if (params != null && !params.isObject() && !params.isArray()) {
      return new DecodedRequest.Invalid(id, "Invalid Request: params must be an object or an array");
    }
    return new DecodedRequest.Valid(new RpcRequest(id, method.textValue(), params));
  }

  // ---------------------------------------------------------------- decoding params

  /**
   * Reads the params of addMessage, checked by the same decoder as the server's fast path ({@link
   * AddMessageFrame}).
   *
   * @param params the request's params member; {@code null} when absent
   * @return the options
   * @throws MprRpcException -32602 naming the field when the params are absent, not an object or invalid
   */
  public static AddMessageOptions addMessage(@Nullable JsonNode params) {
    JsonNode p = object(params);
    AddMessageParams read;
    try (JsonParser parser = p.traverse()) {
      parser.nextToken();
      read = AddMessageParams.read(parser);
    } catch (IOException e) {
      throw new IllegalStateException("a parsed JSON tree could not be read", e);
    }
    return read.options(read.hasPayload() ? compact(p.get("payload")) : null);
  }

  /**
   * Reads the params of takeFromQueue.
   *
   * @param params the request's params member; {@code null} when absent
   * @return the options
   * @throws MprRpcException -32602 naming the field when the params are absent, not an object or invalid
   */
  public static TakeFromQueueOptions takeFromQueue(@Nullable JsonNode params) {
    JsonNode p = object(params);
    return new TakeFromQueueOptions(
        requiredString(p, "connectionId"),
        optionalString(p, "recipientDid", "recipientDid"),
        optionalInt(p, "limit"),
        optionalInt(p, "limitBytes"),
        optionalBoolean(p, "deleteMessages"));
  }

  /**
   * Reads the params of removeMessages.
   *
   * @param params the request's params member; {@code null} when absent
   * @return the options
   * @throws MprRpcException -32602 naming the field when the params are absent, not an object or invalid
   */
  public static RemoveMessagesOptions removeMessages(@Nullable JsonNode params) {
    JsonNode p = object(params);
    return new RemoveMessagesOptions(requiredString(p, "connectionId"), stringArray(p, "messageIds", true));
  }

  /**
   * Reads the params of removeAllMessages.
   *
   * @param params the request's params member; {@code null} when absent
   * @return the options
   * @throws MprRpcException -32602 naming the field when the params are absent, not an object or invalid
   */
  public static RemoveAllMessagesOptions removeAllMessages(@Nullable JsonNode params) {
    JsonNode p = object(params);
    return new RemoveAllMessagesOptions(requiredString(p, "connectionId"), requiredString(p, "recipientDid"));
  }

  /**
   * Reads the params of getAvailableMessageCount.
   *
   * @param params the request's params member; {@code null} when absent
   * @return the options
   * @throws MprRpcException -32602 naming the field when the params are absent, not an object or invalid
   */
  public static GetAvailableMessageCountOptions getAvailableMessageCount(@Nullable JsonNode params) {
    JsonNode p = object(params);
    return new GetAvailableMessageCountOptions(requiredString(p, "connectionId"),
        optionalString(p, "recipientDid", "recipientDid"));
  }

  /**
   * Reads the params of addLiveSession.
   *
   * @param params the request's params member; {@code null} when absent
   * @return the options
   * @throws MprRpcException -32602 naming the field when the params are absent, not an object or invalid
   */
  public static AddLiveSessionOptions addLiveSession(@Nullable JsonNode params) {
    JsonNode p = object(params);
    return new AddLiveSessionOptions(requiredString(p, "connectionId"), requiredString(p, "sessionId"));
  }

  /**
   * Reads the params of removeLiveSession.
   *
   * @param params the request's params member; {@code null} when absent
   * @return the options
   * @throws MprRpcException -32602 naming the field when the params are absent, not an object or invalid
   */
  public static RemoveLiveSessionOptions removeLiveSession(@Nullable JsonNode params) {
    JsonNode p = object(params);
    return new RemoveLiveSessionOptions(requiredString(p, "connectionId"),
        optionalString(p, "sessionId", "sessionId"));
  }

  /**
   * Reads the params of getLiveSession.
   *
   * @param params the request's params member; {@code null} when absent
   * @return the options
   * @throws MprRpcException -32602 naming the field when the params are absent, not an object or invalid
   */
  public static GetLiveSessionOptions getLiveSession(@Nullable JsonNode params) {
    return new GetLiveSessionOptions(requiredString(object(params), "connectionId"));
  }

  /**
   * Reads the params of rpc.on and rpc.off: a non-empty array of event names.
   *
   * @param params the request's params member; {@code null} when absent
   * @return the event names, in the order given (known or not)
   * @throws MprRpcException -32602 when the params are not a non-empty array of strings
   */
  public static List<String> eventNames(@Nullable JsonNode params) {
    if (params == null || !params.isArray() || params.isEmpty()) {
      throw invalid("params must be a non-empty array of event names");
    }
    List<String> names = new ArrayList<>(params.size());
    for (JsonNode n : params) {
      if (!n.isTextual()) {
        throw invalid("params must contain only event names (strings)");
      }
      names.add(n.textValue());
    }
    return names;
  }

  /** The compact UTF-8 JSON of an object node, measured as it is written (no second pass to count bytes). */
  private static EncryptedMessage compact(JsonNode object) {
    try {
      return EncryptedMessage.ofJsonUtf8(MAPPER.writeValueAsBytes(object));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree could not be written", e);
    }
  }

  private static JsonNode object(JsonNode params) {
    if (params == null) {
      throw invalid("params are required");
    }
    if (!params.isObject()) {
      throw invalid("params must be an object");
    }
    return params;
  }

  private static String requiredString(JsonNode p, String field) {
    JsonNode v = p.get(field);
    if (v == null || v.isNull()) {
      throw invalid(field + " is required");
    }
    if (!v.isTextual()) {
      throw invalid(field + " must be a string");
    }
    if (v.textValue().isEmpty()) {
      throw invalid(field + " must be a non-empty string");
    }
    return v.textValue();
  }

  private static String optionalString(JsonNode p, String field, String name) {
    JsonNode v = p.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw invalid(name + " must be a string");
    }
    return v.textValue();
  }

  private static Integer optionalInt(JsonNode p, String field) {
    JsonNode v = p.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw invalid(field + " must be an integer");
    }
    if (!v.canConvertToInt()) {
      throw invalid(field + " is out of range");
    }
    return v.intValue();
  }

  private static boolean optionalBoolean(JsonNode p, String field) {
    JsonNode v = p.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw invalid(field + " must be a boolean");
    }
    return v.booleanValue();
  }

  private static List<String> stringArray(JsonNode p, String field, boolean required) {
    JsonNode v = p.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw invalid(field + " is required");
      }
      return List.of();
    }
    if (!v.isArray()) {
      throw invalid(field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>(v.size());
    for (Iterator<JsonNode> it = v.elements(); it.hasNext(); ) {
      JsonNode e = it.next();
      if (!e.isTextual() || e.textValue().isEmpty()) {
        throw invalid(field + " must contain only non-empty strings");
      }
      out.add(e.textValue());
    }
    return out;
  }

  private static MprRpcException invalid(String message) {
    return MprRpcException.invalidParams(message);
  }

  // ---------------------------------------------------------------- values

  /**
   * Parses the JSON text of an encrypted message.
   *
   * @param json the text, for example a JWE in its JSON serialization
   * @return the message, as compact JSON
   * @throws IllegalArgumentException when the text is not one JSON object
   */
  public static EncryptedMessage encryptedMessage(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("an encrypted message must be a JSON object");
    }
    return compact(node);
  }

  /**
   * Reads a QueuedMessage object ({@code id}, {@code receivedAt}, {@code encryptedMessage}).
   *
   * @param node the JSON value; {@code null} is refused like any other non-object
   * @return the message
   * @throws IllegalArgumentException when the value is not a QueuedMessage object
   */
  public static QueuedMessage queuedMessage(@Nullable JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("a queued message must be a JSON object");
    }
    JsonNode id = node.get("id");
    JsonNode at = node.get("receivedAt");
    JsonNode message = node.get("encryptedMessage");
    if (id == null || !id.isTextual() || at == null || !at.isTextual() || message == null || !message.isObject()) {
      throw new IllegalArgumentException("a queued message needs id, receivedAt and encryptedMessage: " + node);
    }
    return new QueuedMessage(id.textValue(), Timestamps.parse(at.textValue()), compact(message));
  }

  /**
   * Reads an array of QueuedMessage objects, as takeFromQueue answers them.
   *
   * @param node the JSON value; {@code null} is refused like any other non-array
   * @return the messages, in the array's order
   * @throws IllegalArgumentException when the value is not an array of QueuedMessage objects
   */
  public static List<QueuedMessage> queuedMessages(@Nullable JsonNode node) {
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException("expected an array of queued messages");
    }
    List<QueuedMessage> out = new ArrayList<>(node.size());
    for (JsonNode n : node) {
      out.add(queuedMessage(n));
    }
    return out;
  }

  // ---------------------------------------------------------------- encoding

  /**
   * A success response. {@code result} may be {@code null}, a Boolean, Number, String, {@link QueuedMessage},
   * {@link EncryptedMessage}, {@link JsonNode}, or a List or Map of these.
   *
   * @param id the request's id, echoed as sent; {@code null} is written as JSON null
   * @param result the result
   * @return the response's JSON text
   */
  public static String success(@Nullable JsonNode id, @Nullable Object result) {
    return new String(successUtf8(id, result), StandardCharsets.UTF_8);
  }

  /**
   * {@link #success} in UTF-8: payloads go out as the bytes they are kept as, without becoming text.
   *
   * @param id the request's id, echoed as sent; {@code null} is written as JSON null
   * @param result the result, of a type {@link #success} accepts
   * @return the response's JSON text in UTF-8
   */
  public static byte[] successUtf8(@Nullable JsonNode id, @Nullable Object result) {
    return writeUtf8(g -> {
      g.writeStartObject();
      g.writeStringField("jsonrpc", "2.0");
      g.writeFieldName("result");
      writeValue(g, result);
      g.writeFieldName("id");
      writeId(g, id);
      g.writeEndObject();
    });
  }

  /**
   * The response to addMessage, {@code {"jsonrpc":"2.0","result":{"messageId":..},"id":..}}: the same text as
   * {@link #success} with a map of {@code messageId}, written without a JSON generator when neither the
   * message id nor a string request id needs escaping (the server's ids never do).
   *
   * @param id the request's id, echoed as sent; {@code null} is written as JSON null
   * @param messageId the new message's id
   * @return the response's JSON text
   */
  public static String messageAdded(@Nullable JsonNode id, String messageId) {
    if (id == null || !isPlain(messageId) || !(id.isIntegralNumber() || (id.isTextual() && isPlain(id.textValue())))) {
      return success(id, Map.of("messageId", messageId));
    }
    String idText = id.isTextual() ? "\"" + id.textValue() + "\"" : id.asText();
    return "{\"jsonrpc\":\"2.0\",\"result\":{\"messageId\":\"" + messageId + "\"},\"id\":" + idText + "}";
  }

  /** Whether a string is written in JSON as itself between quotes: printable ASCII without '"' and '\\'. */
  private static boolean isPlain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /**
   * An error response.
   *
   * @param id the request's id, echoed as sent; {@code null} (unreadable or absent) is written as JSON null
   * @param code the JSON-RPC error code ({@link io.github.mpr4j.protocol.RpcErrors})
   * @param message the error's message; {@code null} is written as an empty string
   * @param data the error's data members; {@code null} or empty for no {@code data} member
   * @return the response's JSON text
   */
  public static String error(@Nullable JsonNode id, int code, @Nullable String message,
      @Nullable Map<String, Object> data) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("jsonrpc", "2.0");
      g.writeObjectFieldStart("error");
      g.writeNumberField("code", code);
      g.writeStringField("message", message == null ? "" : message);
      if (data != null && !data.isEmpty()) {
        g.writeFieldName("data");
        writeValue(g, data);
      }
      g.writeEndObject();
      g.writeFieldName("id");
      writeId(g, id);
      g.writeEndObject();
    });
  }

  /**
   * An error response for an exception the repository raised.
   *
   * @param id the request's id, echoed as sent; {@code null} is written as JSON null
   * @param e the exception: its code, message and data make the error object
   * @return the response's JSON text
   */
  public static String error(@Nullable JsonNode id, MprRpcException e) {
    return error(id, e.code(), e.getMessage(), e.data());
  }

  /**
   * The messagesReceived notification, in the compat shape: no top-level id, {@code params.id} empty.
   *
   * @param connectionId the connection the messages are for
   * @param messages the messages, oldest first
   * @return the notification's JSON text
   */
  public static String messagesReceived(String connectionId, List<QueuedMessage> messages) {
    return new String(messagesReceivedUtf8(connectionId, messages), StandardCharsets.UTF_8);
  }

  /**
   * {@link #messagesReceived} in UTF-8, the payloads copied as their bytes.
   *
   * @param connectionId the connection the messages are for
   * @param messages the messages, oldest first
   * @return the notification's JSON text in UTF-8
   */
  public static byte[] messagesReceivedUtf8(String connectionId, List<QueuedMessage> messages) {
    return writeUtf8(g -> {
      g.writeStartObject();
      g.writeStringField("jsonrpc", "2.0");
      g.writeStringField("method", RpcMethod.MESSAGES_RECEIVED);
      g.writeObjectFieldStart("params");
      g.writeStringField("connectionId", connectionId);
      g.writeFieldName("messages");
      writeValue(g, messages);
      g.writeStringField("id", "");
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /**
   * A request (client side).
   *
   * @param id the request's id, a value of a type {@link #success} accepts; {@code null} makes it a notification
   * @param method the method's wire name
   * @param params the params (of a type {@link #success} accepts); {@code null} for none
   * @return the request's JSON text
   */
  public static String request(@Nullable Object id, String method, @Nullable Object params) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("jsonrpc", "2.0");
      g.writeStringField("method", method);
      if (params != null) {
        g.writeFieldName("params");
        writeValue(g, params);
      }
      if (id != null) {
        g.writeFieldName("id");
        writeValue(g, id);
      }
      g.writeEndObject();
    });
  }

  /**
   * Joins responses (each a JSON text) into a batch response.
   *
   * @param responses the responses, in the order of the batch's requests
   * @return the batch's JSON text, an array
   */
  public static String batch(List<String> responses) {
    StringBuilder sb = new StringBuilder(responses.stream().mapToInt(String::length).sum() + responses.size() + 2);
    sb.append('[');
    for (int i = 0; i < responses.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(responses.get(i));
    }
    return sb.append(']').toString();
  }

  /**
   * Joins responses (each the UTF-8 bytes of a JSON text) into a batch response.
   *
   * @param responses the responses in UTF-8, in the order of the batch's requests
   * @return the batch's JSON text in UTF-8, an array
   */
  public static byte[] batchUtf8(List<byte[]> responses) {
    int size = 1 + responses.size();
    for (byte[] r : responses) {
      size += r.length;
    }
    byte[] out = new byte[size];
    out[0] = '[';
    int at = 1;
    for (int i = 0; i < responses.size(); i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      byte[] r = responses.get(i);
      System.arraycopy(r, 0, out, at, r.length);
      at += r.length;
    }
    out[at] = ']';
    return out;
  }

  private static void writeId(JsonGenerator g, JsonNode id) throws IOException {
    if (id == null) {
      g.writeNull();
    } else {
      g.writeTree(id);
    }
  }

  /**
   * Writes a value of one of the types {@link #success} accepts.
   *
   * @param g the generator to write to
   * @param value the value; {@code null} is written as JSON null
   * @throws IOException when the generator fails to write
   * @throws IllegalArgumentException when the value is of another type
   */
  public static void writeValue(JsonGenerator g, @Nullable Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Integer i) {
      g.writeNumber(i);
    } else if (value instanceof Long l) {
      g.writeNumber(l);
    } else if (value instanceof Number n) {
      g.writeNumber(n.toString());
    } else if (value instanceof QueuedMessage m) {
      g.writeStartObject();
      g.writeStringField("id", m.id());
      g.writeStringField("receivedAt", Timestamps.format(m.receivedAt()));
      g.writeFieldName("encryptedMessage");
      writeRaw(g, m.encryptedMessage());
      g.writeEndObject();
    } else if (value instanceof EncryptedMessage e) {
      writeRaw(g, e);
    } else if (value instanceof JsonNode n) {
      g.writeTree(n);
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else {
      throw new IllegalArgumentException("cannot write a " + value.getClass().getName());
    }
  }

  @FunctionalInterface
  private interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Writer writer) {
    return new String(writeUtf8(writer), StandardCharsets.UTF_8);
  }

  private static byte[] writeUtf8(Writer writer) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(MAPPER.getFactory()._getBufferRecycler())) {
      try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
        g.setCodec(MAPPER);
        writer.write(g);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a payload as the JSON it is; a UTF-8 generator copies its bytes without making text of them. */
  private static void writeRaw(JsonGenerator g, EncryptedMessage m) throws IOException {
    g.writeRawValue(new RawPayload(m));
  }
}
