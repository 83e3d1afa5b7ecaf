package io.github.mpr4j.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load tool mode {@code callback}: one browser socket on the callback gateway ({@code /callback/ws} of
 * {@code --app-uri}), and backends POSTing to its callback URL at {@code --rate} per second (through
 * {@code --sender-app-uri}, another instance, when given). Reports the POST-to-notification latency; the
 * browser acks what it receives.
 */
final class CallbackLoad {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CallbackLoad() {}

  static LoadTool.Result run(EventLoopGroup group, URI app, URI senderApp, int rate, int seconds, int warmupSeconds)
      throws Exception {
    for (URI u : new URI[] {app, senderApp}) {
      if (!InetAddress.getByName(u.getHost()).isLoopbackAddress()) {
        throw new IllegalArgumentException("the load tool only targets loopback addresses, not " + u.getHost());
      }
    }
    long total = (long) rate * (seconds + warmupSeconds);
    long[] latencies = new long[(int) Math.min(total, 50_000_000)];
    AtomicInteger recorded = new AtomicInteger();
    AtomicLong received = new AtomicLong();
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    CompletableFuture<String> clientId = new CompletableFuture<>();
    WsConnection[] browser = new WsConnection[1];
    URI ws = URI.create("ws://" + app.getHost() + ":" + app.getPort() + "/callback/ws");
    browser[0] = WsConnection.open(group, ws, text -> {
      long now = System.nanoTime();
      try {
        JsonNode frame = JSON.readTree(text);
        String type = frame.path("type").asText();
        if (type.equals("registered")) {
          clientId.complete(frame.get("clientId").asText());
        } else if (type.equals("notification")) {
          long sent = frame.get("data").get("t").asLong();
          received.incrementAndGet();
          if (sent >= measureFrom) {
            int i = recorded.getAndIncrement();
            if (i < latencies.length) {
              latencies[i] = now - sent;
            }
          }
          browser[0].send("{\"type\":\"ack\",\"ids\":[\"" + frame.get("id").asText() + "\"]}");
        }
      } catch (Exception e) {
        clientId.completeExceptionally(e);
      }
    });
    String id = clientId.get(10, TimeUnit.SECONDS);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    URI target = URI.create("http://" + senderApp.getHost() + ":" + senderApp.getPort() + "/callback/" + id);
    AtomicLong sent = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    long t0 = System.nanoTime();
    try {
      pacer.scheduleAtFixedRate(() -> {
        long due = Math.min(total, (System.nanoTime() - t0) * rate / 1_000_000_000L);
        while (sent.get() < due) {
          sent.incrementAndGet();
          HttpRequest post = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofString("{\"t\":" + System.nanoTime() + "}")).build();
          http.sendAsync(post, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e != null || r.statusCode() != 202) {
              if (errors.incrementAndGet() == 1) {
                System.out.println("first error: " + (e != null ? e : "HTTP " + r.statusCode()));
              }
            }
          });
        }
      }, 0, 1, TimeUnit.MILLISECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + warmupSeconds + 10L);
      while (sent.get() < total && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (received.get() < sent.get() && System.nanoTime() < waitUntil) {
        Thread.sleep(10);
      }
    } finally {
      pacer.shutdownNow();
      browser[0].close();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long lost = sent.get() - received.get();
    return new LoadTool.Result("callback@" + rate + "/s", received.get(), errors.get(), elapsed, -1,
        Arrays.copyOf(latencies, Math.min(recorded.get(), latencies.length)),
        lost > 0 ? lost + " callbacks posted were not received within 5 s" : null);
  }
}
