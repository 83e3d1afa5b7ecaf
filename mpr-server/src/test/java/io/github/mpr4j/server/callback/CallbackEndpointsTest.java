package io.github.mpr4j.server.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway's HTTP endpoints on an {@link EmbeddedChannel}: every answer a backend's POST can get, the
 * static files, and the statuses of bad requests, over the in-memory queue and registry.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackEndpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestGateway gateway = new TestGateway(List.of());
  private EmbeddedChannel channel;

  @AfterEach
  void finish() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    gateway.close();
  }

  private void withKeys() {
    gateway.close();
    gateway = new TestGateway(List.of(TestGateway.KEY));
  }

  /** The endpoints behind a handler that hands them every request, as the server's dispatcher does. */
  private EmbeddedChannel channel() {
    if (channel == null) {
      CallbackEndpoints endpoints = new CallbackEndpoints(gateway.core);
      channel = new EmbeddedChannel() {
        @Override
        protected SocketAddress remoteAddress0() {
          return new InetSocketAddress("127.0.0.1", 40_000); // an address, not a connection
        }
      };
      channel.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
          endpoints.handle(ctx, request);
        }
      });
    }
    return channel;
  }

  private static FullHttpRequest request(HttpMethod method, String uri, String body) {
    FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    HttpUtil.setContentLength(r, r.content().readableBytes());
    return r;
  }

  /** An answer, copied out of its buffer. */
  private record Answer(int status, HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (Exception e) {
        throw new AssertionError(body, e);
      }
    }

    String error() {
      return json().get("error").asText();
    }
  }

  /** Sends a request and returns its answer, once the work it waits for has run. */
  private Answer exchange(FullHttpRequest request) {
    EmbeddedChannel ch = channel();
    ch.writeInbound(request);
    FullHttpResponse response = null;
    for (int i = 0; i < 100 && response == null; i++) {
      ch.runPendingTasks();
      response = ch.readOutbound();
    }
    assertNotNull(response, "no answer to " + request.method() + " " + request.uri());
    try {
      return new Answer(response.status().code(), response.headers(),
          response.content().toString(StandardCharsets.UTF_8));
    } finally {
      response.release();
    }
  }

  private Answer post(String clientId, String body) {
    return exchange(request(HttpMethod.POST, "/callback/" + clientId, body));
  }

  @Test
  void a_post_to_a_client_with_a_live_session_is_202_live_and_reaches_the_holder() {
    String clientId = gateway.register();
    try (MessagePickupRepository holder = gateway.liveHolder(clientId)) {
      List<String> received = new java.util.ArrayList<>();
      holder.addMessagesReceivedListener((connectionId, messages) -> messages.forEach(m -> received.add(m.id())));
      Answer r = post(clientId, "{\"task\":42}");
      assertEquals(202, r.status());
      JsonNode answer = r.json();
      assertEquals("live", answer.get("delivered").asText());
      assertEquals(List.of(answer.get("id").asText()), received);
    }
  }

  @Test
  void a_post_to_a_client_without_a_live_session_is_202_pending_and_stays_queued() {
    String clientId = gateway.register();
    Answer r = post(clientId, "[1, \"two\"]");
    assertEquals(202, r.status());
    assertEquals("pending", r.json().get("delivered").asText());
    assertEquals(1, gateway.pending(clientId));
  }

  @Test
  void a_post_to_an_unregistered_client_is_404_and_stores_nothing() {
    String clientId = UUID.randomUUID().toString();
    Answer r = post(clientId, "{}");
    assertEquals(404, r.status());
    assertEquals("unknown clientId", r.error());
    assertEquals(0, gateway.pending(clientId));
  }

  @Test
  void a_post_to_a_path_that_is_no_client_id_is_404() {
    assertEquals(404, post("not-a-uuid", "{}").status());
    assertEquals(404, exchange(request(HttpMethod.POST, "/callback/", "{}")).status());
    assertEquals(404, exchange(request(HttpMethod.POST, "/callback/a/b", "{}")).status());
  }

  @Test
  void a_post_beyond_the_pending_limit_is_429_with_retry_after() {
    String clientId = gateway.register();
    assertEquals(202, post(clientId, "1").status());
    assertEquals(202, post(clientId, "2").status());
    Answer r = post(clientId, "3");
    assertEquals(429, r.status());
    assertEquals("10", r.headers().get(HttpHeaderNames.RETRY_AFTER));
    assertTrue(r.error().contains("2 pending notifications"));
    assertEquals(2, gateway.pending(clientId));
  }

  @Test
  void a_body_that_is_not_one_json_value_is_400() {
    String clientId = gateway.register();
    assertEquals(400, post(clientId, "{\"a\":").status());
    Answer r = post(clientId, "{} {}");
    assertEquals(400, r.status());
    assertEquals("the body is not JSON", r.error());
    assertEquals(0, gateway.pending(clientId));
  }

  @Test
  void a_body_over_the_limit_is_413_and_the_connection_closes() {
    String clientId = gateway.register();
    Answer r = post(clientId, "\"" + "x".repeat(120) + "\"");
    assertEquals(413, r.status());
    assertTrue(r.error().contains("the limit is 100"));
    assertFalse(channel.isOpen());
    assertEquals(0, gateway.pending(clientId));
  }

  @Test
  void with_backend_keys_a_post_without_the_key_is_401_and_with_it_202() {
    withKeys();
    String clientId = gateway.register();
    Answer refused = post(clientId, "{}");
    assertEquals(401, refused.status());
    assertEquals("Bearer", refused.headers().get(HttpHeaderNames.WWW_AUTHENTICATE));
    FullHttpRequest wrongKey = request(HttpMethod.POST, "/callback/" + clientId, "{}");
    wrongKey.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer another-key");
    assertEquals(401, exchange(wrongKey).status());
    FullHttpRequest keyed = request(HttpMethod.POST, "/callback/" + clientId, "{}");
    keyed.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TestGateway.KEY);
    assertEquals(202, exchange(keyed).status());
    assertEquals(1, gateway.pending(clientId));
  }

  @Test
  void a_post_to_a_user_needs_backend_keys_403() {
    Answer r = exchange(request(HttpMethod.POST, "/callback/user/alice", "{}"));
    assertEquals(403, r.status());
    assertTrue(r.error().contains("MPR_CALLBACK_KEYS"));
  }

  @Test
  void another_method_than_post_on_a_callback_url_is_405_with_allow() {
    Answer r = exchange(request(HttpMethod.GET, "/callback/" + gateway.register(), ""));
    assertEquals(405, r.status());
    assertEquals("POST", r.headers().get(HttpHeaderNames.ALLOW));
  }

  @Test
  void the_browser_script_service_worker_and_demo_are_served_to_get_only() {
    Answer js = exchange(request(HttpMethod.GET, "/callback/client.js", ""));
    assertEquals(200, js.status());
    assertEquals("text/javascript; charset=utf-8", js.headers().get(HttpHeaderNames.CONTENT_TYPE));
    assertEquals("no-cache", js.headers().get(HttpHeaderNames.CACHE_CONTROL));
    assertTrue(js.body().contains("WebSocket"), js.body());
    assertEquals(200, exchange(request(HttpMethod.GET, "/callback/sw.js", "")).status());
    Answer demo = exchange(request(HttpMethod.GET, "/callback/demo", ""));
    assertEquals("text/html; charset=utf-8", demo.headers().get(HttpHeaderNames.CONTENT_TYPE));
    Answer post = exchange(request(HttpMethod.POST, "/callback/client.js", "{}"));
    assertEquals(405, post.status());
    assertEquals("GET", post.headers().get(HttpHeaderNames.ALLOW));
  }

  @Test
  void the_socket_path_refuses_other_methods_plain_requests_and_foreign_origins() {
    Answer post = exchange(request(HttpMethod.POST, "/callback/ws", ""));
    assertEquals(405, post.status());
    assertEquals("GET", post.headers().get(HttpHeaderNames.ALLOW));
    Answer plain = exchange(request(HttpMethod.GET, "/callback/ws", ""));
    assertEquals(400, plain.status());
    assertEquals("a WebSocket upgrade is expected", plain.error());
    channel.finishAndReleaseAll();
    channel = null;
    FullHttpRequest foreign = request(HttpMethod.GET, "/callback/ws", "");
    foreign.headers().set(HttpHeaderNames.UPGRADE, "websocket").set(HttpHeaderNames.CONNECTION, "Upgrade")
        .set(HttpHeaderNames.ORIGIN, "https://evil.example");
    Answer r = exchange(foreign);
    assertEquals(403, r.status());
    assertTrue(r.error().contains("MPR_CALLBACK_ALLOWED_ORIGINS"));
  }
}
