package io.github.mpr4j.server.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.core.callback.CallbackAdd;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.LiveSessions;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One browser socket of the gateway on an {@link EmbeddedChannel}, after the handshake: registration and
 * resumption, the backlog and live notifications, acks, and the answers to bad frames, over the in-memory
 * queue and registry.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackSocketHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestGateway gateway = new TestGateway(List.of());
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void finish() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    gateway.close();
  }

  /** A socket whose handshake is done, asking for {@code clientId} (null: a new registration). */
  private EmbeddedChannel open(String clientId) {
    CallbackSocketHandler handler = new CallbackSocketHandler(gateway.core,
        new WebSocketServerHandshaker13("ws://gw.example/callback/ws", CallbackEndpoints.SUBPROTOCOL,
            WebSocketDecoderConfig.newBuilder().build()), clientId, "gw.example", "192.0.2.7", null);
    EmbeddedChannel ch = new EmbeddedChannel(handler);
    channels.add(ch);
    handler.start(ch);
    ch.runPendingTasks();
    return ch;
  }

  /** The text frames the socket has written so far, as JSON. */
  private static List<JsonNode> frames(EmbeddedChannel ch) {
    ch.runPendingTasks();
    List<JsonNode> out = new ArrayList<>();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      try {
        assertTrue(o instanceof TextWebSocketFrame, "not a text frame: " + o);
        out.add(JSON.readTree(((TextWebSocketFrame) o).text()));
      } catch (Exception e) {
        throw new AssertionError(e);
      } finally {
        io.netty.util.ReferenceCountUtil.release(o);
      }
    }
    return out;
  }

  private static JsonNode only(EmbeddedChannel ch) {
    List<JsonNode> f = frames(ch);
    assertEquals(1, f.size(), f.toString());
    return f.get(0);
  }

  /** The close frame the socket wrote (its code), after which it is closed. */
  private static int closeCode(EmbeddedChannel ch) {
    ch.runPendingTasks();
    Object o = ch.readOutbound();
    assertTrue(o instanceof CloseWebSocketFrame, "not a close frame: " + o);
    int code = ((CloseWebSocketFrame) o).statusCode();
    ((CloseWebSocketFrame) o).release();
    assertFalse(ch.isOpen());
    return code;
  }

  private static void send(EmbeddedChannel ch, String text) {
    ch.writeInbound(new TextWebSocketFrame(text));
  }

  private static List<String> data(List<JsonNode> frames) {
    List<String> out = new ArrayList<>();
    for (JsonNode f : frames) {
      assertEquals("notification", f.get("type").asText(), f.toString());
      out.add(f.get("data").toString());
    }
    return out;
  }

  @Test
  void the_registered_frame_waits_for_the_sockets_live_session() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    LiveSessions local = LiveSessions.local();
    LiveSessions gated = new LiveSessions() {
      @Override
      public Optional<LiveSession> put(LiveSession session) {
        try {
          gate.await(20, TimeUnit.SECONDS); // a slow store: the session is not live until the gate opens
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return local.put(session);
      }

      @Override
      public Optional<LiveSession> remove(String connectionId, String sessionId, String holderId) {
        return local.remove(connectionId, sessionId, holderId);
      }

      @Override
      public Optional<LiveSession> get(String connectionId) {
        return local.get(connectionId);
      }
    };
    try (TestGateway slow = new TestGateway(List.of(), gated)) {
      CallbackSocketHandler handler = new CallbackSocketHandler(slow.core,
          new WebSocketServerHandshaker13("ws://gw.example/callback/ws", CallbackEndpoints.SUBPROTOCOL,
              WebSocketDecoderConfig.newBuilder().build()), null, "gw.example", "192.0.2.7", null);
      EmbeddedChannel ch = new EmbeddedChannel(handler);
      channels.add(ch);
      handler.start(ch);
      Thread.sleep(200); // time for a frame written before the session to reach the channel's tasks

      assertEquals(List.of(), frames(ch), "no registered frame while the session is not live");

      gate.countDown();
      List<JsonNode> seen = new ArrayList<>();
      for (int i = 0; i < 200 && seen.isEmpty(); i++) { // bounded: 200 x 25 ms
        Thread.sleep(25);
        seen.addAll(frames(ch));
      }
      assertEquals(1, seen.size(), seen.toString());
      assertEquals("registered", seen.get(0).get("type").asText());
      String clientId = seen.get(0).get("clientId").asText();
      assertTrue(local.get(GatewayCore.connectionId(clientId)).isPresent(), "its session is live when it is told");
    }
  }

  @Test
  void a_socket_without_a_client_id_is_registered_and_told_its_callback_url() {
    JsonNode registered = only(open(null));
    assertEquals("registered", registered.get("type").asText());
    String clientId = registered.get("clientId").asText();
    assertEquals("https://gw.example/callback/" + clientId, registered.get("callbackUrl").asText());
    assertTrue(gateway.registry.exists(clientId, System.currentTimeMillis()));
  }

  @Test
  void a_socket_with_a_known_client_id_resumes_it_and_gets_the_backlog_in_order() {
    String clientId = gateway.register();
    gateway.post(clientId, "{\"n\":1}");
    gateway.post(clientId, "[2]");
    List<JsonNode> f = frames(open(clientId));
    assertEquals(3, f.size(), f.toString());
    assertEquals("registered", f.get(0).get("type").asText());
    assertEquals(clientId, f.get(0).get("clientId").asText());
    assertEquals(List.of("{\"n\":1}", "[2]"), data(f.subList(1, 3)));
  }

  @Test
  void a_socket_with_an_unknown_client_id_is_registered_anew() {
    String unknown = UUID.randomUUID().toString();
    JsonNode registered = only(open(unknown));
    assertNotEquals(unknown, registered.get("clientId").asText());
  }

  @Test
  void a_post_while_the_socket_holds_the_session_arrives_live_with_its_id_and_time() {
    EmbeddedChannel ch = open(null);
    String clientId = only(ch).get("clientId").asText();
    CallbackAdd added = gateway.core.post(clientId,
        GatewayCore.payloadOf("{\"task\":42}".getBytes(StandardCharsets.UTF_8))).join();
    assertEquals(CallbackAdd.Status.LIVE, added.status());
    JsonNode n = only(ch);
    assertEquals("notification", n.get("type").asText());
    assertEquals(added.messageId(), n.get("id").asText());
    assertEquals("{\"task\":42}", n.get("data").toString());
    assertTrue(n.get("receivedAt").asText().endsWith("Z"), n.toString());
  }

  @Test
  void an_ack_removes_what_it_names_and_the_rest_is_pending_again_after_the_socket_closes() {
    String clientId = gateway.register();
    String first = gateway.post(clientId, "1");
    gateway.post(clientId, "2");
    EmbeddedChannel ch = open(clientId);
    assertEquals(3, frames(ch).size());
    send(ch, "{\"type\":\"ack\",\"ids\":[\"" + first + "\"]}");
    ch.advanceTimeBy(CallbackSocketHandler.ACK_LINGER_MILLIS + 1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.close();
    assertEquals(1, gateway.pending(clientId));
  }

  @Test
  void acks_still_gathering_are_applied_when_the_socket_closes() {
    String clientId = gateway.register();
    String first = gateway.post(clientId, "1");
    String second = gateway.post(clientId, "2");
    EmbeddedChannel ch = open(clientId);
    frames(ch);
    send(ch, "{\"type\":\"ack\",\"ids\":[\"" + first + "\",\"" + second + "\"]}");
    ch.close();
    assertEquals(0, gateway.pending(clientId));
  }

  @Test
  void after_the_socket_closes_a_post_is_pending() {
    EmbeddedChannel ch = open(null);
    String clientId = only(ch).get("clientId").asText();
    ch.close();
    assertEquals(CallbackAdd.Status.PENDING, gateway.core.post(clientId,
        GatewayCore.payloadOf("{}".getBytes(StandardCharsets.UTF_8))).join().status());
  }

  @Test
  void a_frame_that_is_not_json_is_answered_with_an_error_and_the_socket_stays_open() {
    EmbeddedChannel ch = open(null);
    frames(ch);
    send(ch, "{not json");
    JsonNode error = only(ch);
    assertEquals("error", error.get("type").asText());
    assertEquals("not JSON", error.get("message").asText());
    assertTrue(ch.isOpen());
  }

  @Test
  void a_frame_of_another_shape_is_answered_with_the_shape_expected() {
    EmbeddedChannel ch = open(null);
    frames(ch);
    send(ch, "{\"type\":\"ack\",\"ids\":\"all\"}");
    assertEquals("expected {\"type\":\"ack\",\"ids\":[...]}", only(ch).get("message").asText());
    send(ch, "[1,2]");
    assertEquals("error", only(ch).get("type").asText());
    assertTrue(ch.isOpen());
  }

  @Test
  void a_web_push_subscription_is_refused_while_web_push_is_off() {
    EmbeddedChannel ch = open(null);
    frames(ch);
    send(ch, "{\"type\":\"webpush\",\"subscription\":{\"endpoint\":\"https://push.example/x\"}}");
    assertEquals("Web Push is off on this gateway", only(ch).get("message").asText());
  }

  @Test
  void a_ping_is_answered_with_a_pong_of_the_same_bytes() {
    EmbeddedChannel ch = open(null);
    frames(ch);
    ch.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8)));
    PongWebSocketFrame pong = ch.readOutbound();
    assertNotNull(pong);
    assertEquals("hi", pong.content().toString(StandardCharsets.UTF_8));
    pong.release();
  }

  @Test
  void a_binary_frame_closes_the_socket_with_1003() {
    EmbeddedChannel ch = open(null);
    frames(ch);
    ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})));
    assertEquals(1003, closeCode(ch));
  }

  @Test
  void a_newer_socket_for_the_same_client_closes_the_older_with_4001() {
    EmbeddedChannel older = open(null);
    String clientId = only(older).get("clientId").asText();
    EmbeddedChannel newer = open(clientId);
    assertEquals(clientId, only(newer).get("clientId").asText());
    assertEquals(CallbackSocketHandler.CLOSE_REPLACED, closeCode(older));
    assertTrue(newer.isOpen());
  }

  @Test
  void an_address_over_its_registrations_per_minute_is_closed_with_4029() {
    // two a minute in the test gateway; an unknown clientId makes the socket register anew
    only(open(UUID.randomUUID().toString()));
    only(open(UUID.randomUUID().toString()));
    EmbeddedChannel third = open(UUID.randomUUID().toString());
    assertEquals(CallbackSocketHandler.CLOSE_TOO_MANY_REGISTRATIONS, closeCode(third));
    assertNull(third.readOutbound());
  }
}
