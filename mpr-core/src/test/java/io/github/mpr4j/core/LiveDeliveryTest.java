package io.github.mpr4j.core;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.TestFixtures.Inbox;
import io.github.mpr4j.core.TestFixtures.Received;
import io.github.mpr4j.core.TestFixtures.RecordingPushNotifier;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LiveDeliveryTest {
  private final RecordingPushNotifier push = new RecordingPushNotifier();
  private final PickupQueue queue = PickupQueue.builder().pushNotifier(push).build();

  @AfterEach
  void close() {
    queue.close();
  }

  @Test
  void aMessageAddedWhileASessionIsLiveReachesItsHolderAndBecomesSending() throws Exception {
    MessagePickupRepository mediator = queue.openRepository();
    MessagePickupRepository sender = queue.openRepository();
    Inbox inbox = new Inbox();
    mediator.addMessagesReceivedListener(inbox);
    mediator.addLiveSession(new AddLiveSessionOptions("c1", "s1")).join();

    String id = sender.addMessage(message("c1", "hello")
        .withPushNotificationToken(PushNotificationToken.fcm("device"))).join();

    Received r = inbox.next();
    assertEquals("c1", r.connectionId());
    assertEquals(List.of(id), r.messages().stream().map(m -> m.id()).toList());
    assertEquals(message("c1", "hello").payload(), r.messages().get(0).encryptedMessage());
    assertEquals(0, sender.getAvailableMessageCount(GetAvailableMessageCountOptions.of("c1")).join());
    assertTrue(sender.takeFromQueue(TakeFromQueueOptions.builder("c1").build()).join().isEmpty());
    assertTrue(push.requests.isEmpty(), "no push while a session is live");

    mediator.removeMessages(new RemoveMessagesOptions("c1", List.of(id))).join();
    assertEquals(0, mediator.getAvailableMessageCount(GetAvailableMessageCountOptions.of("c1")).join());
  }

  @Test
  void messagesOfOtherConnectionsDoNotReachTheHolder() throws Exception {
    MessagePickupRepository mediator = queue.openRepository();
    Inbox inbox = new Inbox();
    mediator.addMessagesReceivedListener(inbox);
    mediator.addLiveSession(new AddLiveSessionOptions("c1", "s1")).join();

    mediator.addMessage(message("c2", "other")).join();
    String id = mediator.addMessage(message("c1", "mine")).join();

    assertEquals(id, inbox.next().messages().get(0).id());
    assertTrue(inbox.received.isEmpty());
    assertEquals(1, mediator.getAvailableMessageCount(GetAvailableMessageCountOptions.of("c2")).join());
  }

  @Test
  void withoutALiveSessionAMessageWithATokenTriggersOnePush() {
    MessagePickupRepository sender = queue.openRepository();
    String id = sender.addMessage(message("c1", "x").withPushNotificationToken(PushNotificationToken.apns("dev"))).join();
    sender.addMessage(message("c1", "no token")).join();
    sender.addMessage(message("c1", "empty token")
        .withPushNotificationToken(new PushNotificationToken("fcm", null))).join();

    assertEquals(1, push.requests.size());
    assertEquals(id, push.requests.get(0).messageId());
    assertEquals("apns", push.requests.get(0).token().type());
    assertEquals(3, sender.getAvailableMessageCount(GetAvailableMessageCountOptions.of("c1")).join());
  }

  @Test
  void closingTheHolderEndsItsSessionsAndPushesResume() throws Exception {
    MessagePickupRepository mediator = queue.openRepository();
    MessagePickupRepository sender = queue.openRepository();
    mediator.addLiveSession(new AddLiveSessionOptions("c1", "s1")).join();
    assertTrue(sender.getLiveSession(new GetLiveSessionOptions("c1")).join());

    mediator.close();

    TestFixtures.eventually("the closed holder's session ends",
        () -> !sender.getLiveSession(new GetLiveSessionOptions("c1")).join());
    sender.addMessage(message("c1", "x").withPushNotificationToken(PushNotificationToken.fcm("dev"))).join();
    assertEquals(1, push.requests.size());
  }

  @Test
  void aDeliveryToAHolderWithoutListenersLeavesTheMessagePending() {
    MessagePickupRepository mediator = queue.openRepository();
    mediator.addLiveSession(new AddLiveSessionOptions("c1", "s1")).join();
    mediator.addMessage(message("c1", "x")).join();
    assertEquals(1, mediator.getAvailableMessageCount(GetAvailableMessageCountOptions.of("c1")).join());
  }
}
