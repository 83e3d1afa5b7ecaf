package io.github.mpr4j.core.redis;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.TestFixtures;
import io.github.mpr4j.core.TestFixtures.Inbox;
import io.github.mpr4j.core.TestFixtures.RecordingPushNotifier;
import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.params.SetParams;

/**
 * Two instances (pickup queues, each with its own Redis connection) sharing one Redis: live sessions are
 * cluster-wide and deliveries reach the holding instance. Run on a single node and on a cluster.
 */
@Timeout(60)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
abstract class RedisInstancesContract {
  private final List<AutoCloseable> open = new ArrayList<>();
  protected PickupQueue a;
  protected PickupQueue b;
  protected RecordingPushNotifier pushesOfB = new RecordingPushNotifier();

  /** Settings for a fresh (flushed) Redis. */
  protected abstract RedisSettings settings();

  @BeforeEach
  void startInstances() {
    a = instance(new RecordingPushNotifier());
    b = instance(pushesOfB);
  }

  protected PickupQueue instance(RecordingPushNotifier push) {
    RedisBackend redis = RedisBackend.connect(settings());
    PickupQueue q = PickupQueue.builder().backend(redis).pushNotifier(push).build();
    open.add(q);
    return q;
  }

  @AfterEach
  void closeInstances() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private static AddMessageOptions withToken(String connectionId) {
    AddMessageOptions m = message(connectionId, "x");
    return new AddMessageOptions(m.connectionId(), m.recipientDids(), m.payload(),
        new PushNotificationToken("fcm", "device-token"));
  }

  @Test
  void a_message_added_on_one_instance_reaches_the_holder_on_the_other_and_no_push_is_sent() throws Exception {
    MessagePickupRepository onA = a.openRepository();
    Inbox inbox = new Inbox();
    onA.addMessagesReceivedListener(inbox);
    onA.addLiveSession(new AddLiveSessionOptions("c1", "s1")).join();

    String id = b.openRepository().addMessage(withToken("c1")).join();

    assertEquals(id, inbox.next().messages().get(0).id());
    assertTrue(pushesOfB.requests.isEmpty());
    assertEquals(0, b.openRepository().getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join(),
        "a delivered message is sending until removed");
  }

  @Test
  void the_newest_session_wins_across_instances_and_the_old_holder_is_told() throws Exception {
    MessagePickupRepository onA = a.openRepository();
    MessagePickupRepository onB = b.openRepository();
    Inbox inboxA = new Inbox();
    Inbox inboxB = new Inbox();
    onA.addMessagesReceivedListener(inboxA);
    onB.addMessagesReceivedListener(inboxB);
    onA.addLiveSession(new AddLiveSessionOptions("c1", "old")).join();

    onB.addLiveSession(new AddLiveSessionOptions("c1", "new")).join();

    assertEquals("c1/old", inboxA.replaced.poll(5, TimeUnit.SECONDS));
    assertFalse(onA.removeLiveSession(new RemoveLiveSessionOptions("c1", "old")).join(),
        "the old holder cannot remove its successor's session");
    assertTrue(onA.getLiveSession(new GetLiveSessionOptions("c1")).join());
    String id = onA.addMessage(message("c1", "after takeover")).join();
    assertEquals(id, inboxB.next().messages().get(0).id());
    assertTrue(inboxA.received.isEmpty());
  }

  @Test
  void a_late_delivery_for_a_replaced_session_reaches_neither_its_old_holder_nor_hands_the_new_one_a_message_again()
      throws Exception {
    Inbox inboxA = liveOnA("c1", "old");
    MessagePickupRepository onB = b.openRepository();
    Inbox inboxB = new Inbox();
    onB.addMessagesReceivedListener(inboxB);
    onB.addLiveSession(new AddLiveSessionOptions("c1", "new")).join();
    assertEquals("c1/old", inboxA.replaced.poll(5, TimeUnit.SECONDS));
    String id = onB.addMessage(message("c1", "for the new holder")).join();
    List<QueuedMessage> delivered = inboxB.next().messages();
    assertEquals(id, delivered.get(0).id());
    RedisBackend probe = RedisBackend.connect(settings());
    try {
      // a delivery of that message for the replaced session arrives late at A (A had been paused)
      LiveSession replaced = new LiveSession("c1", "old", a.instanceId(), "the-old-holder");
      probe.deliveryBus().publish(a.instanceId(), new BusEvent.Delivery(replaced, delivered));

      // the new holder has it in hand (sending, not removed): it is not released and handed out again
      assertEquals(null, inboxB.received.poll(2, TimeUnit.SECONDS));
      assertTrue(inboxA.received.isEmpty(), "the old holder received " + inboxA.received);
      assertEquals(0, onB.getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join());
    } finally {
      probe.close();
    }
  }

