package io.github.mpr4j.core.postgres;

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
import io.github.mpr4j.protocol.EncryptedMessage;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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

/**
 * Two instances (pickup queues, each with its own PostgreSQL backend) on one database: live sessions are
 * cluster-wide, deliveries reach the holding instance over LISTEN/NOTIFY, the fence stops a late delivery
 * for a lost session, and heartbeats expire the sessions of a dead instance.
 */
@Timeout(60)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostgresInstancesIT {
  private final List<AutoCloseable> open = new ArrayList<>();
  private String url;
  private PostgresBackend backendOfA;
  private PickupQueue a;
  private PickupQueue b;
  private final RecordingPushNotifier pushesOfB = new RecordingPushNotifier();

  @BeforeEach
  void startInstances() {
    url = PostgresServers.shared().newDatabase();
    backendOfA = backend();
    a = queue(backendOfA, new RecordingPushNotifier(), null);
    b = queue(backend(), pushesOfB, null);
  }

  private PostgresBackend backend() {
    PostgresBackend backend = PostgresBackend.open(PostgresSettings.of(url + "?user=mpr"), Duration.ofMillis(900));
    open.add(backend);
    return backend;
  }

  private PickupQueue queue(PostgresBackend backend, RecordingPushNotifier push, PickupQueue.Settings settings) {
    PickupQueue.Builder builder = PickupQueue.builder().backend(backend).pushNotifier(push);
    if (settings != null) {
      builder.settings(settings);
    }
    PickupQueue q = builder.build();
    open.add(0, q);
    return q;
  }

  @AfterEach
  void closeInstances() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "mpr", ""); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /**
   * Holds back the heartbeats of every instance (a beat locks its row, which waits for this table lock, while
   * plain reads go on) until the row of {@code instanceId} has expired: a pause of that instance, without a
   * race against its next beat. Closing the returned connection ends its transaction and lets the beats through.
   */
  private Connection holdHeartbeatsUntilLapsed(String instanceId) throws SQLException, InterruptedException {
    Connection lock = DriverManager.getConnection(url, "mpr", "");
    try (Connection probe = DriverManager.getConnection(url, "mpr", "");
        var lapsed = probe.prepareStatement("SELECT expires_at <= now() FROM mpr_instances WHERE instance_id = ?")) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("LOCK TABLE mpr_instances IN EXCLUSIVE MODE");
      }
      lapsed.setString(1, instanceId);
      TestFixtures.eventually("the heartbeat of " + instanceId + " has lapsed", () -> {
        try (var r = lapsed.executeQuery()) {
          return r.next() && r.getBoolean(1);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      return lock;
    } catch (Throwable e) {
      lock.close();
      throw e;
    }
  }

  private static AddMessageOptions withToken(String connectionId) {
    AddMessageOptions m = message(connectionId, "x");
    return new AddMessageOptions(m.connectionId(), m.recipientDids(), m.payload(),
        new PushNotificationToken("fcm", "device-token"));
  }

  private Inbox liveOnA(String connectionId, String sessionId) {
    MessagePickupRepository onA = a.openRepository();
    Inbox inbox = new Inbox();
    onA.addMessagesReceivedListener(inbox);
    onA.addLiveSession(new AddLiveSessionOptions(connectionId, sessionId)).join();
    return inbox;
  }

  private static int pending(MessagePickupRepository r, String connectionId) {
    return r.getAvailableMessageCount(new GetAvailableMessageCountOptions(connectionId, null)).join();
  }

  @Test
  void a_message_added_on_one_instance_reaches_the_holder_on_the_other_and_no_push_is_sent() throws Exception {
    Inbox inbox = liveOnA("c1", "s1");

    String id = b.openRepository().addMessage(withToken("c1")).join();

    assertEquals(id, inbox.next().messages().get(0).id());
    assertTrue(pushesOfB.requests.isEmpty());
    assertEquals(0, pending(b.openRepository(), "c1"), "a delivered message is sending until removed");
  }

  @Test
  void a_delivery_larger_than_a_notification_reaches_the_other_instance_whole() throws Exception {
    Inbox inbox = liveOnA("c1", "s1");
    EncryptedMessage big = TestFixtures.jwe("x".repeat(20_000));

    String id = b.openRepository().addMessage(AddMessageOptions.of("c1", List.of("did:key:recipient"), big)).join();

    QueuedMessage got = inbox.next().messages().get(0);
    assertEquals(id, got.id());
    assertEquals(big, got.encryptedMessage());
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
  void a_stalled_holder_never_delivers_for_a_session_it_lost() throws Exception {
    Inbox inboxA = liveOnA("c1", "old");
    MessagePickupRepository onB = b.openRepository();
    Inbox inboxB = new Inbox();
    onB.addMessagesReceivedListener(inboxB);
    onB.addLiveSession(new AddLiveSessionOptions("c1", "new")).join();
    assertEquals("c1/old", inboxA.replaced.poll(5, TimeUnit.SECONDS));
    String id = onB.addMessage(message("c1", "for the new holder")).join();
    List<QueuedMessage> delivered = inboxB.next().messages();
    assertEquals(id, delivered.get(0).id());

    // a delivery of that message for the replaced session arrives late at A (A had been paused)
    LiveSession replaced = new LiveSession("c1", "old", backendOfA.instanceId(), "the-old-holder");
    backend().publish(backendOfA.instanceId(), new BusEvent.Delivery(replaced, delivered));

    assertEquals(null, inboxB.received.poll(2, TimeUnit.SECONDS), "not released and handed out again");
    assertTrue(inboxA.received.isEmpty(), "the old holder received " + inboxA.received);
    assertEquals(0, pending(onB, "c1"));
  }

  @Test
  void closing_the_holder_ends_its_session_on_every_instance_and_pushes_resume() throws Exception {
    MessagePickupRepository onA = a.openRepository();
    onA.addLiveSession(new AddLiveSessionOptions("c1", "s1")).join();
    MessagePickupRepository onB = b.openRepository();
    assertTrue(onB.getLiveSession(new GetLiveSessionOptions("c1")).join());

    onA.close();

    TestFixtures.eventually("the session ends", () -> !onB.getLiveSession(new GetLiveSessionOptions("c1")).join());
    onB.addMessage(withToken("c1")).join();
    assertEquals(1, pushesOfB.requests.size());
  }

  @Test
  void a_session_whose_instance_stopped_its_heartbeat_expires_and_its_messages_wait_as_pending() throws Exception {
    // an instance that beat once with a short time to live, then "died" without closing
    sql("INSERT INTO mpr_instances VALUES ('instance-that-died', now() + interval '700 milliseconds')");
    sql("INSERT INTO mpr_live_sessions VALUES ('c1', 's1', 'instance-that-died', 'holder-1', 1)");
    MessagePickupRepository onB = b.openRepository();
    assertTrue(onB.getLiveSession(new GetLiveSessionOptions("c1")).join(), "alive while its heartbeat lasts");

    TestFixtures.eventually("the session expires with its instance",
        () -> !onB.getLiveSession(new GetLiveSessionOptions("c1")).join());
    onB.addMessage(withToken("c1")).join();

    assertEquals(1, pushesOfB.requests.size(), "pushes resume");
    assertEquals(1, pending(onB, "c1"));
  }

  @Test
  void a_message_for_a_session_of_an_unknown_instance_is_pending_at_once() throws Exception {
    sql("INSERT INTO mpr_live_sessions VALUES ('c1', 's1', 'never-alive', 'holder-1', 1)");
    MessagePickupRepository onB = b.openRepository();

    onB.addMessage(withToken("c1")).join();

    assertEquals(1, pending(onB, "c1"));
    assertEquals(1, pushesOfB.requests.size());
    assertFalse(onB.getLiveSession(new GetLiveSessionOptions("c1")).join());
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
    PickupQueue shortTimeout = queue(backend(), new RecordingPushNotifier(),
        new PickupQueue.Settings(Duration.ofMillis(400), 1000, 4, 1000));
    // an instance that is alive (its heartbeat is fresh) but hears nothing: what is published to it is lost
    sql("INSERT INTO mpr_instances VALUES ('instance-not-listening', now() + interval '1 minute')");
    sql("INSERT INTO mpr_live_sessions VALUES ('c1', 's1', 'instance-not-listening', 'holder-1', 1)");
    MessagePickupRepository repository = shortTimeout.openRepository();

    String id = repository.addMessage(message("c1", "lost on the bus")).join();
    assertEquals(0, pending(repository, "c1"), "sending to the holder");

    TestFixtures.eventually("the message is pending again", () -> pending(repository, "c1") == 1);
    assertEquals(id, repository.takeFromQueue(TakeFromQueueOptions.builder("c1").build()).join().get(0).id());
  }

  @Test
  void an_instance_whose_heartbeat_lapsed_without_dying_hands_its_sessions_what_waited() throws Exception {
    Inbox inbox = liveOnA("c1", "s1");
    MessagePickupRepository onB = b.openRepository();
    String id;
    // A's heartbeat lapses (a long pause): B sees A's session as gone and the message waits as pending
    try (Connection held = holdHeartbeatsUntilLapsed(backendOfA.instanceId())) {
      assertFalse(onB.getLiveSession(new GetLiveSessionOptions("c1")).join());
      id = onB.addMessage(message("c1", "while A's heartbeat had lapsed")).join();
      assertEquals(1, pending(onB, "c1"));
    }

    // A's next beat finds its row expired: its session counts again and gets what waited, with no take
    assertEquals(List.of(id), inbox.next().messages().stream().map(QueuedMessage::id).toList());
    assertTrue(onB.getLiveSession(new GetLiveSessionOptions("c1")).join());
    assertEquals(0, pending(onB, "c1"));
  }

  @Test
  void a_replaced_session_is_not_handed_anything_after_a_lapsed_heartbeat() throws Exception {
    Inbox inboxA = liveOnA("c1", "old");
    MessagePickupRepository onB = b.openRepository();
    Inbox inboxB = new Inbox();
    onB.addMessagesReceivedListener(inboxB);
    onB.addLiveSession(new AddLiveSessionOptions("c1", "new")).join();
    sql("UPDATE mpr_instances SET expires_at = now() - interval '1 second' WHERE instance_id = '"
        + backendOfA.instanceId() + "'");
    Thread.sleep(1_000); // several of A's heartbeats

    String id = a.openRepository().addMessage(message("c1", "still for B")).join();
    assertEquals(id, inboxB.next().messages().get(0).id());
    assertTrue(inboxA.received.isEmpty());
  }

  @Test
  void a_heartbeat_renewed_in_time_never_counts_as_lapsed() throws Exception {
    List<String> lapses = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (com.zaxxer.hikari.HikariDataSource pool = PgTestPool.migrated(url, 2);
        Instances beat = new Instances(pool, new Health("test"), "instance-in-time", Duration.ofMillis(600))) {
      beat.held(new LiveSession("c9", "s9", "instance-in-time", "holder-9"));
      beat.onRestored(s -> lapses.add(s.connectionId()));
      beat.start();
      Thread.sleep(1_500); // about seven beats, each one well within the time to live of the one before

      assertEquals(List.of(), lapses, "beats taken as lapsed");
    }
  }
}
