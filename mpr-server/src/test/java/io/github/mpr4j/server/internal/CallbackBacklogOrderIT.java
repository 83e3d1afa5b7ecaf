package io.github.mpr4j.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The race between the backlog and new live notifications on (re)connection: while the backlog's take is
 * held up in the store, notifications posted meanwhile are delivered live to the new socket; they must
 * reach the browser after the backlog, each once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackBacklogOrderIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void live_notifications_posted_while_the_backlog_is_taken_arrive_after_it_in_order_and_once() throws Exception {
    QueueStore store = QueueStores.inMemory();
    AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    CountDownLatch takeStarted = new CountDownLatch(1);
    QueueStore gated = (QueueStore) Proxy.newProxyInstance(QueueStore.class.getClassLoader(),
        new Class<?>[] {QueueStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("isNonBlocking")) {
            return false; // this store blocks (at its gate): operations must not run on an event loop
          }
          CountDownLatch g = gate.get();
          if (method.getName().equals("take") && g != null) {
            takeStarted.countDown();
            assertTrue(g.await(20, TimeUnit.SECONDS), "the test opens the gate");
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    ServerConfig config = ServerConfig.fromEnvironment(Map.of("WS_PORT", "0", "APP_PORT", "0",
        "MPR_BIND_ADDRESS", "127.0.0.1", "MPR_STORE", "memory", "MPR_SHUTDOWN_GRACE_MS", "1000"));
    ServerRuntime server = new ServerRuntime(config).shareSpis(new ServerRuntime.SharedSpis(gated,
        LiveSessions.local(), DeliveryBus.local(), CallbackRegistries.inMemory()));
    server.start();
    try {
      BrowserSocket first = BrowserSocket.open(server, null);
      String clientId = first.next(Duration.ofSeconds(10)).get("clientId").asText();
      first.close();
      Thread.sleep(200);
      for (int i = 0; i < 3; i++) { // pending, or live to the closing socket and pending once it is gone
        delivered(BrowserSocket.post(server, clientId, "{\"n\":" + i + "}"));
      }
      CountDownLatch open = new CountDownLatch(1);
      gate.set(open);
      BrowserSocket again = BrowserSocket.open(server, clientId);
      assertEquals("registered", again.next(Duration.ofSeconds(10)).get("type").asText());
      assertTrue(takeStarted.await(10, TimeUnit.SECONDS));
      for (int i = 3; i < 6; i++) {
        assertEquals("live", delivered(BrowserSocket.post(server, clientId, "{\"n\":" + i + "}")));
      }
      assertNull(again.next(Duration.ofMillis(200)), "nothing is sent before the backlog");
      gate.set(null);
      open.countDown();
      for (int i = 0; i < 6; i++) {
        JsonNode n = again.next(Duration.ofSeconds(10));
        assertEquals(i, n.get("data").get("n").asInt(), "notification " + i + " of 6");
      }
      assertNull(again.next(Duration.ofMillis(300)), "each once");
      again.close();
    } finally {
      gate.set(null);
      server.close();
    }
  }

  private static String delivered(HttpResponse<String> r) throws Exception {
    assertEquals(202, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("delivered").asText();
  }
}
