package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.failure;
import static io.github.mpr4j.client.Fixtures.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MprTransportException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestTimeoutIT {

  @Test
  void aCallTheServerNeverAnswersFailsWithATransportErrorAfterTheTimeout() throws Exception {
    try (ScriptedServer silent = new ScriptedServer();
         MprClient client = Fixtures.client(silent.uri()).requestTimeout(Duration.ofMillis(300)).build()) {
      get(client.whenConnected());
      long t0 = System.nanoTime();
      CompletableFuture<Boolean> call = client.getLiveSession(new GetLiveSessionOptions("timeout-1"));
      silent.nextCall(Fixtures.WAIT);
      Throwable t = failure(call);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertInstanceOf(MprTransportException.class, t);
      assertEquals("getLiveSession got no answer within PT0.3S", t.getMessage());
      assertTrue(ms >= 250 && ms < 3000, "failed after " + ms + " ms");
    }
  }

  @Test
  void aLateAnswerAfterTheTimeoutIsIgnoredAndTheNextCallIsAnswered() throws Exception {
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri()).requestTimeout(Duration.ofMillis(300)).build()) {
      CompletableFuture<Boolean> first = client.getLiveSession(new GetLiveSessionOptions("timeout-2"));
      var request = scripted.nextCall(Fixtures.WAIT);
      assertInstanceOf(MprTransportException.class, failure(first));
      scripted.answer(request, "true");
      CompletableFuture<Boolean> second = client.getLiveSession(new GetLiveSessionOptions("timeout-2"));
      scripted.answer(scripted.nextCall(Fixtures.WAIT), "false");
      assertEquals(false, get(second));
    }
  }
}
