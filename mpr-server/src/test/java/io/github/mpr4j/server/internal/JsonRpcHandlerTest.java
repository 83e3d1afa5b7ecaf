package io.github.mpr4j.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.server.AuthToken;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JSON-RPC handler on an {@link EmbeddedChannel}, with a stub repository the test controls. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class JsonRpcHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COUNT = "{\"jsonrpc\":\"2.0\",\"method\":\"getAvailableMessageCount\","
      + "\"params\":{\"connectionId\":\"c\"},\"id\":%d}";

  private final StubRepository repository = new StubRepository();
  private final WsConnections connections = new WsConnections();
  private final Metrics metrics = new Metrics();
  private EmbeddedChannel channel;

  /** 4 KiB frames, 64-byte payloads and takes, a 1 MiB high-water mark of unsent bytes. */
  private static RpcLimits limits(int maxInFlight, int maxBatch) {
    return new RpcLimits(4096, 64, maxInFlight, maxBatch, 64, 1 << 20, 1 << 25, Duration.ofSeconds(60), "callback:");
  }

  private EmbeddedChannel open(Set<AuthToken.Right> rights, int maxInFlight, int maxBatch) {
    channel = new EmbeddedChannel();
    channel.attr(UpgradeAuthHandler.RIGHTS).set(rights);
    channel.pipeline().addLast(new JsonRpcHandler(() -> repository, limits(maxInFlight, maxBatch),
        connections, metrics));
    channel.pipeline().fireUserEventTriggered(
        new WebSocketServerProtocolHandler.HandshakeComplete("/", EmptyHttpHeaders.INSTANCE, null));
    return channel;
  }

  private EmbeddedChannel open() {
    return open(EnumSet.allOf(AuthToken.Right.class), 2, 3);
  }

  @AfterEach
  void finish() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private JsonNode exchange(String text) {
    channel.writeInbound(new TextWebSocketFrame(text));
    return next();
  }

  private JsonNode next() {
    Object out = channel.readOutbound();
    if (out == null) {
      return null;
    }
    TextWebSocketFrame frame = (TextWebSocketFrame) out;
    try {
      return JSON.readTree(frame.text());
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      frame.release();
    }
  }

  private static int code(JsonNode answer) {
    return answer.get("error").get("code").intValue();
  }

  @Test
  void malformed_utf8_in_a_text_frame_is_a_parse_error_and_the_socket_stays_open() {
    open();
    byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 'x', '"', '}'};
    channel.writeInbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(bad)));
    JsonNode answer = next();
    assertEquals(-32700, answer.get("error").get("code").intValue());
    assertTrue(answer.get("id").isNull());
    assertTrue(channel.isActive());
    assertEquals("pong", exchange("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}").get("result").textValue());
  }

  @Test
  void the_handshake_opens_the_repository_and_the_socket_close_closes_it() {
    open();
    assertEquals(1, metrics.connections());
    assertEquals(1, repository.listeners.size());
    channel.close();
    assertTrue(repository.closed);
    assertEquals(0, metrics.connections());
  }

  @Test
  void text_that_is_not_json_is_answered_with_a_parse_error() {
    open();
    JsonNode answer = exchange("{oops");
    assertEquals(-32700, code(answer));
    assertTrue(answer.get("id").isNull());
    assertTrue(channel.isActive());
  }

  @Test
  void a_binary_frame_is_answered_with_a_parse_error_and_the_socket_stays_open() {
    open();
    channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
    assertEquals(-32700, code(next()));
    assertTrue(channel.isActive());
  }

  @Test
  void a_success_always_carries_result_and_the_id_as_sent() {
    open();
    JsonNode answer = exchange("{\"jsonrpc\":\"2.0\",\"method\":\"removeMessages\","
        + "\"params\":{\"connectionId\":\"c\",\"messageIds\":[]},\"id\":\"x-1\"}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"x-1\"}", answer.toString());
  }

  @Test
  void a_batch_is_answered_in_order_without_its_notifications() {
    open();
    JsonNode answer = exchange("[{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"getLiveSession\",\"params\":{\"connectionId\":\"c\"},\"id\":2}]");
    assertEquals("[{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1},{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":2}]",
        answer.toString());
  }

  @Test
  void a_batch_of_notifications_is_not_answered() {
    open();
    assertNull(exchange("[{\"jsonrpc\":\"2.0\",\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}]"));
  }

  @Test
  void an_empty_batch_and_an_oversized_batch_are_invalid_requests() {
    open();
    assertEquals(-32600, code(exchange("[]")));
    JsonNode over = exchange("[1,2,3,4]");
    assertEquals(-32600, code(over));
    assertEquals(3, over.get("error").get("data").get("limit").intValue());
    assertTrue(over.get("id").isNull());
  }

  @Test
  void the_elements_of_a_batch_that_are_not_requests_get_invalid_request_errors() {
    open();
    JsonNode answer = exchange("[1,{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":false}]");
    assertEquals(2, answer.size());
    assertEquals(-32600, code(answer.get(0)));
    assertEquals(-32600, code(answer.get(1)));
    assertTrue(answer.get(1).get("id").isNull());
  }

  @Test
  void requests_over_the_in_flight_limit_are_refused_at_once_until_answers_go_out() {
    open();
    channel.writeInbound(new TextWebSocketFrame(String.format(COUNT, 1)));
    channel.writeInbound(new TextWebSocketFrame(String.format(COUNT, 2)));
    assertNull(next(), "both requests wait for the store");
    JsonNode refused = exchange(String.format(COUNT, 3));
    assertEquals(-32002, code(refused));
    assertEquals(3, refused.get("id").intValue());
    assertTrue(refused.get("error").get("data").get("retryAfterMs").intValue() > 0);
    assertEquals(2, connections.inFlight());

    repository.pendingCounts.get(1).complete(5);
    JsonNode second = next();
    assertEquals(2, second.get("id").intValue());
    assertEquals(5, second.get("result").intValue());
    assertNull(exchange(String.format(COUNT, 4)), "a slot was free again");
    repository.pendingCounts.get(0).complete(7);
    repository.pendingCounts.get(2).complete(9);
    assertEquals(1, next().get("id").intValue());
    assertEquals(4, next().get("id").intValue());
    assertEquals(0, connections.inFlight());
  }

  @Test
  void a_method_the_token_has_no_right_to_is_unauthorized() {
    open(Set.of(AuthToken.Right.SEND), 2, 3);
    assertEquals(-32003, code(exchange(String.format(COUNT, 1))));
    JsonNode added = exchange("{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":{\"connectionId\":\"c\","
        + "\"recipientDids\":[\"d\"],\"payload\":{\"a\":1}},\"id\":2}");
    assertEquals("msg-1", added.get("result").get("messageId").asText());
  }

  @Test
  void a_socket_without_checked_rights_may_only_ping() {
    channel = new EmbeddedChannel(new JsonRpcHandler(() -> repository, limits(2, 3), connections,
        metrics));
    channel.pipeline().fireUserEventTriggered(
        new WebSocketServerProtocolHandler.HandshakeComplete("/", EmptyHttpHeaders.INSTANCE, null));
    assertEquals(-32003, code(exchange(String.format(COUNT, 1))));
    assertEquals("pong", exchange("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2}").get("result").asText());
  }

  @Test
  void a_connection_id_with_the_reserved_prefix_is_invalid_on_the_fast_and_the_general_path_alike() {
    open();
    String params = "{\"connectionId\":\"callback:c\",\"recipientDids\":[\"d\"],\"payload\":{\"a\":\"b\"}}";
    // the usual addMessage frame (the fast path), one with its members in another order, and another method
    List<String> frames = List.of(
        "{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":" + params + ",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"params\":" + params + ",\"method\":\"addMessage\",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"takeFromQueue\",\"params\":{\"connectionId\":\"callback:c\"},\"id\":1}");
    for (String frame : frames) {
      JsonNode answer = exchange(frame);
      assertEquals(-32602, code(answer), frame);
      assertEquals("Invalid params: connectionId must not start with 'callback:', which is reserved for the callback"
          + " gateway", answer.get("error").get("message").asText());
    }
    assertEquals(0, repository.added);
  }

  @Test
  void a_payload_over_the_limit_is_refused_with_the_limit() {
    open();
    JsonNode answer = exchange("{\"jsonrpc\":\"2.0\",\"method\":\"addMessage\",\"params\":{\"connectionId\":\"c\","
        + "\"recipientDids\":[\"d\"],\"payload\":{\"a\":\"" + "x".repeat(64) + "\"}},\"id\":1}");
    assertEquals(-32001, code(answer));
    assertEquals(64, answer.get("error").get("data").get("limit").intValue());
    assertEquals(0, repository.added);
  }

  @Test
  void a_failure_of_the_repository_is_an_operation_failure_with_retryable() {
    open();
    repository.takeResult = () -> CompletableFuture.failedFuture(new IllegalStateException("disk on fire"));
    JsonNode unexpected = exchange("{\"jsonrpc\":\"2.0\",\"method\":\"takeFromQueue\",\"params\":{\"connectionId\":\"c\"},\"id\":1}");
    assertEquals(-32000, code(unexpected));
    assertFalse(unexpected.get("error").get("data").get("retryable").booleanValue());
    repository.takeResult = () -> CompletableFuture.failedFuture(new MprTransportException("closed"));
    JsonNode closed = exchange("{\"jsonrpc\":\"2.0\",\"method\":\"takeFromQueue\",\"params\":{\"connectionId\":\"c\"},\"id\":2}");
    assertEquals(-32000, code(closed));
    assertTrue(closed.get("error").get("data").get("retryable").booleanValue());
    assertTrue(channel.isActive());
  }

  @Test
  void delivered_messages_are_written_as_the_compat_notification() {
    open();
    QueuedMessage m = new QueuedMessage("m1", Instant.parse("2026-01-02T03:04:05.006Z"), EncryptedMessage.ofJson("{\"a\":1}"));
    repository.listeners.get(0).messagesReceived("c", List.of(m));
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"messagesReceived\",\"params\":{\"connectionId\":\"c\",\"messages\":"
        + "[{\"id\":\"m1\",\"receivedAt\":\"2026-01-02T03:04:05.006Z\",\"encryptedMessage\":{\"a\":1}}],\"id\":\"\"}}",
        next().toString());
  }

  @Test
  void a_message_over_the_size_limit_closes_the_socket_with_1009() {
    open();
    channel.pipeline().fireExceptionCaught(new TooLongFrameException("too long"));
    CloseWebSocketFrame close = channel.readOutbound();
    try {
      assertEquals(1009, close.statusCode());
    } finally {
      close.release();
    }
    assertFalse(channel.isActive());
  }

  @Test
  void requests_during_shutdown_are_refused_as_retryable() {
    open();
    connections.startDraining();
    JsonNode answer = exchange("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");
    assertEquals(-32000, code(answer));
    assertTrue(answer.get("error").get("data").get("retryable").booleanValue());
  }
}
