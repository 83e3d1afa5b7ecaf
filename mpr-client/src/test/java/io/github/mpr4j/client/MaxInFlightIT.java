package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.failure;
import static io.github.mpr4j.client.Fixtures.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.MprTransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MaxInFlightIT {

  private static CompletableFuture<Integer> count(MprClient client, int i) {
    return client.getAvailableMessageCount(GetAvailableMessageCountOptions.of("inflight-" + i));
  }

  @Test
  void noMoreThanMaxInFlightRequestsAreSentAndEachAnswerLetsTheNextOneGo() throws Exception {
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri()).maxInFlight(3).build()) {
      get(client.whenConnected());
      List<CompletableFuture<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        calls.add(count(client, i));
      }
      List<JsonNode> sent = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sent.add(scripted.nextCall(Fixtures.WAIT));
      }
      assertNull(scripted.requestWithin(Duration.ofMillis(300)), "a fourth request while three are in flight");
      scripted.answer(sent.get(1), "11");
      assertEquals(11, get(calls.get(1)));
      JsonNode fourth = scripted.nextCall(Fixtures.WAIT);
      assertEquals("inflight-3", fourth.path("params").path("connectionId").asText(), "the waiting calls go in order");
      assertNull(scripted.requestWithin(Duration.ofMillis(200)));
      scripted.answer(sent.get(0), "10");
      scripted.answer(sent.get(2), "12");
      scripted.answer(fourth, "13");
      for (int i = 4; i < 6; i++) {
        scripted.answer(scripted.nextCall(Fixtures.WAIT), Integer.toString(10 + i));
      }
      for (int i = 0; i < 6; i++) {
        assertEquals(10 + i, get(calls.get(i)));
      }
    }
  }

  @Test
  void aCallThatNeverGetsASlotTimesOutUnsent() throws Exception {
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri()).maxInFlight(1).requestTimeout(Duration.ofMillis(400))
             .build()) {
      get(client.whenConnected());
      CompletableFuture<Integer> first = count(client, 1);
      scripted.nextCall(Fixtures.WAIT);
      Thread.sleep(200); // the second call's deadline is later than the first's
      CompletableFuture<Integer> second = count(client, 2);
      assertInstanceOf(MprTransportException.class, failure(first));
      // the first one's slot is freed by its timeout, so the second one is sent
      scripted.nextCall(Fixtures.WAIT);
      Throwable t = failure(second);
      assertEquals("getAvailableMessageCount got no answer within PT0.4S", t.getMessage());
    }
  }
}
