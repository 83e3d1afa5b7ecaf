package io.github.mpr4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Health, readiness and metrics on APP_PORT. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HttpEndpointsIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static MprServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.appPort() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void health_answers_up() throws Exception {
    HttpResponse<String> r = send("GET", "/health");
    assertEquals(200, r.statusCode());
    assertEquals(WsTestClient.parse("{\"status\":\"up\"}"), WsTestClient.parse(r.body()));
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
  }

  @Test
  void ready_answers_ready_when_the_store_is_ready() throws Exception {
    HttpResponse<String> r = send("GET", "/ready");
    assertEquals(200, r.statusCode());
    assertEquals(WsTestClient.parse("{\"status\":\"ready\"}"), WsTestClient.parse(r.body()));
  }

  @Test
  void metrics_are_prometheus_text_with_the_server_metrics() throws Exception {
    try (WsTestClient c = WsTestClient.connect(server.wsPort())) {
      Wire.addMessage(c, "metrics-conn", "d", "p");
      c.call("nope", null);
      HttpResponse<String> r = send("GET", "/metrics");
      assertEquals(200, r.statusCode());
      assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
      String body = r.body();
      assertSeries(body, "mpr_rpc_requests_total{method=\"addMessage\",outcome=\"ok\"}", 1);
      assertSeries(body, "mpr_rpc_requests_total{method=\"unknown\",outcome=\"method_not_found\"}", 1);
      assertSeries(body, "mpr_rpc_request_duration_seconds_bucket{method=\"addMessage\",le=\"+Inf\"}", 1);
      assertSeries(body, "mpr_rpc_request_duration_seconds_count{method=\"addMessage\"}", 1);
      assertTrue(body.contains("# TYPE mpr_rpc_request_duration_seconds histogram"), body);
      assertSeries(body, "mpr_websocket_connections", 1);
      assertSeries(body, "mpr_messages_added_total", 1);
      assertSeries(body, "mpr_messages_delivered_live_total", 0);
      assertTrue(body.contains("\nmpr_jvm_memory_heap_used_bytes "), body);
      assertTrue(body.contains("\nmpr_jvm_memory_heap_max_bytes "), body);
      assertTrue(body.contains("\nmpr_process_uptime_seconds "), body);
      for (String line : body.split("\n")) {
        assertTrue(line.startsWith("# ") || line.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? (-?[0-9.e+E-]+|NaN|[+-]Inf)"), line);
      }
    }
  }

  /** The series is in the exposition with that value (Prometheus writes 1 or 1.0 alike). */
  private static void assertSeries(String body, String series, double expected) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series)
        + " (\\S+)$").matcher(body);
    assertTrue(m.find(), series + " missing in\n" + body);
    assertEquals(expected, Double.parseDouble(m.group(1)), series);
  }

  @Test
  void other_paths_are_404() throws Exception {
    assertEquals(404, send("GET", "/nothing").statusCode());
    assertEquals(404, send("GET", "/").statusCode());
  }

  @Test
  void other_methods_are_405_with_an_allow_header() throws Exception {
    HttpResponse<String> r = send("POST", "/health");
    assertEquals(405, r.statusCode());
    assertEquals("GET", r.headers().firstValue("allow").orElse(""));
    assertEquals(405, send("DELETE", "/metrics").statusCode());
  }
}
