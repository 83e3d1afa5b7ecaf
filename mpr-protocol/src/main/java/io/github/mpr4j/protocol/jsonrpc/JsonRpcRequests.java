package io.github.mpr4j.protocol.jsonrpc;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes requests of the MPR dialect, the client's half of {@link JsonRpcCodec}: the params of each method
 * in the shape that {@link JsonRpcCodec}'s decoders read (absent optional members are left out), with the
 * codec's JSON factory, and payloads copied as the UTF-8 bytes they are kept as.
 */
public final class JsonRpcRequests {
  /** Payloads larger than this go to the stream directly instead of through the generator's buffer. */
  private static final int DIRECT_PAYLOAD_BYTES = 2048;

  /** The params of one request: writes the value after {@code "params":}. */
  @FunctionalInterface
  public interface Params {
    /**
     * Writes the params value.
     *
     * @param g the generator, positioned after the {@code "params"} field name
     * @throws IOException when the generator fails to write
     */
    void write(JsonGenerator g) throws IOException;
  }

  private JsonRpcRequests() {}

  /**
   * Writes one request, {@code {"jsonrpc":"2.0","method":..,"params":..,"id":..}}, as UTF-8.
   *
   * @param out where the bytes go; it is not closed
   * @param id the request id
   * @param method the method's wire name
   * @param params the params, or {@code null} for a request without them
   * @throws IOException when the stream fails
   */
  public static void write(OutputStream out, long id, String method, Params params) throws IOException {
    new Writer(out).write(id, method, params);
  }

  /**
   * A writer of one request after the other to one stream, with one JSON generator for all of them (no
   * generator per request). Not thread-safe: one per connection, used by one thread at a time.
   */
  public static final class Writer {
    private final OutputStream out;
    private JsonGenerator g;

    /**
     * A writer to a stream that it never closes.
     *
     * @param out where the requests go; each one is complete in it when {@link #write} returns
     */
    public Writer(OutputStream out) {
      this.out = out;
    }

    /**
     * Writes one request, {@code {"jsonrpc":"2.0","method":..,"params":..,"id":..}}, as UTF-8, and flushes it
     * to the stream.
     *
     * @param id the request id
     * @param method the method's wire name
     * @param params the params, or {@code null} for a request without them
     * @throws IOException when the stream fails; the request may be partly written
     */
    public void write(long id, String method, Params params) throws IOException {
      try {
        if (g == null) {
          g = JsonRpcCodec.mapper().getFactory().createGenerator(out);
          g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
          g.setRootValueSeparator(null);
        }
        g.writeStartObject();
        g.writeStringField("jsonrpc", "2.0");
        g.writeStringField("method", method);
        if (params != null) {
          g.writeFieldName("params");
          params.write(g);
        }
        g.writeNumberField("id", id);
        g.writeEndObject();
        g.flush();
      } catch (IOException | RuntimeException e) {
        g = null; // left in the middle of a value: the next request starts with a new one
        throw e;
      }
    }
  }

  /**
   * Writes a payload as the JSON value it is. A large one goes to the generator's stream directly, from the
   * bytes it is kept as, once the generator has written what precedes it; a small one is copied into the
   * generator's buffer.
   */
  private static void payload(JsonGenerator g, EncryptedMessage payload) throws IOException {
    if (payload.byteSize() > DIRECT_PAYLOAD_BYTES && g.getOutputTarget() instanceof OutputStream out) {
      g.writeRawValue(""); // the separator before the value, and the generator counts the value as written
      g.flush();
      payload.writeUtf8(out);
    } else {
      g.writeRawValue(new RawPayload(payload));
    }
  }

  /**
   * The params of addMessage.
   *
   * @param o the options
   * @return their writer
   */
  public static Params addMessage(AddMessageOptions o) {
    return g -> {
      g.writeStartObject();
      g.writeStringField("connectionId", o.connectionId());
      strings(g, "recipientDids", o.recipientDids());
      g.writeFieldName("payload");
      payload(g, o.payload());
      PushNotificationToken t = o.pushNotificationToken();
      if (t != null) {
        g.writeObjectFieldStart("pushNotificationToken");
        g.writeStringField("type", t.type());
        if (t.token() != null) {
          g.writeStringField("token", t.token());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    };
  }

  /**
   * The params of takeFromQueue.
   *
   * @param o the options
   * @return their writer
   */
  public static Params takeFromQueue(TakeFromQueueOptions o) {
    return g -> {
      g.writeStartObject();
      g.writeStringField("connectionId", o.connectionId());
      optional(g, "recipientDid", o.recipientDid());
      if (o.limit() != null) {
        g.writeNumberField("limit", o.limit());
      }
      if (o.limitBytes() != null) {
        g.writeNumberField("limitBytes", o.limitBytes());
      }
      g.writeBooleanField("deleteMessages", o.deleteMessages());
      g.writeEndObject();
    };
  }

  /**
   * The params of removeMessages.
   *
   * @param o the options
   * @return their writer
   */
  public static Params removeMessages(RemoveMessagesOptions o) {
    return g -> {
      g.writeStartObject();
      g.writeStringField("connectionId", o.connectionId());
      strings(g, "messageIds", o.messageIds());
      g.writeEndObject();
    };
  }

  /**
   * The params of removeAllMessages.
   *
   * @param o the options
   * @return their writer
   */
  public static Params removeAllMessages(RemoveAllMessagesOptions o) {
    return g -> {
      g.writeStartObject();
      g.writeStringField("connectionId", o.connectionId());
      g.writeStringField("recipientDid", o.recipientDid());
      g.writeEndObject();
    };
  }

  /**
   * The params of getAvailableMessageCount.
   *
   * @param o the options
   * @return their writer
   */
  public static Params getAvailableMessageCount(GetAvailableMessageCountOptions o) {
    return g -> {
      g.writeStartObject();
      g.writeStringField("connectionId", o.connectionId());
      optional(g, "recipientDid", o.recipientDid());
      g.writeEndObject();
    };
  }

  /**
   * The params of addLiveSession.
   *
   * @param o the options
   * @return their writer
   */
  public static Params addLiveSession(AddLiveSessionOptions o) {
    return liveSession(o.connectionId(), o.sessionId());
  }

  /**
   * The params of removeLiveSession.
   *
   * @param o the options
   * @return their writer
   */
  public static Params removeLiveSession(RemoveLiveSessionOptions o) {
    return liveSession(o.connectionId(), o.sessionId());
  }

  /**
   * The params of getLiveSession.
   *
   * @param o the options
   * @return their writer
   */
  public static Params getLiveSession(GetLiveSessionOptions o) {
    return liveSession(o.connectionId(), null);
  }

  /**
   * The params of rpc.on and rpc.off: an array of event names.
   *
   * @param events the event names, such as {@link RpcMethod#MESSAGES_RECEIVED}
   * @return their writer
   */
  public static Params eventNames(List<String> events) {
    return g -> {
      g.writeStartArray();
      for (String e : events) {
        g.writeString(e);
      }
      g.writeEndArray();
    };
  }

  private static Params liveSession(String connectionId, String sessionId) {
    return g -> {
      g.writeStartObject();
      g.writeStringField("connectionId", connectionId);
      optional(g, "sessionId", sessionId);
      g.writeEndObject();
    };
  }

  private static void optional(JsonGenerator g, String field, String value) throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }

  private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
