package io.github.mpr4j.core;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.TestFixtures.Inbox;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LiveSessionOwnershipTest {
  private final PickupQueue queue = PickupQueue.builder().build();
  private final MessagePickupRepository first = queue.openRepository();
  private final MessagePickupRepository second = queue.openRepository();
  private final Inbox firstInbox = new Inbox();
  private final Inbox secondInbox = new Inbox();

  {
    first.addMessagesReceivedListener(firstInbox);
    second.addMessagesReceivedListener(secondInbox);
  }

  @AfterEach
  void close() {
    queue.close();
  }

  private int count(String connectionId) {
    return first.getAvailableMessageCount(GetAvailableMessageCountOptions.of(connectionId)).join();
  }

  @Test
  void theNewestSessionWinsAndTheOldHolderIsTold() throws Exception {
    first.addLiveSession(new AddLiveSessionOptions("c1", "old")).join();
    second.addLiveSession(new AddLiveSessionOptions("c1", "new")).join();

    assertEquals("c1/old", firstInbox.replaced.poll(5, TimeUnit.SECONDS));
    String id = first.addMessage(message("c1", "x")).join();
    assertEquals(id, secondInbox.next().messages().get(0).id());
    assertTrue(firstInbox.received.isEmpty());
  }

  @Test
  void aTakeoverReturnsSendingMessagesToPending() {
    first.addLiveSession(new AddLiveSessionOptions("c1", "old")).join();
    first.addMessage(message("c1", "a")).join();
    first.addMessage(message("c1", "b")).join();
    assertEquals(0, count("c1"));

    second.addLiveSession(new AddLiveSessionOptions("c1", "new")).join();

    assertEquals(2, count("c1"));
  }

  @Test
  void anOldHolderCannotRemoveItsSuccessorsSession() {
    first.addLiveSession(new AddLiveSessionOptions("c1", "old")).join();
    second.addLiveSession(new AddLiveSessionOptions("c1", "new")).join();

    assertFalse(first.removeLiveSession(new RemoveLiveSessionOptions("c1", "old")).join());
    first.close();

    assertTrue(second.getLiveSession(new GetLiveSessionOptions("c1")).join());
    assertTrue(second.removeLiveSession(new RemoveLiveSessionOptions("c1", "new")).join());
    assertFalse(second.getLiveSession(new GetLiveSessionOptions("c1")).join());
  }

  @Test
  void removingWithoutSessionIdRemovesWhateverSessionIsLive() {
    first.addLiveSession(new AddLiveSessionOptions("c1", "s")).join();
    assertTrue(second.removeLiveSession(new RemoveLiveSessionOptions("c1", null)).join());
    assertFalse(second.removeLiveSession(new RemoveLiveSessionOptions("c1", null)).join());
  }

  @Test
  void removingTheSessionReturnsItsSendingMessagesToPending() {
    first.addLiveSession(new AddLiveSessionOptions("c1", "s")).join();
    first.addMessage(message("c1", "a")).join();
    second.addMessage(message("c1", "b")).join();
    assertEquals(0, count("c1"));

    assertTrue(first.removeLiveSession(new RemoveLiveSessionOptions("c1", "s")).join());

    assertEquals(2, first.takeFromQueue(TakeFromQueueOptions.builder("c1").build()).join().size());
  }
}
