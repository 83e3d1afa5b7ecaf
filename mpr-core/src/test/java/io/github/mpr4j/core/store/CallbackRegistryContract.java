package io.github.mpr4j.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.CallbackRegistry;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The contract of {@link CallbackRegistry}, run against every implementation. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class CallbackRegistryContract {
  protected CallbackRegistry registry;

  protected abstract CallbackRegistry open();

  @BeforeEach
  void openRegistry() {
    registry = open();
  }

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  @Test
  void a_created_registration_exists_until_its_deadline() {
    assertTrue(registry.create("a", 1000, 2000));
    assertTrue(registry.exists("a", 1999));
    assertFalse(registry.exists("a", 2000));
    assertFalse(registry.exists("b", 1000));
  }

  @Test
  void creating_an_existing_id_fails_but_an_expired_one_may_be_created_again() {
    assertTrue(registry.create("a", 1000, 2000));
    assertFalse(registry.create("a", 1500, 9000));
    assertFalse(registry.exists("a", 2500), "the failed create did not extend it");
    assertTrue(registry.create("a", 2500, 3000));
    assertTrue(registry.exists("a", 2999));
  }

  @Test
  void touch_extends_a_live_registration_and_never_revives_an_expired_one() {
    registry.create("a", 1000, 2000);
    assertTrue(registry.touch("a", 1500, 5000));
    assertTrue(registry.exists("a", 4999));
    assertFalse(registry.touch("a", 5000, 9000));
    assertFalse(registry.exists("a", 5001));
    assertFalse(registry.touch("unknown", 0, 9000));
    assertFalse(registry.exists("unknown", 1));
  }

  @Test
  void remove_expired_returns_only_ids_past_their_deadline_and_at_most_max() {
    registry.create("old-1", 0, 100);
    registry.create("old-2", 0, 100);
    registry.create("old-3", 0, 100);
    registry.create("young", 0, 10_000);
    List<String> first = registry.removeExpired(500, 2);
    assertEquals(2, first.size());
    List<String> second = registry.removeExpired(500, 10);
    assertEquals(1, second.size());
    assertEquals(List.of(), registry.removeExpired(500, 10));
    assertTrue(registry.exists("young", 500));
  }

  @Test
  void concurrent_creates_of_one_id_succeed_once() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 50; round++) {
        String id = "id-" + round;
        AtomicInteger created = new AtomicInteger();
        List<Future<?>> fs = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
          fs.add(pool.submit(() -> {
            if (registry.create(id, 0, 1000)) {
              created.incrementAndGet();
            }
          }));
        }
        for (Future<?> f : fs) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(1, created.get(), id);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
