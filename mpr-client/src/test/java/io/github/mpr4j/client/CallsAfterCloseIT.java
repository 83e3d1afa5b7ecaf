package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.failure;
import static io.github.mpr4j.client.Fixtures.get;
import static io.github.mpr4j.client.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallsAfterCloseIT {

  @Test
  void everyCallAfterCloseFailsItsFutureWithATransportErrorAndCloseIsIdempotent() throws Exception {
    AtomicInteger closedEvents = new AtomicInteger();
    try (MprTestServer server = MprTestServer.start()) {
      MprClient client = Fixtures.client(server.wsUri()).connectionStateListener(new ConnectionStateListener() {
        @Override
        public void closed() {
          closedEvents.incrementAndGet();
        }
      }).build();
      get(client.whenConnected());
      client.close();
      client.close();
      List<CompletableFuture<?>> calls = List.of(
          client.addMessage(message("closed-1", 1)),
          client.takeFromQueue(TakeFromQueueOptions.builder("closed-1").build()),
          client.removeMessages(new RemoveMessagesOptions("closed-1", List.of("x"))),
          client.removeAllMessages(new RemoveAllMessagesOptions("closed-1", Fixtures.DID)),
          client.getAvailableMessageCount(GetAvailableMessageCountOptions.of("closed-1")),
          client.addLiveSession(new AddLiveSessionOptions("closed-1", "s")),
          client.removeLiveSession(new RemoveLiveSessionOptions("closed-1", null)),
          client.getLiveSession(new GetLiveSessionOptions("closed-1")),
          client.ping(),
          client.whenConnected());
      for (CompletableFuture<?> call : calls) {
        Throwable t = failure(call);
        assertInstanceOf(MprTransportException.class, t);
        assertEquals("the client of " + server.wsUri() + " is closed", t.getMessage());
      }
      assertFalse(client.isConnected());
      Fixtures.await("closed reported", () -> closedEvents.get() == 1);
      client.close();
      Thread.sleep(100);
      assertEquals(1, closedEvents.get());
    }
  }

  @Test
  void callsWaitingForAnAnswerFailWhenTheClientCloses() throws Exception {
    try (ScriptedServer silent = new ScriptedServer()) {
      MprClient client = Fixtures.client(silent.uri()).build();
      CompletableFuture<Boolean> call = client.getLiveSession(new GetLiveSessionOptions("closed-2"));
      silent.nextCall(Fixtures.WAIT);
      client.close();
      assertInstanceOf(MprTransportException.class, failure(call));
    }
  }

  @Test
  void closingTheClientEndsTheLiveSessionsItHolds() throws Exception {
    try (MprTestServer server = MprTestServer.start();
         MprClient other = Fixtures.client(server.wsUri()).build()) {
      MprClient holder = Fixtures.client(server.wsUri()).build();
      get(holder.addLiveSession(new AddLiveSessionOptions("closed-3", "s")));
      assertEquals(true, get(other.getLiveSession(new GetLiveSessionOptions("closed-3"))));
      holder.close();
      Fixtures.await("the session ended", () -> !other.getLiveSession(new GetLiveSessionOptions("closed-3")).join());
    }
  }
}
