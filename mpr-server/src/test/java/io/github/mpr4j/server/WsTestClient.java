package io.github.mpr4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket test client on the JDK's {@link WebSocket}: collects every text message it receives into
 * a queue, split into answers (with an id, or batch arrays) and notifications (with a method).
 */
final class WsTestClient implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(10);

  private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonNode> notifications = new LinkedBlockingQueue<>();
  /** The answers as the text they came as, in the same order as {@link #answers}. */
  private final BlockingQueue<String> answerTexts = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeStatus = new CompletableFuture<>();
  private final AtomicLong ids = new AtomicLong();
  private final WebSocket socket;

  private WsTestClient(URI uri, Map<String, String> headers, String... subprotocols) {
    WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
    headers.forEach(b::header);
    if (subprotocols.length > 0) {
      b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
    }
    this.socket = b.buildAsync(uri, new Listener()).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Connects to {@code ws://127.0.0.1:port/}. */
  static WsTestClient connect(int port) {
    return connect(port, "/", Map.of());
  }

  /** Connects to a path and query on the loopback address with extra headers; fails on a refused upgrade. */
  static WsTestClient connect(int port, String pathAndQuery, Map<String, String> headers) {
    return new WsTestClient(URI.create("ws://127.0.0.1:" + port + pathAndQuery), headers);
  }

  /** Connects offering WebSocket subprotocols ({@code Sec-WebSocket-Protocol}), as a browser can. */
  static WsTestClient connect(int port, String pathAndQuery, Map<String, String> headers, String... subprotocols) {
    return new WsTestClient(URI.create("ws://127.0.0.1:" + port + pathAndQuery), headers, subprotocols);
  }

  /** The subprotocol the server selected, empty when none. */
  String subprotocol() {
    return socket.getSubprotocol();
  }

  /** Sends a text message. */
  void send(String text) {
    socket.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Sends a text message in fragments. */
  void sendFragments(List<String> parts) {
    for (int i = 0; i < parts.size(); i++) {
      socket.sendText(parts.get(i), i == parts.size() - 1).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }
  }

  /** Sends a binary message. */
  void sendBinary(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** The next answer (a response object or a batch array); fails after {@link #WAIT}. */
  JsonNode nextAnswer() {
    return poll(answers, WAIT, "an answer");
  }

  /** The text of the next answer (each answer is also in {@link #nextAnswer}'s queue); fails after {@link #WAIT}. */
  String nextAnswerText() {
    try {
      String text = answerTexts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (text == null) {
        throw new AssertionError("no answer within " + WAIT);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next messagesReceived (or other) notification; fails after {@link #WAIT}. */
  JsonNode nextNotification() {
    return poll(notifications, WAIT, "a notification");
  }

  /** The next notification within a short time, or {@code null}. */
  JsonNode notificationWithin(Duration wait) {
    try {
      return notifications.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next answer within a short time, or {@code null}. */
  JsonNode answerWithin(Duration wait) {
    try {
      return answers.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Sends a request with a fresh numeric id and returns its response object. */
  JsonNode call(String method, Object params) {
    long id = ids.incrementAndGet();
    send(request(id, method, params));
    JsonNode answer = nextAnswer();
    if (!answer.path("id").isNumber() || answer.get("id").longValue() != id) {
      throw new AssertionError("expected the answer to id " + id + " but got " + answer);
    }
    return answer;
  }

  /** The result of a call that must succeed. */
  JsonNode result(String method, Object params) {
    JsonNode answer = call(method, params);
    if (!answer.has("result")) {
      throw new AssertionError(method + " failed: " + answer);
    }
    return answer.get("result");
  }

  /** Whether a ping is answered with "pong": the socket is alive. */
  boolean pingPongs() {
    return "pong".equals(result("ping", null).asText());
  }

  /** Whether the connection has ended (closed by the server, or broken). */
  boolean isClosed() {
    return closeStatus.isDone();
  }

  /** The close status the server sent; fails after {@link #WAIT}. */
  int closeStatus() {
    return closeStatus.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** A request's JSON text; {@code id} null makes it a notification, {@code params} null leaves it out. */
  static String request(Object id, String method, Object params) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("jsonrpc", "2.0");
    m.put("method", method);
    if (params != null) {
      m.put("params", params);
    }
    if (id != null) {
      m.put("id", id);
    }
    return json(m);
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static JsonNode poll(BlockingQueue<JsonNode> queue, Duration wait, String what) {
    try {
      JsonNode n = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (n == null) {
        throw new AssertionError("no " + what + " within " + wait);
      }
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(t -> null);
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        JsonNode n = parse(text);
        partial.setLength(0);
        if (n.isObject() && n.has("method")) {
          notifications.add(n);
        } else {
          answerTexts.add(text);
          answers.add(n);
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeStatus.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeStatus.completeExceptionally(error);
    }
  }
}
