package io.github.mpr4j.core.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.GuardedAppend;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The callback gateway's POST on PostgreSQL ({@link PostgresCallbackStore#appendIfRegistered}): registration,
 * pending count, live session and insert in one transaction, on a real server. The live sessions and
 * instances are written as rows, as the PostgreSQL backend writes them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostgresAppendIfRegisteredIT {
  private static final long NOW = 1_700_000_000_000L;
  private static final long IDLE = 60_000;
  private static final long VISIBILITY = 30_000;
  private static final int CONCURRENT = 16;

  private HikariDataSource pool;
  private ExecutorService workers;
  private PostgresCallbackStore store;
  private CallbackRegistry registry;

  @BeforeEach
  void open() {
    pool = PgTestPool.migrated(CONCURRENT + 2);
    workers = Executors.newFixedThreadPool(CONCURRENT);
    store = new PostgresCallbackStore(pool, workers);
    registry = store.registry();
  }

  @AfterEach
  void close() {
    workers.shutdownNow();
    pool.close();
  }

  private String registered() {
    String clientId = UUID.randomUUID().toString();
    assertTrue(registry.create(clientId, NOW, NOW + IDLE));
    return clientId;
  }

  private static StoredMessage notification(String clientId, long at, String text) {
    return new StoredMessage(UUID.randomUUID().toString(), CallbackRegistry.connectionId(clientId),
        List.of("callback"), at, EncryptedMessage.ofJson("{\"n\":\"" + text + "\"}"), 0);
  }

  private GuardedAppend post(String clientId, int maxPending, StoredMessage m) {
    return store.appendIfRegistered(clientId, maxPending, m, m.receivedAtMillis() + VISIBILITY).join();
  }

  private GuardedAppend post(String clientId, int maxPending) {
    return post(clientId, maxPending, notification(clientId, NOW, "n"));
  }

  private long rows(String clientId) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM mpr_messages WHERE connection_id = ?")) {
      s.setString(1, CallbackRegistry.connectionId(clientId));
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private void execute(String sql, Object... params) throws SQLException {
    try (Connection c = pool.getConnection(); PreparedStatement s = PostgresCallbackRegistry.prepare(c, sql, params)) {
      s.executeUpdate();
    }
  }

  /** A live session of the client's connection held on an instance whose heartbeat ends in {@code seconds}. */
  private void liveSession(String clientId, String instanceId, int seconds) throws SQLException {
    execute("INSERT INTO mpr_instances (instance_id, expires_at) VALUES (?, now() + make_interval(secs => ?))",
        instanceId, seconds);
    execute("INSERT INTO mpr_live_sessions (connection_id, session_id, instance_id, holder, generation)"
        + " VALUES (?, 's1', ?, 'socket-1', 1)", CallbackRegistry.connectionId(clientId), instanceId);
  }

  @Test
  void a_notification_for_a_client_that_never_registered_is_refused_and_nothing_is_stored() throws SQLException {
    String clientId = UUID.randomUUID().toString();

    assertEquals(GuardedAppend.refused(GuardedAppend.Result.UNKNOWN_CLIENT), post(clientId, 10));
    assertEquals(0, rows(clientId));
  }

  @Test
  void a_notification_is_accepted_until_the_registration_expires_and_refused_from_its_deadline_on()
      throws SQLException {
    String clientId = registered();

    GuardedAppend last = post(clientId, 10, notification(clientId, NOW + IDLE - 1, "just in time"));
    GuardedAppend late = post(clientId, 10, notification(clientId, NOW + IDLE, "too late"));

    assertEquals(GuardedAppend.appended(Optional.empty()), last);
    assertEquals(GuardedAppend.refused(GuardedAppend.Result.UNKNOWN_CLIENT), late);
    assertEquals(1, rows(clientId));
  }

  @Test
  void a_pending_notification_is_stored_as_the_queue_keeps_messages() throws SQLException {
    String clientId = registered();
    StoredMessage m = notification(clientId, NOW, "hello");

    assertEquals(GuardedAppend.appended(Optional.empty()), post(clientId, 10, m));

    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement("SELECT connection_id,"
        + " recipient_dids, payload, received_at, sending_until FROM mpr_messages WHERE id = ?")) {
      s.setString(1, m.id());
      try (ResultSet r = s.executeQuery()) {
        assertTrue(r.next());
        assertEquals(CallbackRegistry.connectionId(clientId), r.getString(1));
        assertArrayEquals(new String[] {"callback"}, (String[]) r.getArray(2).getArray());
        assertEquals("{\"n\":\"hello\"}", new String(r.getBytes(3), StandardCharsets.UTF_8));
        assertEquals(NOW, r.getObject(4, OffsetDateTime.class).toInstant().toEpochMilli());
        assertNull(r.getObject(5, OffsetDateTime.class), "pending");
      }
    }
  }

  @Test
  void once_the_pending_limit_is_reached_a_notification_is_refused_and_nothing_is_appended() throws SQLException {
    String clientId = registered();
    for (int i = 0; i < 3; i++) {
      assertEquals(GuardedAppend.Result.APPENDED, post(clientId, 3).result());
    }

    assertEquals(GuardedAppend.refused(GuardedAppend.Result.TOO_MANY_PENDING), post(clientId, 3));
    assertEquals(3, rows(clientId));
  }

  @Test
  void a_message_sending_past_its_deadline_counts_as_pending_and_one_sending_before_it_does_not()
      throws SQLException {
    String clientId = registered();
    assertEquals(GuardedAppend.Result.APPENDED, post(clientId, 1).result());
    execute("UPDATE mpr_messages SET sending_until = ? WHERE connection_id = ?",
        OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(NOW + 1000), java.time.ZoneOffset.UTC),
        CallbackRegistry.connectionId(clientId));

    GuardedAppend whileSending = post(clientId, 1, notification(clientId, NOW + 999, "a"));
    // now "a" is pending, and from NOW + 1000 on the sending one too: two
    GuardedAppend afterTimeout = post(clientId, 2, notification(clientId, NOW + 1000, "b"));

    assertEquals(GuardedAppend.Result.APPENDED, whileSending.result());
    assertEquals(GuardedAppend.Result.TOO_MANY_PENDING, afterTimeout.result());
  }

  @Test
  void with_a_live_session_the_notification_is_sending_to_it_and_does_not_count_as_pending() throws SQLException {
    String clientId = registered();
    liveSession(clientId, "instance-a", 60);

    StoredMessage m = notification(clientId, NOW, "live");
    GuardedAppend first = post(clientId, 1, m);
    GuardedAppend second = post(clientId, 1);

    LiveSession session = new LiveSession(CallbackRegistry.connectionId(clientId), "s1", "instance-a", "socket-1");
    assertEquals(GuardedAppend.appended(Optional.of(session)), first);
    assertEquals(GuardedAppend.appended(Optional.of(session)), second);
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT sending_until FROM mpr_messages WHERE id = ?")) {
      s.setString(1, m.id());
      try (ResultSet r = s.executeQuery()) {
        assertTrue(r.next());
        assertEquals(NOW + VISIBILITY, r.getObject(1, OffsetDateTime.class).toInstant().toEpochMilli());
      }
    }
  }

  @Test
  void a_live_session_on_an_instance_whose_heartbeat_expired_is_ignored_and_the_notification_waits_pending()
      throws SQLException {
    String clientId = registered();
    liveSession(clientId, "instance-dead", -1);

    assertEquals(GuardedAppend.appended(Optional.empty()), post(clientId, 10));
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM mpr_messages WHERE sending_until IS NULL")) {
      r.next();
      assertEquals(1, r.getLong(1));
    }
  }

  @Test
  void concurrent_posts_for_one_client_never_pass_the_pending_limit_together() throws Exception {
    int limit = 3;
    for (int round = 0; round < 5; round++) {
      String clientId = registered();
      CyclicBarrier together = new CyclicBarrier(CONCURRENT);
      ExecutorService callers = Executors.newFixedThreadPool(CONCURRENT);
      try {
        List<CompletableFuture<GuardedAppend>> posts = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
          posts.add(CompletableFuture.supplyAsync(() -> {
            try {
              together.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            return post(clientId, limit);
          }, callers));
        }
        Map<GuardedAppend.Result, Long> outcomes = posts.stream().map(CompletableFuture::join)
            .collect(Collectors.groupingBy(GuardedAppend::result, Collectors.counting()));

        assertEquals(Map.of(GuardedAppend.Result.APPENDED, (long) limit,
            GuardedAppend.Result.TOO_MANY_PENDING, (long) (CONCURRENT - limit)), outcomes, "round " + round);
        assertEquals(limit, rows(clientId));
      } finally {
        callers.shutdownNow();
      }
    }
  }

  @Test
  void a_message_for_another_connection_than_the_clients_is_refused_as_an_argument_error() throws SQLException {
    String clientId = registered();
    StoredMessage other = new StoredMessage("m1", "someone-else", List.of("callback"), NOW,
        EncryptedMessage.ofJson("{}"), 0);

    CompletionException e = assertThrows(CompletionException.class,
        () -> store.appendIfRegistered(clientId, 10, other, NOW + VISIBILITY).join());

    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertEquals(0, rows(clientId));
    assertFalse(registry.exists("someone-else", NOW));
  }
}
