package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.get;
import static io.github.mpr4j.client.Fixtures.jwe;
import static io.github.mpr4j.client.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository.Registration;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.server.testing.MprTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveDeliveryIT {
  record Delivery(String connectionId, List<QueuedMessage> messages, String thread) {}

  @Test
  void messagesAddedThroughAnotherClientReachTheHoldersListenerInOrder() throws Exception {
    try (MprTestServer server = MprTestServer.start();
         MprClient holder = Fixtures.client(server.wsUri()).build();
         MprClient sender = Fixtures.client(server.wsUri()).build()) {
      BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
      holder.addMessagesReceivedListener((c, m) -> deliveries.add(new Delivery(c, m, Thread.currentThread().getName())));
      get(holder.addLiveSession(new AddLiveSessionOptions("live-1", "s1")));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(get(sender.addMessage(message("live-1", i))));
      }
      List<QueuedMessage> received = new ArrayList<>();
      while (received.size() < 5) {
        Delivery d = deliveries.poll(10, TimeUnit.SECONDS);
        if (d == null) {
          throw new AssertionError("only " + received.size() + " messages arrived");
        }
        assertEquals("live-1", d.connectionId());
        assertTrue(d.thread().contains("callbacks"), "called on " + d.thread());
        received.addAll(d.messages());
      }
      assertEquals(ids, received.stream().map(QueuedMessage::id).toList());
      assertEquals(jwe(4), received.get(4).encryptedMessage());
      assertNull(deliveries.poll(200, TimeUnit.MILLISECONDS), "nothing more arrives");
    }
  }

  @Test
  void aClosedRegistrationReceivesNothingMoreAndTheGivenExecutorCallsTheListeners() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "test-pool"));
    try (MprTestServer server = MprTestServer.start();
         MprClient holder = Fixtures.client(server.wsUri()).callbackExecutor(pool).build()) {
      BlockingQueue<String> first = new LinkedBlockingQueue<>();
      BlockingQueue<String> second = new LinkedBlockingQueue<>();
      Registration r1 = holder.addMessagesReceivedListener((c, m) -> m.forEach(q -> first.add(Thread.currentThread().getName())));
      holder.addMessagesReceivedListener((c, m) -> m.forEach(q -> second.add(q.id())));
      get(holder.addLiveSession(new AddLiveSessionOptions("live-2", "s1")));
      get(holder.addMessage(message("live-2", 1)));
      assertEquals("test-pool", first.poll(10, TimeUnit.SECONDS));
      second.poll(10, TimeUnit.SECONDS);
      r1.close();
      r1.close();
      String id = get(holder.addMessage(message("live-2", 2)));
      assertEquals(id, second.poll(10, TimeUnit.SECONDS));
      assertNull(first.poll(Duration.ofMillis(200).toMillis(), TimeUnit.MILLISECONDS));
      assertFalse(holder.toString().isEmpty());
    } finally {
      pool.shutdownNow();
    }
  }
}
