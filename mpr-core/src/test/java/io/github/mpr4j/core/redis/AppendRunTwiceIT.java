package io.github.mpr4j.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.CallbackStore;
import io.github.mpr4j.core.callback.GuardedAppend;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * An append that runs a second time (a client sent it again after its reply was lost) changes nothing: a
 * message handed out and removed in between is not written back, whichever append operation it was.
 */
@Timeout(30)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AppendRunTwiceIT {
  private static final String DID = "did:example:twice";

  private RedisServers.Node node;
  private RedisBackend backend;

  @BeforeEach
  void connect() {
    node = RedisServers.single();
    backend = RedisBackend.connect(RedisSettings.single(node.uri()));
  }

  @AfterEach
  void close() {
    backend.close();
  }

  private static StoredMessage message(String conn) {
    return new StoredMessage("m-" + System.nanoTime(), conn, List.of(DID), System.currentTimeMillis(),
        EncryptedMessage.ofJson("{\"ciphertext\":\"x\"}"), 0);
  }

  private int count(String conn) {
    return backend.queueStore().count(conn, null, System.currentTimeMillis());
  }

  private void removed(StoredMessage m) {
    assertEquals(1, count(m.connectionId()), "appended");
    assertEquals(1, backend.queueStore().remove(m.connectionId(), List.of(m.id())));
  }

  @Test
  void append_run_again_after_a_removal_writes_nothing_back() {
    StoredMessage m = message("twice-append");
    backend.queueStore().append(m);
    removed(m);
    backend.queueStore().append(m);
    assertEquals(0, count(m.connectionId()));
  }

  @Test
  void append_routed_run_again_after_a_removal_writes_nothing_back_and_names_no_session() {
    StoredMessage m = message("twice-routed");
    LiveSession session = new LiveSession(m.connectionId(), "s1", backend.instanceId(), "h1");
    backend.liveSessions().put(session);
    assertEquals(Optional.of(session), backend.append(m, System.currentTimeMillis() + 60_000).join());
    assertEquals(1, backend.queueStore().remove(m.connectionId(), List.of(m.id())));
    assertEquals(Optional.empty(), backend.append(m, System.currentTimeMillis() + 60_000).join(),
        "nothing to deliver: the message is gone");
    assertEquals(0, backend.queueStore().remove(m.connectionId(), List.of(m.id())), "nothing was written back");
  }

  @Test
  void append_routed_run_again_while_the_message_is_there_names_the_session_again() {
    StoredMessage m = message("twice-routed-kept");
    LiveSession session = new LiveSession(m.connectionId(), "s1", backend.instanceId(), "h1");
    backend.liveSessions().put(session);
    backend.append(m, System.currentTimeMillis() + 60_000).join();
    assertEquals(Optional.of(session), backend.append(m, System.currentTimeMillis() + 60_000).join(),
        "the first run's delivery was lost with its reply: deliver it now");
    assertEquals(1, backend.queueStore().remove(m.connectionId(), List.of(m.id())), "one message");
  }

  @Test
  void append_routed_run_again_for_a_pending_message_names_no_session_that_came_since() {
    StoredMessage m = message("twice-routed-pending");
    assertEquals(Optional.empty(), backend.append(m, System.currentTimeMillis() + 60_000).join(), "pending");
    backend.liveSessions().put(new LiveSession(m.connectionId(), "s1", backend.instanceId(), "h1"));
    assertEquals(Optional.empty(), backend.append(m, System.currentTimeMillis() + 60_000).join(),
        "a pending message is not delivered (a take would hand it out again): it waits for the session's take");
    assertEquals(1, count(m.connectionId()), "still one pending message");
  }

  @Test
  void append_if_registered_run_again_after_a_removal_writes_nothing_back() {
    CallbackRegistry registry = backend.callbackRegistry();
    String client = "twice-client-" + System.nanoTime();
    long now = System.currentTimeMillis();
    assertTrue(registry.create(client, now, now + 60_000));
    StoredMessage m = message(CallbackRegistry.connectionId(client));
    CallbackStore store = backend.callbacks().orElseThrow();
    assertEquals(GuardedAppend.Result.APPENDED, store.appendIfRegistered(client, 1, m, now + 60_000).join().result());
    removed(m);
    assertEquals(GuardedAppend.Result.APPENDED, store.appendIfRegistered(client, 1, m, now + 60_000).join().result(),
        "the same answer as the first run's");
    assertEquals(0, count(m.connectionId()));
  }

  @Test
  void a_tiered_append_run_again_after_a_removal_writes_nothing_back() {
    StoredMessage m = message("twice-tiered");
    backend.hotTier().append(m, -1).join();
    removed(m);
    backend.hotTier().append(m, -1).join();
    assertEquals(0, count(m.connectionId()));
  }

  @Test
  void the_ids_are_remembered_for_the_guard_window_only() {
    StoredMessage m = message("twice-window");
    backend.queueStore().append(m);
    long window = backend.settings().appendGuardWindow().toMillis();
    assertEquals(Duration.ofSeconds(8), backend.settings().appendGuardWindow(), "four times the 2 s timeout");
    try (Jedis j = node.jedis()) {
      long ttl = j.pttl("mpr:{twice-window}:m:a");
      assertTrue(ttl > 0 && ttl <= window, "the guard expires with its window: " + ttl);
      assertEquals(1, j.zcard("mpr:{twice-window}:m:a"));
    }
  }
}
