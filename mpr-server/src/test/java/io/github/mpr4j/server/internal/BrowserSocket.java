package io.github.mpr4j.server.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A browser's socket on the callback gateway, on the JDK's WebSocket client; and a backend's POST. */
final class BrowserSocket implements AutoCloseable, WebSocket.Listener {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;
  /** The clientId of the registration, once {@link #connect} has read it. */
  String clientId;

  /** Opens a socket (resuming {@code clientId}, or registering anew with {@code null}); reads nothing yet. */
  static BrowserSocket open(ServerRuntime server, String clientId) throws Exception {
    BrowserSocket b = new BrowserSocket();
    b.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + server.appPort() + "/callback/ws"
            + (clientId == null ? "" : "?clientId=" + clientId)), b)
        .get(10, TimeUnit.SECONDS);
    return b;
  }

  /** Opens a socket and reads its first frame, which must be {@code registered}. */
  static BrowserSocket connect(ServerRuntime server, String clientId) throws Exception {
    BrowserSocket b = open(server, clientId);
    JsonNode registered = b.next(Duration.ofSeconds(10));
    assertTrue(registered != null && "registered".equals(registered.get("type").asText()), "" + registered);
    b.clientId = registered.get("clientId").asText();
    return b;
  }

  /** A backend's POST of {@code body} to a client's callback URL on {@code server}. */
  static HttpResponse<String> post(ServerRuntime server, String clientId, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.appPort() + "/callback/"
        + clientId)).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The next frame, or {@code null} when none comes within {@code wait}. */
  JsonNode next(Duration wait) throws InterruptedException {
    return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  void ack(String id) throws Exception {
    socket.sendText("{\"type\":\"ack\",\"ids\":[\"" + id + "\"]}", true).get(10, TimeUnit.SECONDS);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        frames.add(JSON.readTree(partial.toString()));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(t -> null);
    socket.abort();
  }
}
