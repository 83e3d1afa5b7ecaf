package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pings find a server that went silent without closing the socket; an answering server keeps it open. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SilentServerDetectionIT {

  @Test
  void aServerThatStopsReadingIsDroppedAfterTwoPingIntervalsAndTheClientReconnects() throws Exception {
    List<Throwable> causes = new CopyOnWriteArrayList<>();
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri()).pingInterval(Duration.ofMillis(200))
             .connectionStateListener(new ConnectionStateListener() {
               @Override
               public void disconnected(Throwable cause) {
                 causes.add(cause);
               }
             }).build()) {
      get(client.whenConnected());
      scripted.freeze();
      long t0 = System.nanoTime();
      Fixtures.await("the silent socket was dropped", () -> !causes.isEmpty());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 300 && ms < 5000, "dropped after " + ms + " ms");
      assertEquals("the server of " + scripted.uri() + " sent nothing, not even a pong, for PT0.4S",
          causes.get(0).getMessage());
      Fixtures.await("subscribed again on a new socket", () -> scripted.subscriptions.get() == 2);
      get(client.whenConnected());
    }
  }

  @Test
  void anIdleClientOfAnAnsweringServerStaysOnItsSocket() throws Exception {
    AtomicInteger disconnects = new AtomicInteger();
    try (MprTestServer server = MprTestServer.start();
         MprClient client = Fixtures.client(server.wsUri()).pingInterval(Duration.ofMillis(100))
             .connectionStateListener(new ConnectionStateListener() {
               @Override
               public void disconnected(Throwable cause) {
                 disconnects.incrementAndGet();
               }
             }).build()) {
      get(client.whenConnected());
      Thread.sleep(1000); // ten ping intervals without a call
      assertEquals(0, disconnects.get());
      assertEquals(false, get(client.getLiveSession(new GetLiveSessionOptions("idle-1"))));
    }
  }
}
