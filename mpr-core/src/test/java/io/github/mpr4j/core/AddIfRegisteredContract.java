package io.github.mpr4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mpr4j.core.TestFixtures.Inbox;
import io.github.mpr4j.core.TestFixtures.MutableClock;
import io.github.mpr4j.core.callback.CallbackAdd;
import io.github.mpr4j.core.callback.CallbackQueue;
import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link CallbackQueue#addIfRegistered} (the callback gateway's POST), run against every
 * store with its registry: memory, embedded, and Redis (single node and cluster, where it is one script).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
public abstract class AddIfRegisteredContract {
  private static final long IDLE_MILLIS = 60_000;

  protected final MutableClock clock = new MutableClock();
  private CallbackRegistry registry;
  private PickupQueue queue;
  private CallbackQueue callbacks;
  private MessagePickupRepository repository;

  /** A builder with the store, live sessions and bus under test (the contract sets the clock). */
  protected abstract PickupQueue.Builder builder();

  /** The registry that belongs with the store. */
  protected abstract CallbackRegistry registry();

  /** Closes what {@link #builder()} and {@link #registry()} opened beyond the queue. */
  protected void closeBackends() {}

  @BeforeEach
  void open() {
    queue = builder().clock(clock).build();
    registry = registry();
    callbacks = CallbackQueue.over(queue, registry);
    repository = queue.openRepository();
  }

  @AfterEach
  void close() {
    queue.close();
    registry.close();
    closeBackends();
  }

  private String registered() {
    String clientId = UUID.randomUUID().toString();
    long now = clock.millis();
    registry.create(clientId, now, now + IDLE_MILLIS);
    return clientId;
  }

  private CallbackAdd post(String clientId, int maxPending, String text) {
    return callbacks.addIfRegistered(clientId,
        TestFixtures.message(CallbackRegistry.connectionId(clientId), text), maxPending).join();
  }

  private int pending(String clientId) {
    return repository.getAvailableMessageCount(
        new GetAvailableMessageCountOptions(CallbackRegistry.connectionId(clientId), null)).join();
  }

  /** A holder with the live session of the client's connection, which hands what it receives to {@code inbox}. */
  private MessagePickupRepository liveHolder(String clientId, Inbox inbox) {
    MessagePickupRepository holder = queue.openRepository();
    holder.addMessagesReceivedListener(inbox);
    holder.addLiveSession(new AddLiveSessionOptions(CallbackRegistry.connectionId(clientId), "s1")).join();
    return holder;
  }

  private List<String> takeAll(String clientId) {
    List<String> ids = new ArrayList<>();
    for (QueuedMessage m : repository.takeFromQueue(TakeFromQueueOptions.builder(CallbackRegistry.connectionId(clientId))
        .limit(1000).deleteMessages(true).build()).join()) {
      ids.add(m.id());
    }
    return ids;
  }

  @Test
  void a_notification_for_a_client_that_never_registered_is_refused_and_nothing_is_stored() {
    String clientId = UUID.randomUUID().toString();

    CallbackAdd added = post(clientId, 10, "n1");

    assertEquals(new CallbackAdd(CallbackAdd.Status.UNKNOWN_CLIENT, null), added);
    assertEquals(0, pending(clientId));
  }

  @Test
  void a_notification_is_accepted_until_the_registration_expires_and_refused_from_its_deadline_on() {
    String clientId = registered();
    clock.advance(Duration.ofMillis(IDLE_MILLIS - 1));

    CallbackAdd last = post(clientId, 10, "just in time");
    clock.advance(Duration.ofMillis(1));
    CallbackAdd late = post(clientId, 10, "too late");

    assertEquals(CallbackAdd.Status.PENDING, last.status());
    assertEquals(CallbackAdd.Status.UNKNOWN_CLIENT, late.status());
    assertEquals(List.of(last.messageId()), takeAll(clientId));
  }

  @Test
  void once_the_pending_limit_is_reached_a_notification_is_refused_and_nothing_is_appended() {
    String clientId = registered();
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CallbackAdd added = post(clientId, 3, "n" + i);
      assertEquals(CallbackAdd.Status.PENDING, added.status());
      accepted.add(added.messageId());
    }

    CallbackAdd refused = post(clientId, 3, "one too many");

    assertEquals(new CallbackAdd(CallbackAdd.Status.TOO_MANY_PENDING, null), refused);
    assertEquals(accepted, takeAll(clientId));
    assertEquals(CallbackAdd.Status.PENDING, post(clientId, 3, "room again").status());
  }

  @Test
  void with_no_live_session_a_stored_notification_is_pending_and_waits_in_the_queue() {
    String clientId = registered();

    CallbackAdd added = post(clientId, 10, "n1");

    assertEquals(CallbackAdd.Status.PENDING, added.status());
    assertNotNull(added.messageId());
    assertEquals(1, pending(clientId));
    assertEquals(List.of(added.messageId()), takeAll(clientId));
  }

  @Test
  void with_a_live_session_the_notification_is_live_and_reaches_its_holder() throws Exception {
    String clientId = registered();
    Inbox inbox = new Inbox();
    try (MessagePickupRepository holder = liveHolder(clientId, inbox)) {
      CallbackAdd added = post(clientId, 10, "n1");

      assertEquals(CallbackAdd.Status.LIVE, added.status());
      TestFixtures.Received received = inbox.next();
      assertEquals(CallbackRegistry.connectionId(clientId), received.connectionId());
      assertEquals(added.messageId(), received.messages().get(0).id());
      assertEquals(0, pending(clientId), "sent to the session, so not pending");
    }
  }

  @Test
  void notifications_sent_to_a_live_session_do_not_count_towards_the_pending_limit() throws Exception {
    String clientId = registered();
    Inbox inbox = new Inbox();
    try (MessagePickupRepository holder = liveHolder(clientId, inbox)) {
      assertEquals(CallbackAdd.Status.LIVE, post(clientId, 1, "n1").status());
      assertEquals(CallbackAdd.Status.LIVE, post(clientId, 1, "n2").status());
      inbox.next();
    }
  }

  @Test
  void a_message_for_another_connection_than_the_clients_is_refused_as_an_argument_error() {
    String clientId = registered();

    CompletionException e = assertThrows(CompletionException.class, () -> callbacks.addIfRegistered(clientId,
        TestFixtures.message("someone-else", "n1"), 10).join());

    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertEquals(0, pending(clientId));
  }
}
