package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.get;
import static io.github.mpr4j.client.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault of the TypeScript client (a messagesReceived listener registered again on every reconnect, so that
 * each message reaches the mediator once more per reconnect, and live sessions never re-added) has no
 * counterpart here: after three restarts of the server each message reaches the one listener exactly once.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ListenerAfterReconnectsIT {
  private static final int RESTARTS = 3;
  private static final int MESSAGES = 5;
  private static final List<String> CONNECTIONS = List.of("reconnects-a", "reconnects-b");

  @Test
  void afterThreeServerRestartsEachMessageReachesTheListenerExactlyOnce() throws Exception {
    AtomicInteger connects = new AtomicInteger();
    ConnectionStateListener counting = new ConnectionStateListener() {
      @Override
      public void connected() {
        connects.incrementAndGet();
      }
    };
    try (MprTestServer server = MprTestServer.start();
         MprClient holder = Fixtures.client(server.wsUri()).connectionStateListener(counting).build()) {
      BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
      holder.addMessagesReceivedListener((c, m) -> m.forEach(q -> delivered.add(c + ":" + q.id())));
      for (String cid : CONNECTIONS) {
        get(holder.addLiveSession(new AddLiveSessionOptions(cid, "session-" + cid)));
      }
      Fixtures.await("first connect", () -> connects.get() == 1);
      assertEachMessageArrivesOnce(server, delivered, 0);

      for (int restart = 1; restart <= RESTARTS; restart++) {
        server.restart();
        int expected = restart + 1;
        Fixtures.await("reconnected after restart " + restart, () -> connects.get() == expected);
        assertEachMessageArrivesOnce(server, delivered, restart);
      }
      assertEquals(RESTARTS + 1, connects.get());
    }
  }

  private static List<String> ofConnection(List<String> deliveries, String connectionId) {
    return deliveries.stream().filter(d -> d.startsWith(connectionId + ":")).toList();
  }

  /** Adds messages for every connection through another client; each must arrive once, in order per connection. */
  private static void assertEachMessageArrivesOnce(MprTestServer server, BlockingQueue<String> delivered, int round)
      throws Exception {
    List<String> added = new ArrayList<>();
    try (MprClient sender = Fixtures.client(server.wsUri()).build()) {
      for (int i = 0; i < MESSAGES; i++) {
        for (String cid : CONNECTIONS) {
          added.add(cid + ":" + get(sender.addMessage(message(cid, round * 100 + i))));
        }
      }
    }
    List<String> received = new ArrayList<>();
    while (received.size() < added.size()) {
      String d = delivered.poll(10, TimeUnit.SECONDS);
      if (d == null) {
        throw new AssertionError("round " + round + ": " + received.size() + " of " + added.size()
            + " messages arrived: " + received);
      }
      received.add(d);
    }
    for (String cid : CONNECTIONS) {
      assertEquals(ofConnection(added, cid), ofConnection(received, cid), "round " + round + ": each message of "
          + cid + " once, in order");
    }
    assertNull(delivered.poll(300, TimeUnit.MILLISECONDS), "round " + round + ": no message arrives twice");
  }
}
