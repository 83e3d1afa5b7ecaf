package io.github.mpr4j.core.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cluster-wide push de-duplication in PostgreSQL: two instances (each with a pool of its own, as two servers
 * have) on one database.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostgresPushDeduplicatorIT {
  private static final int THREADS_PER_INSTANCE = 8;
  private static final Duration LONG = Duration.ofHours(1);

  private HikariDataSource poolA;
  private HikariDataSource poolB;

  @BeforeEach
  void open() {
    String url = PostgresServers.shared().newDatabase();
    poolA = PgTestPool.migrated(url, THREADS_PER_INSTANCE);
    poolB = PgTestPool.migrated(url, THREADS_PER_INSTANCE);
  }

  @AfterEach
  void close() {
    poolA.close();
    poolB.close();
  }

  private long slots() throws SQLException {
    try (Connection c = poolA.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM mpr_push_slots")) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void two_instances_racing_for_one_token_get_one_slot_between_them() throws Exception {
    List<PostgresPushDeduplicator> instances = List.of(PostgresPushDeduplicator.create(poolA),
        PostgresPushDeduplicator.create(poolB));
    int callers = 2 * THREADS_PER_INSTANCE;
    ExecutorService threads = Executors.newFixedThreadPool(callers);
    try {
      for (int round = 0; round < 10; round++) {
        String key = "fcm:token-" + round;
        CyclicBarrier together = new CyclicBarrier(callers);
        List<CompletableFuture<Boolean>> tries = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          PostgresPushDeduplicator instance = instances.get(i % 2);
          tries.add(CompletableFuture.supplyAsync(() -> {
            try {
              together.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            return instance.tryAcquire(key, LONG);
          }, threads));
        }
        long acquired = tries.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count();
        assertEquals(1, acquired, key);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void a_taken_slot_is_refused_on_the_other_instance_and_other_tokens_have_their_own() {
    PostgresPushDeduplicator a = PostgresPushDeduplicator.create(poolA);
    PostgresPushDeduplicator b = PostgresPushDeduplicator.create(poolB);

    assertTrue(a.tryAcquire("apns:t1", LONG));
    assertFalse(b.tryAcquire("apns:t1", LONG));
    assertFalse(a.tryAcquire("apns:t1", LONG));
    assertTrue(b.tryAcquire("apns:t2", LONG));
  }

  @Test
  void after_the_window_the_token_gets_a_new_slot_once() throws Exception {
    PostgresPushDeduplicator a = PostgresPushDeduplicator.create(poolA);
    PostgresPushDeduplicator b = PostgresPushDeduplicator.create(poolB);
    assertTrue(a.tryAcquire("fcm:t", Duration.ofMillis(1)));

    Thread.sleep(20); // past the 1 ms window, by the database's clock too

    assertTrue(b.tryAcquire("fcm:t", LONG));
    assertFalse(a.tryAcquire("fcm:t", LONG), "the new window is taken");
  }

  @Test
  void expired_slots_are_swept_in_batches_of_the_configured_size() throws Exception {
    PostgresPushDeduplicator a = PostgresPushDeduplicator.create(poolA);
    for (int i = 0; i < 5; i++) {
      a.tryAcquire("fcm:old-" + i, Duration.ofMillis(1));
    }
    Thread.sleep(20);
    PostgresPushDeduplicator sweeping = PostgresPushDeduplicator.create(poolB, 2, Duration.ZERO);

    assertTrue(sweeping.tryAcquire("fcm:new-1", LONG));
    assertEquals(4, slots(), "two of five expired ones deleted, one new slot");
    assertTrue(sweeping.tryAcquire("fcm:new-2", LONG));
    assertTrue(sweeping.tryAcquire("fcm:new-3", LONG));
    assertEquals(3, slots(), "only the three live ones are left");
  }

  @Test
  void a_window_under_a_millisecond_or_a_sweep_batch_under_one_is_refused() {
    PostgresPushDeduplicator a = PostgresPushDeduplicator.create(poolA);

    assertThrows(IllegalArgumentException.class, () -> a.tryAcquire("fcm:t", Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> PostgresPushDeduplicator.create(poolA, 0, Duration.ZERO));
  }
}
