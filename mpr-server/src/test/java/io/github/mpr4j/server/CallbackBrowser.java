package io.github.mpr4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test stand-in for a browser of the callback gateway (a WebSocket on APP_PORT), and the backend's POST.
 */
final class CallbackBrowser implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final WsTestClient socket;
  final String clientId;
  final String callbackUrl;

  private CallbackBrowser(WsTestClient socket) {
    this.socket = socket;
    JsonNode registered = socket.nextAnswer();
    if (!"registered".equals(registered.path("type").asText())) {
      throw new AssertionError("expected the registered frame first, got " + registered);
    }
    this.clientId = registered.get("clientId").asText();
    this.callbackUrl = registered.get("callbackUrl").asText();
  }

  /** Registers a new client. */
  static CallbackBrowser register(MprServer server) {
    return new CallbackBrowser(WsTestClient.connect(server.appPort(), "/callback/ws", Map.of()));
  }

  /** Opens {@code /callback/ws} with a query ({@code ""} or {@code "?..."}), headers and subprotocols. */
  static CallbackBrowser open(MprServer server, String query, Map<String, String> headers, String... subprotocols) {
    return new CallbackBrowser(WsTestClient.connect(server.appPort(), "/callback/ws" + query, headers, subprotocols));
  }

  /** The subprotocol the gateway selected, empty when none. */
  String subprotocol() {
    return socket.subprotocol();
  }

  /** Reconnects with a clientId. */
  static CallbackBrowser resume(MprServer server, String clientId) {
    return new CallbackBrowser(WsTestClient.connect(server.appPort(), "/callback/ws?clientId=" + clientId, Map.of()));
  }

  /** The next frame (a notification normally); fails after 10 s. */
  JsonNode next() {
    return socket.nextAnswer();
  }

  /** The next frame within the time, or null. */
  JsonNode within(Duration wait) {
    return socket.answerWithin(wait);
  }

  /** The next {@code n} notifications' data, in arrival order. */
  List<JsonNode> notifications(int n) {
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonNode f = next();
      if (!"notification".equals(f.path("type").asText())) {
        throw new AssertionError("expected a notification, got " + f);
      }
      out.add(f);
    }
    return out;
  }

  void ack(String... ids) {
    socket.send(WsTestClient.json(Map.of("type", "ack", "ids", List.of(ids))));
  }

  void send(String text) {
    socket.send(text);
  }

  int closeStatus() {
    return socket.closeStatus();
  }

  @Override
  public void close() {
    socket.close();
  }

  /** POSTs a body to a callback path of the server, with extra headers. */
  static HttpResponse<String> post(MprServer server, String clientId, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.appPort() + "/callback/"
            + clientId))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(MprServer server, String clientId, String body) throws Exception {
    return post(server, clientId, body, Map.of());
  }

  /**
   * After a browser left: POSTs probes until one is answered "pending" (the live session has ended),
   * at most 100 or 10 s. Every probe stays queued (one answered "live" went to the closing socket and is
   * pending again once its session ended).
   *
   * @return how many probes were posted
   */
  static int postUntilPending(MprServer server, String clientId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int probes = 1; probes <= 100 && System.nanoTime() < deadline; probes++) {
      HttpResponse<String> r = post(server, clientId, "{\"probe\":" + probes + "}");
      if (r.statusCode() != 202) {
        throw new AssertionError("probe not accepted: " + r.statusCode() + " " + r.body());
      }
      if ("pending".equals(WsTestClient.parse(r.body()).get("delivered").asText())) {
        return probes;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the live session did not end within 10 s");
  }

  /** Polls a condition every 20 ms up to a deadline. */
  static boolean eventually(Duration within, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }
}
