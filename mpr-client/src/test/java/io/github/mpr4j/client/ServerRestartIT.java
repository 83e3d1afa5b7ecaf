package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.failure;
import static io.github.mpr4j.client.Fixtures.get;
import static io.github.mpr4j.client.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server restarts (same port, empty store) while the client runs. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServerRestartIT {

  /** Records the events; on each connect, asks the server (through a fresh client) which sessions exist. */
  static final class Recorder implements ConnectionStateListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final MprTestServer server;

    Recorder(MprTestServer server) {
      this.server = server;
    }

    @Override
    public void connected() {
      // a test may block here: it holds up only this client's callbacks
      try (MprClient probe = MprClient.builder().uri(server.wsUri()).build()) {
        boolean a = probe.getLiveSession(new GetLiveSessionOptions("restart-a")).get(10, TimeUnit.SECONDS);
        boolean b = probe.getLiveSession(new GetLiveSessionOptions("restart-b")).get(10, TimeUnit.SECONDS);
        events.add("connected a=" + a + " b=" + b);
      } catch (Exception e) {
        events.add("connected probe failed " + e);
      }
    }

    @Override
    public void disconnected(Throwable cause) {
      events.add("disconnected");
    }

    @Override
    public void reconnecting(int attempt, Duration delay) {
      events.add("reconnecting " + attempt);
    }

    @Override
    public void closed() {
      events.add("closed");
    }
  }

  @Test
  void liveSessionsAreRestoredBeforeConnectedIsReportedAndDeliveryResumesWithoutDuplicates() throws Exception {
    try (MprTestServer server = MprTestServer.start()) {
      Recorder recorder = new Recorder(server);
      BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
      try (MprClient holder = Fixtures.client(server.wsUri()).connectionStateListener(recorder).build()) {
        holder.addMessagesReceivedListener((c, m) -> m.forEach(q -> delivered.add(c + ":" + q.id())));
        get(holder.whenConnected());
        Fixtures.await("first connect reported", () -> recorder.events.size() == 1);
        assertEquals(List.of("connected a=false b=false"), recorder.events);
        get(holder.addLiveSession(new AddLiveSessionOptions("restart-a", "session-a")));
        get(holder.addLiveSession(new AddLiveSessionOptions("restart-b", "session-b")));

        for (int round = 1; round <= 2; round++) {
          server.restart();
          int connects = round + 1;
          Fixtures.await("reconnected, round " + connects,
              () -> recorder.events.stream().filter(e -> e.startsWith("connected")).count() == connects);
          assertEquals("connected a=true b=true", recorder.events.get(recorder.events.size() - 1),
              "the sessions existed when connected was reported: " + recorder.events);
          assertTrue(holder.isConnected());

          try (MprClient sender = Fixtures.client(server.wsUri()).build()) {
            String a = get(sender.addMessage(message("restart-a", round)));
            String b = get(sender.addMessage(message("restart-b", round)));
            assertEquals("restart-a:" + a, delivered.poll(10, TimeUnit.SECONDS));
            assertEquals("restart-b:" + b, delivered.poll(10, TimeUnit.SECONDS));
            assertNull(delivered.poll(300, TimeUnit.MILLISECONDS), "each message arrives once");
            // the same sessionIds: removal by sessionId finds them
            assertTrue(get(sender.removeLiveSession(new RemoveLiveSessionOptions("restart-b", "session-b"))));
            get(holder.addLiveSession(new AddLiveSessionOptions("restart-b", "session-b")));
          }
        }
        List<String> events = recorder.events;
        assertEquals("disconnected", events.get(1), events.toString());
        assertEquals("reconnecting 1", events.get(2), events.toString());
      }
      Fixtures.await("closed reported", () -> recorder.events.contains("closed"));
      assertEquals("closed", recorder.events.get(recorder.events.size() - 1));
    }
  }

  @Test
  void aSessionRemovedByTheClientIsNotRestored() throws Exception {
    java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
    try (MprTestServer server = MprTestServer.start();
         MprClient holder = Fixtures.client(server.wsUri()).connectionStateListener(new ConnectionStateListener() {
           @Override
           public void connected() {
             connects.incrementAndGet();
           }
         }).build()) {
      get(holder.addLiveSession(new AddLiveSessionOptions("restart-c", "s1")));
      get(holder.addLiveSession(new AddLiveSessionOptions("restart-d", "s2")));
      assertTrue(get(holder.removeLiveSession(new RemoveLiveSessionOptions("restart-c", null))));
      server.restart();
      Fixtures.await("reconnected", () -> connects.get() == 2);
      try (MprClient probe = Fixtures.client(server.wsUri()).build()) {
        assertTrue(get(probe.getLiveSession(new GetLiveSessionOptions("restart-d"))));
        assertEquals(false, get(probe.getLiveSession(new GetLiveSessionOptions("restart-c"))));
      }
    }
  }

  @Test
  void callsInFlightWhenTheSocketDropsFailAsTransportErrorsAndLaterCallsSucceed() throws Exception {
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri()).build()) {
      CompletableFuture<Integer> call = client.getAvailableMessageCount(
          io.github.mpr4j.protocol.GetAvailableMessageCountOptions.of("restart-e"));
      assertEquals("getAvailableMessageCount", scripted.nextCall(Fixtures.WAIT).path("method").asText());
      scripted.dropSocket();
      Throwable t = failure(call);
      assertInstanceOf(MprTransportException.class, t);
      assertTrue(t.getMessage().contains("whether the call took effect is unknown"), t.getMessage());
      CompletableFuture<Integer> again = client.getAvailableMessageCount(
          io.github.mpr4j.protocol.GetAvailableMessageCountOptions.of("restart-e"));
      scripted.answer(scripted.nextCall(Fixtures.WAIT), "7");
      assertEquals(7, get(again));
    }
  }
}
