package io.github.mpr4j.core;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.TestFixtures.Inbox;
import io.github.mpr4j.core.internal.LocalDeliveryBus;
import io.github.mpr4j.core.internal.LocalLiveSessions;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two queues (instances) sharing a store, a session registry and a bus, all in one process. */
@Timeout(30)
class MultiInstanceDeliveryTest {

  @Test
  void aMessageAddedOnOneInstanceReachesTheHolderOnTheOtherAndTakeoverMovesIt() throws Exception {
    QueueStore store = TestFixtures.sharedInMemoryStore();
    LiveSessions sessions = new LocalLiveSessions();
    LocalDeliveryBus bus = new LocalDeliveryBus();
    try (PickupQueue a = PickupQueue.builder().store(store).liveSessions(sessions).deliveryBus(bus).build();
         PickupQueue b = PickupQueue.builder().store(store).liveSessions(sessions).deliveryBus(bus).build()) {
      MessagePickupRepository onA = a.openRepository();
      MessagePickupRepository onB = b.openRepository();
      Inbox inboxA = new Inbox();
      Inbox inboxB = new Inbox();
      onA.addMessagesReceivedListener(inboxA);
      onB.addMessagesReceivedListener(inboxB);

      onA.addLiveSession(new AddLiveSessionOptions("c1", "s-a")).join();
      String first = onB.addMessage(message("c1", "1")).join();
      assertEquals(first, inboxA.next().messages().get(0).id());

      onB.addLiveSession(new AddLiveSessionOptions("c1", "s-b")).join();
      assertEquals("c1/s-a", inboxA.replaced.poll(5, TimeUnit.SECONDS));
      String second = onA.addMessage(message("c1", "2")).join();
      assertEquals(second, inboxB.next().messages().get(0).id());
      assertTrue(inboxA.received.isEmpty());

      onB.close();
      TestFixtures.eventually("the closed holder's session ends",
          () -> !onA.getLiveSession(new GetLiveSessionOptions("c1")).join());
    }
  }
}
