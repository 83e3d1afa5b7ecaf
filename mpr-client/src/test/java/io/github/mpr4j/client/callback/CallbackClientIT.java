package io.github.mpr4j.client.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.client.callback.CallbackPostResult.Outcome;
import io.github.mpr4j.server.testing.MprTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A backend's calls through {@link CallbackClient} to a real gateway, each documented answer as a typed result. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackClientIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static MprTestServer server;
  private static CallbackClient backend;

  @BeforeAll
  static void start() {
    server = MprTestServer.start(Map.of("MPR_CALLBACK_KEYS", "backend-key", "MPR_CALLBACK_MAX_PENDING", "2",
        "MPR_CALLBACK_MAX_BODY_BYTES", "1024"));
    backend = CallbackClient.builder(server.appUri()).backendKey("backend-key").build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A browser's socket on /callback/ws: its frames, parsed. */
  private static final class Browser implements WebSocket.Listener, AutoCloseable {
    final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    final WebSocket socket;

    Browser() {
      URI ws = URI.create(server.appUri().toString().replaceFirst("^http", "ws") + "callback/ws");
      socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, this).orTimeout(10, TimeUnit.SECONDS)
          .join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          frames.add(JSON.readTree(text.toString()));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    JsonNode next() throws InterruptedException {
      JsonNode f = frames.poll(10, TimeUnit.SECONDS);
      assertNotNull(f, "a frame within 10 s");
      return f;
    }

    String clientId() throws InterruptedException {
      JsonNode registered = next();
      assertEquals("registered", registered.get("type").asText(), registered.toString());
      return registered.get("clientId").asText();
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(10, TimeUnit.SECONDS).join();
    }
  }

  @Test
  void a_post_to_a_connected_browser_is_stored_live_and_reaches_it() throws Exception {
    try (Browser browser = new Browser()) {
      String clientId = browser.clientId();
      CallbackPostResult r = backend.post(clientId, "{\"report\":42}").join();
      assertEquals(202, r.status());
      assertEquals(Outcome.STORED, r.outcome());
      assertTrue(r.live());
      JsonNode n = browser.next();
      assertEquals(r.id(), n.get("id").asText());
      assertEquals(42, n.get("data").get("report").asInt());
    }
  }

  @Test
  void a_post_to_a_browser_that_went_away_is_stored_pending_and_a_full_queue_says_when_to_retry()
      throws Exception {
    String clientId;
    try (Browser browser = new Browser()) {
      clientId = browser.clientId();
    }
    CallbackPostResult first = awaitPending(clientId);
    assertFalse(first.live());
    assertNull(first.retryAfter());
    CallbackPostResult full = null;
    for (int i = 0; i < 3 && (full == null || full.outcome() == Outcome.STORED); i++) {
      full = backend.post(clientId, "\"again\"").join();
    }
    assertEquals(Outcome.QUEUE_FULL, full.outcome());
    assertEquals(429, full.status());
    assertEquals(Duration.ofSeconds(10), full.retryAfter());
  }

  /** Posts until the gateway has seen the socket close (a first POST may still find it live). */
  private static CallbackPostResult awaitPending(String clientId) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      CallbackPostResult r = backend.post(clientId, "\"later\"").join();
      assertEquals(Outcome.STORED, r.outcome());
      if (!r.live()) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the gateway still saw the closed browser as live after 5 s");
  }

  @Test
  void every_refusal_is_a_typed_outcome() throws Exception {
    try (Browser browser = new Browser()) {
      String clientId = browser.clientId();
      CallbackClient stranger = CallbackClient.builder(server.appUri()).backendKey("wrong").build();
      CallbackClient keyless = CallbackClient.builder(server.appUri()).build();
      assertEquals(Outcome.UNAUTHORIZED, stranger.post(clientId, "{}").join().outcome());
      assertEquals(Outcome.UNAUTHORIZED, keyless.post(clientId, "{}").join().outcome());
      assertEquals(Outcome.BAD_REQUEST, backend.post(clientId, "{} {}").join().outcome());
      assertEquals(Outcome.TOO_LARGE, backend.post(clientId, "\"" + "x".repeat(2000) + "\"").join().outcome());
      assertEquals(Outcome.NOT_REGISTERED, backend.post(UUID.randomUUID().toString(), "{}").join().outcome());
      CallbackUserPostResult user = backend.postToUser("nobody at all", "{}").join();
      assertEquals(Outcome.NOT_REGISTERED, user.outcome());
      assertEquals(List.of(), user.ids());
    }
  }

  @Test
  void a_client_id_the_gateway_cannot_have_issued_is_refused_before_any_call() {
    assertThrows(IllegalArgumentException.class, () -> backend.post("../admin", "{}"));
    assertThrows(IllegalArgumentException.class, () -> CallbackClient.builder(URI.create("ws://127.0.0.1:1/")));
  }
}
