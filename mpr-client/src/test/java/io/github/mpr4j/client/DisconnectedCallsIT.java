package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.failure;
import static io.github.mpr4j.client.Fixtures.get;
import static io.github.mpr4j.client.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.server.testing.MprTestServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DisconnectedCallsIT {

  private static MprClient.Builder countingDisconnects(MprTestServer server, AtomicInteger disconnects) {
    return Fixtures.client(server.wsUri()).connectionStateListener(new ConnectionStateListener() {
      @Override
      public void disconnected(Throwable cause) {
        disconnects.incrementAndGet();
      }
    });
  }

  @Test
  void byDefaultACallMadeWhileTheServerIsDownWaitsAndIsSentWhenItIsBack() throws Exception {
    AtomicInteger disconnects = new AtomicInteger();
    try (MprTestServer server = MprTestServer.start();
         MprClient client = countingDisconnects(server, disconnects).build()) {
      get(client.whenConnected());
      server.stop();
      Fixtures.await("the client saw the server go", () -> disconnects.get() > 0);
      assertFalse(client.isConnected());
      CompletableFuture<String> call = client.addMessage(message("down-1", 1));
      Thread.sleep(300);
      assertFalse(call.isDone(), "the call waits while the server is down");
      server.restart();
      assertFalse(get(call).isEmpty());
      assertTrue(get(client.getAvailableMessageCount(GetAvailableMessageCountOptions.of("down-1"))) == 1);
    }
  }

  @Test
  void aWaitingCallFailsWhenTheServerDoesNotComeBackWithinItsTimeout() throws Exception {
    AtomicInteger disconnects = new AtomicInteger();
    try (MprTestServer server = MprTestServer.start();
         MprClient client = countingDisconnects(server, disconnects).requestTimeout(Duration.ofMillis(400)).build()) {
      get(client.whenConnected());
      server.stop();
      Fixtures.await("the client saw the server go", () -> disconnects.get() > 0);
      Throwable t = failure(client.addMessage(message("down-2", 1)));
      assertInstanceOf(MprTransportException.class, t);
      assertTrue(t.getMessage().endsWith("(it waited for the connection and was never sent)"), t.getMessage());
    }
  }

  @Test
  void failFastFailsACallMadeWhileTheServerIsDownAtOnce() throws Exception {
    AtomicInteger disconnects = new AtomicInteger();
    try (MprTestServer server = MprTestServer.start();
         MprClient client = countingDisconnects(server, disconnects).waitWhileDisconnected(false).build()) {
      get(client.whenConnected());
      server.stop();
      Fixtures.await("the client saw the server go", () -> disconnects.get() > 0);
      long t0 = System.nanoTime();
      Throwable t = failure(client.addMessage(message("down-3", 1)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertInstanceOf(MprTransportException.class, t);
      assertTrue(t.getMessage().startsWith("not connected to " + server.wsUri()), t.getMessage());
      assertTrue(ms < 1000, "failed after " + ms + " ms");
      server.restart();
      get(client.whenConnected());
      assertFalse(get(client.addMessage(message("down-3", 2))).isEmpty());
    }
  }
}
