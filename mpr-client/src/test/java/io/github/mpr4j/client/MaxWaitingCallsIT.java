package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.failure;
import static io.github.mpr4j.client.Fixtures.get;
import static io.github.mpr4j.client.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue of calls waiting to be sent is bounded by maxWaitingCalls; the excess fails at once, unsent. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MaxWaitingCallsIT {

  private static MprClient.Builder countingDisconnects(MprTestServer server, AtomicInteger disconnects) {
    return Fixtures.client(server.wsUri()).connectionStateListener(new ConnectionStateListener() {
      @Override
      public void disconnected(Throwable cause) {
        disconnects.incrementAndGet();
      }
    });
  }

  @Test
  void whileTheServerIsDownCallsBeyondTheBoundFailAtOnceAndTheOthersAreSentWhenItIsBack() throws Exception {
    AtomicInteger disconnects = new AtomicInteger();
    try (MprTestServer server = MprTestServer.start();
         MprClient client = countingDisconnects(server, disconnects).maxWaitingCalls(3).build()) {
      get(client.whenConnected());
      server.stop();
      Fixtures.await("the client saw the server go", () -> disconnects.get() > 0);
      List<CompletableFuture<String>> waiting = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiting.add(client.addMessage(message("waiting-1", i)));
      }
      Throwable t = failure(client.addMessage(message("waiting-1", 3)));
      MprQueueFullException full = assertInstanceOf(MprQueueFullException.class, t);
      assertEquals(3, full.limit());
      assertEquals("addMessage was refused: 3 calls already wait to be sent for the connection to " + server.wsUri()
          + " (maxWaitingCalls 3); the call was not sent", t.getMessage());
      waiting.forEach(f -> assertFalse(f.isDone(), "the first three wait"));

      server.restart();
      for (CompletableFuture<String> f : waiting) {
        assertFalse(get(f).isEmpty());
      }
      assertEquals(3, get(client.getAvailableMessageCount(GetAvailableMessageCountOptions.of("waiting-1"))),
          "the refused call was not sent");
    }
  }

  @Test
  void callsWaitingForAFreeInFlightSlotCountTooAndAnAnswerMakesRoomAgain() throws Exception {
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri()).maxInFlight(1).maxWaitingCalls(1).build()) {
      get(client.whenConnected());
      CompletableFuture<Integer> inFlight = count(client, 1);
      JsonNode first = scripted.nextCall(Fixtures.WAIT);
      CompletableFuture<Integer> waits = count(client, 2);
      Throwable t = failure(count(client, 3));
      assertInstanceOf(MprQueueFullException.class, t);
      assertTrue(t.getMessage().contains("wait to be sent for a free in-flight slot"), t.getMessage());
      assertNull(scripted.requestWithin(Duration.ofMillis(200)), "the refused call was not sent");

      scripted.answer(first, "1");
      assertEquals(1, get(inFlight));
      JsonNode second = scripted.nextCall(Fixtures.WAIT);
      assertEquals("waiting-2", second.path("params").path("connectionId").asText());
      CompletableFuture<Integer> third = count(client, 3);
      scripted.answer(second, "2");
      scripted.answer(scripted.nextCall(Fixtures.WAIT), "3");
      assertEquals(2, get(waits));
      assertEquals(3, get(third));
    }
  }

  @Test
  void aWaitingCallThatTimedOutNoLongerTakesAPlace() throws Exception {
    AtomicInteger disconnects = new AtomicInteger();
    try (MprTestServer server = MprTestServer.start();
         MprClient client = countingDisconnects(server, disconnects).maxWaitingCalls(1)
             .requestTimeout(Duration.ofMillis(300)).build()) {
      get(client.whenConnected());
      server.stop();
      Fixtures.await("the client saw the server go", () -> disconnects.get() > 0);
      CompletableFuture<Integer> first = count(client, 4);
      assertInstanceOf(MprQueueFullException.class, failure(count(client, 4)));
      Throwable timedOut = failure(first);
      assertFalse(timedOut instanceof MprQueueFullException, timedOut.toString());
      Throwable again = failure(count(client, 4));
      assertFalse(again instanceof MprQueueFullException, "let in, it waited and timed out: " + again);
      assertTrue(again.getMessage().endsWith("(it waited for the connection and was never sent)"), again.getMessage());
    }
  }

  @Test
  void zeroLetsNoCallWait() throws Exception {
    AtomicInteger disconnects = new AtomicInteger();
    try (MprTestServer server = MprTestServer.start();
         MprClient client = countingDisconnects(server, disconnects).maxWaitingCalls(0).build()) {
      get(client.whenConnected());
      assertEquals(0, get(count(client, 5)));
      server.stop();
      Fixtures.await("the client saw the server go", () -> disconnects.get() > 0);
      assertInstanceOf(MprQueueFullException.class, failure(count(client, 5)));
    }
  }

  private static CompletableFuture<Integer> count(MprClient client, int i) {
    return client.getAvailableMessageCount(GetAvailableMessageCountOptions.of("waiting-" + i));
  }
}