  @Test
  void closing_the_holder_ends_its_session_on_every_instance_and_pushes_resume() throws Exception {
    MessagePickupRepository onA = a.openRepository();
    onA.addLiveSession(new AddLiveSessionOptions("c1", "s1")).join();
    MessagePickupRepository onB = b.openRepository();
    assertTrue(onB.getLiveSession(new GetLiveSessionOptions("c1")).join());

    onA.close();

    TestFixtures.eventually("the session ends",
        () -> !onB.getLiveSession(new GetLiveSessionOptions("c1")).join());
    onB.addMessage(withToken("c1")).join();
    assertEquals(1, pushesOfB.requests.size());
  }

  @Test
  void a_session_whose_instance_stopped_its_heartbeat_expires_and_its_messages_wait_as_pending() throws Exception {
    RedisBackend probe = RedisBackend.connect(settings());
    try {
      // an instance that beats once with a short time to live, then "dies" without closing
      String dead = "instance-that-died";
      probe.client().set(new RedisKeys(settings().keyPrefix()).instance(dead), "alive",
          SetParams.setParams().px(700));
      probe.liveSessions().put(new LiveSession("c1", "s1", dead, "holder-1"));
      MessagePickupRepository onB = b.openRepository();
      assertTrue(onB.getLiveSession(new GetLiveSessionOptions("c1")).join(), "alive while its heartbeat lasts");

      TestFixtures.eventually("the session expires with its instance",
          () -> !onB.getLiveSession(new GetLiveSessionOptions("c1")).join());
      onB.addMessage(withToken("c1")).join();

      assertEquals(1, pushesOfB.requests.size(), "pushes resume");
      assertEquals(1, onB.getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join());
    } finally {
      probe.close();
    }
  }

  @Test
  void a_message_routed_to_a_dead_instance_by_the_atomic_append_is_pending_at_once() throws Exception {
    RedisBackend probe = RedisBackend.connect(settings());
    try {
      probe.liveSessions().put(new LiveSession("c1", "s1", "never-alive", "holder-1"));
      MessagePickupRepository onB = b.openRepository();

      onB.addMessage(withToken("c1")).join();

      assertEquals(1, onB.getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join());
      assertEquals(1, pushesOfB.requests.size());
      assertFalse(onB.getLiveSession(new GetLiveSessionOptions("c1")).join());
    } finally {
      probe.close();
    }
  }

  @Test
  void messages_taken_on_one_instance_are_not_handed_out_by_the_other_until_released() throws Exception {
    MessagePickupRepository onA = a.openRepository();
    MessagePickupRepository onB = b.openRepository();
    for (int i = 0; i < 5; i++) {
      onA.addMessage(message("c1", "m" + i)).join();
    }

    var first = onA.takeFromQueue(TakeFromQueueOptions.builder("c1").limit(3).build()).join();
    var second = onB.takeFromQueue(TakeFromQueueOptions.builder("c1").limit(10).build()).join();

    assertEquals(3, first.size());
    assertEquals(2, second.size());
    assertTrue(first.stream().noneMatch(m -> second.stream().anyMatch(n -> n.id().equals(m.id()))));
  }

