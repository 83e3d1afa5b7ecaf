package io.github.mpr4j.core;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.TestFixtures.Inbox;
import io.github.mpr4j.core.internal.LocalDeliveryBus;
import io.github.mpr4j.core.internal.LocalLiveSessions;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.core.store.QueueStores;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two queues (instances) sharing a store, a session registry and a bus, all in one process. */
@Timeout(30)
class MultiInstanceDeliveryTest {

  /** Shared parts must outlive each instance: closing an instance does not close them. */
  private static final class Shared implements QueueStore {
    final QueueStore store = QueueStores.inMemory();

    @Override
    public void append(StoredMessage m) {
      store.append(m);
    }

    @Override
    public List<StoredMessage> take(TakeRequest r) {
      return store.take(r);
    }

    @Override
    public List<StoredMessage> claim(String c, Collection<String> ids, long now, long until) {
      return store.claim(c, ids, now, until);
    }

    @Override
    public int release(String c, Collection<String> ids) {
      return store.release(c, ids);
    }

    @Override
    public int remove(String c, Collection<String> ids) {
      return store.remove(c, ids);
    }

    @Override
    public int removeAll(String c, String r) {
      return store.removeAll(c, r);
    }

    @Override
    public int count(String c, String r, long now) {
      return store.count(c, r, now);
    }

    @Override
    public String describe() {
      return "shared";
    }

    @Override
    public void close() {}
  }

  @Test
  void aMessageAddedOnOneInstanceReachesTheHolderOnTheOtherAndTakeoverMovesIt() throws Exception {
    Shared store = new Shared();
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
