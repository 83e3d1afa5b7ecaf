package io.github.mpr4j.core;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.TestFixtures.Inbox;
import io.github.mpr4j.core.internal.LocalDeliveryBus;
import io.github.mpr4j.core.internal.LocalLiveSessions;
import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.spi.DeliveryBus;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fence of delivery: an instance whose bus events waited (it was paused) delivers nothing for a session
 * that another one took meanwhile, and what it was handed goes to the new holder. Two queues (instances) in
 * one process share a store and the live sessions; the bus holds the paused instance's events until it
 * resumes, as Redis pub/sub holds them for a stopped process.
 */
@Timeout(30)
class DeliveryFencingTest {

  /** A local bus that keeps the events for a paused instance, in order, until it resumes. */
  private static final class PausableBus implements DeliveryBus {
    private final LocalDeliveryBus bus = new LocalDeliveryBus();
    private final List<BusEvent> held = new ArrayList<>();
    private String paused;

    @Override
    public void subscribe(String instanceId, Consumer<BusEvent> consumer) {
      bus.subscribe(instanceId, consumer);
    }

    @Override
    public synchronized void publish(String instanceId, BusEvent event) {
      if (instanceId.equals(paused)) {
        held.add(event);
      } else {
        bus.publish(instanceId, event);
      }
    }

    synchronized void pause(String instanceId) {
      paused = instanceId;
    }

    synchronized void resume() {
      String instance = paused;
      paused = null;
      for (BusEvent e : held) {
        bus.publish(instance, e);
      }
      held.clear();
    }

    @Override
    public boolean isNonBlocking() {
      return true;
    }
  }

  private final PausableBus bus = new PausableBus();
  private PickupQueue a;
  private PickupQueue b;
  private final Inbox oldHolder = new Inbox();
  private final Inbox newHolder = new Inbox();
  private MessagePickupRepository onA;
  private MessagePickupRepository successor;
  private MessagePickupRepository sender;

  @BeforeEach
  void start() {
    QueueStore store = TestFixtures.sharedInMemoryStore();
    LiveSessions sessions = new LocalLiveSessions();
    a = PickupQueue.builder().store(store).liveSessions(sessions).deliveryBus(bus).build();
    b = PickupQueue.builder().store(store).liveSessions(sessions).deliveryBus(bus).build();
    onA = a.openRepository();
    onA.addMessagesReceivedListener(oldHolder);
    successor = b.openRepository();
    successor.addMessagesReceivedListener(newHolder);
    sender = b.openRepository();
    onA.addLiveSession(new AddLiveSessionOptions("c1", "s-a")).join();
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  @Test
  void aDeliveryThatWaitedWhileAnotherSessionTookTheConnectionDoesNotReachTheOldHolder() throws Exception {
    bus.pause(a.instanceId());
    String id = sender.addMessage(message("c1", "while A is paused")).join();
    successor.addLiveSession(new AddLiveSessionOptions("c1", "s-b")).join();
    List<QueuedMessage> taken = successor.takeFromQueue(new TakeFromQueueOptions("c1", null, null, null, false)).join();
    assertEquals(List.of(id), taken.stream().map(QueuedMessage::id).toList());
    successor.removeMessages(new RemoveMessagesOptions("c1", List.of(id))).join();

    bus.resume();

    assertEquals("c1/s-a", oldHolder.replaced.poll(5, TimeUnit.SECONDS));
    assertTrue(oldHolder.received.isEmpty(), "the old holder received " + oldHolder.received);
    assertTrue(newHolder.received.isEmpty(), "the new holder received it again: " + newHolder.received);
  }

  @Test
  void aMessageHandedToAHolderThatLostItsSessionGoesToTheNewHolder() throws Exception {
    bus.pause(a.instanceId());
    String id = sender.addMessage(message("c1", "while A is paused")).join();
    successor.addLiveSession(new AddLiveSessionOptions("c1", "s-b")).join();

    bus.resume();

    assertEquals(List.of(id), newHolder.next().messages().stream().map(QueuedMessage::id).toList());
    assertTrue(oldHolder.received.isEmpty(), "the old holder received " + oldHolder.received);
  }
}
