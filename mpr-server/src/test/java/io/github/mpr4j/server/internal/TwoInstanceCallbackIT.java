package io.github.mpr4j.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.DeliveryBus;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.callback.CallbackRegistries;
import io.github.mpr4j.core.embedded.QueueStores;
import io.github.mpr4j.server.ServerConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two gateway instances over shared SPIs (one store, one live-session registry, one delivery bus, one
 * callback registry), as two instances share Redis: a browser on one instance receives what a backend
 * posts to the other, and a browser that moves between instances loses nothing.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TwoInstanceCallbackIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerRuntime a;
  private ServerRuntime b;

  @BeforeEach
  void startTwoInstances() {
    ServerRuntime[] two = startInstances();
    a = two[0];
    b = two[1];
  }

  /** Two started instances that share their queues, sessions, bus and registrations. */
  protected ServerRuntime[] startInstances() {
    QueueStore store = QueueStores.inMemory();
    QueueStore unclosable = (QueueStore) Proxy.newProxyInstance(QueueStore.class.getClassLoader(),
        new Class<?>[] {QueueStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            return null;
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    ServerRuntime.SharedSpis spis = new ServerRuntime.SharedSpis(unclosable, LiveSessions.local(),
        DeliveryBus.local(), CallbackRegistries.inMemory());
    ServerConfig config = ServerConfig.fromEnvironment(Map.of("WS_PORT", "0", "APP_PORT", "0",
        "MPR_BIND_ADDRESS", "127.0.0.1", "MPR_STORE", "memory", "MPR_SHUTDOWN_GRACE_MS", "1000"));
    ServerRuntime first = new ServerRuntime(config).shareSpis(spis);
    first.start();
    ServerRuntime second = new ServerRuntime(config).shareSpis(spis);
    second.start();
    return new ServerRuntime[] {first, second};
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void a_browser_on_instance_a_receives_live_what_a_backend_posts_to_instance_b() throws Exception {
    try (BrowserSocket browser = BrowserSocket.connect(a, null)) {
      HttpResponse<String> r = BrowserSocket.post(b, browser.clientId, "{\"from\":\"b\"}");
      assertEquals(202, r.statusCode(), r.body());
      assertEquals("live", JSON.readTree(r.body()).get("delivered").asText());
      JsonNode n = browser.next(Duration.ofSeconds(10));
      assertEquals("b", n.get("data").get("from").asText());
    }
  }

  @Test
  void a_browser_that_moves_between_instances_while_both_receive_posts_gets_every_notification() throws Exception {
    String clientId;
    try (BrowserSocket first = BrowserSocket.connect(a, null)) {
      clientId = first.clientId;
    }
    int total = 200;
    Set<Integer> received = new TreeSet<>();
    Thread poster = new Thread(() -> {
      for (int i = 0; i < total; i++) {
        try {
          HttpResponse<String> r = BrowserSocket.post(i % 2 == 0 ? a : b, clientId, "{\"n\":" + i + "}");
          if (r.statusCode() != 202) {
            throw new AssertionError("not accepted: " + i + " " + r.body());
          }
          Thread.sleep(2);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }
    });
    poster.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    for (int round = 0; round < 100 && received.size() < total && System.nanoTime() < deadline; round++) {
      try (BrowserSocket browser = BrowserSocket.connect(round % 2 == 0 ? b : a, clientId)) {
        assertEquals(clientId, browser.clientId);
        for (int k = 0; k < 20; k++) {
          JsonNode f = browser.next(Duration.ofMillis(50));
          if (f == null) {
            break;
          }
          received.add(f.get("data").get("n").asInt());
          browser.ack(f.get("id").asText());
        }
      }
    }
    poster.join(20_000);
    try (BrowserSocket last = BrowserSocket.connect(b, clientId)) {
      for (JsonNode f = last.next(Duration.ofMillis(500)); f != null; f = last.next(Duration.ofMillis(500))) {
        received.add(f.get("data").get("n").asInt());
        last.ack(f.get("id").asText());
      }
    }
    assertEquals(total, received.size(), "every accepted notification arrived at least once");
  }
}