  @Test
  void a_delivery_lost_on_the_bus_leaves_the_message_queued_until_its_visibility_timeout() throws Exception {
    RedisBackend probe = RedisBackend.connect(settings());
    RedisBackend redis = RedisBackend.connect(settings());
    PickupQueue shortTimeout = PickupQueue.builder().backend(redis)
        .settings(new PickupQueue.Settings(Duration.ofMillis(400), 1000, 4, 1000)).build();
    open.add(shortTimeout);
    try {
      // an instance that is alive (its heartbeat is fresh) but hears nothing: what is published to it is lost
      String deaf = "instance-not-listening";
      probe.client().set(new RedisKeys(settings().keyPrefix()).instance(deaf), "alive",
          SetParams.setParams().px(60_000));
      probe.liveSessions().put(new LiveSession("c1", "s1", deaf, "holder-1"));
      MessagePickupRepository repository = shortTimeout.openRepository();

      String id = repository.addMessage(message("c1", "lost on the bus")).join();
      assertEquals(0, repository.getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join(),
          "sending to the holder");

      TestFixtures.eventually("the message is pending again",
          () -> repository.getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join() == 1);
      assertEquals(id, repository.takeFromQueue(TakeFromQueueOptions.builder("c1").build()).join().get(0).id());
    } finally {
      probe.close();
    }
  }

  @Test
  void an_instance_whose_heartbeat_lapsed_without_dying_puts_its_live_sessions_back() throws Exception {
    Inbox inbox = liveOnA("c1", "s1");
    MessagePickupRepository onB = b.openRepository();
    RedisBackend probe = RedisBackend.connect(settings());
    try {
      // A's heartbeat vanishes (a long pause, a Redis restart without persistence): B drops A's session
      probe.client().del(new RedisKeys(settings().keyPrefix()).instance(a.instanceId()));
      TestFixtures.eventually("B sees A's session as gone",
          () -> !onB.getLiveSession(new GetLiveSessionOptions("c1")).join());

      // A's next heartbeat finds its key gone and puts its session back
      TestFixtures.eventually("A's session is back",
          () -> onB.getLiveSession(new GetLiveSessionOptions("c1")).join());
      String id = onB.addMessage(message("c1", "after the lapse")).join();
      assertEquals(id, inbox.next().messages().get(0).id());
    } finally {
      probe.close();
    }
  }

  @Test
  void a_session_put_back_after_a_lapsed_heartbeat_gets_the_messages_that_waited_as_pending() throws Exception {
    Inbox inbox = liveOnA("c1", "s1");
    MessagePickupRepository onB = b.openRepository();
    RedisBackend probe = RedisBackend.connect(settings());
    try {
      // A's heartbeat vanishes and its session is dropped, as B does when it finds A's key gone
      RedisKeys keys = new RedisKeys(settings().keyPrefix());
      probe.client().del(keys.instance(a.instanceId()));
      probe.client().del(keys.connection("c1").get(4));
      String id = onB.addMessage(message("c1", "while A's session was dropped")).join();

      // A's next heartbeats put its session back, and the restored session gets what waited, with no take
      assertEquals(List.of(id), inbox.next().messages().stream().map(m -> m.id()).toList());
      assertEquals(0, onB.getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join());
    } finally {
      probe.close();
    }
  }

  @Test
  void a_replaced_session_is_not_put_back_after_a_lapsed_heartbeat() throws Exception {
    MessagePickupRepository onA = a.openRepository();
    onA.addLiveSession(new AddLiveSessionOptions("c1", "old")).join();
    MessagePickupRepository onB = b.openRepository();
    Inbox inboxB = new Inbox();
    onB.addMessagesReceivedListener(inboxB);
    onB.addLiveSession(new AddLiveSessionOptions("c1", "new")).join();
    RedisBackend probe = RedisBackend.connect(settings());
    try {
      probe.client().del(new RedisKeys(settings().keyPrefix()).instance(a.instanceId()));
      Thread.sleep(1_000); // several of A's heartbeats
      String id = onA.addMessage(message("c1", "still for B")).join();
      assertEquals(id, inboxB.next().messages().get(0).id());
    } finally {
      probe.close();
    }
  }

  /** Opens a repository on A that holds the live session {@code sessionId} of a connection; its inbox. */
  private Inbox liveOnA(String connectionId, String sessionId) {
    MessagePickupRepository onA = a.openRepository();
    Inbox inbox = new Inbox();
    onA.addMessagesReceivedListener(inbox);
    onA.addLiveSession(new AddLiveSessionOptions(connectionId, sessionId)).join();
    return inbox;
  }

  /** Instance settings with a short heartbeat, for expiry tests. */
  static RedisSettings fast(RedisSettings s) {
    return s.withInstanceTtl(Duration.ofMillis(900)).withTimeout(Duration.ofSeconds(2));
  }
}
