package io.github.mpr4j.core.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link CallbackRegistry}, run against every implementation (memory, embedded, Redis,
 * PostgreSQL): an implementation's test extends this class and supplies {@link #open()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class CallbackRegistryContract {
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

  @Test
  void attributes_are_set_read_and_removed_on_a_live_registration_only() {
    assertFalse(registry.setAttribute("a", "k", "v", 1000), "no registration, no attribute");
    registry.create("a", 1000, 5000);
    assertTrue(registry.setAttribute("a", "k", "v", 1000));
    assertTrue(registry.setAttribute("a", "j", "{\"x\":1}", 1000));
    assertTrue(registry.setAttribute("a", "k", "w", 1001));
    assertEquals(Map.of("k", "w", "j", "{\"x\":1}"), registry.attributes("a", 1002));
    assertTrue(registry.removeAttribute("a", "k", 1003));
    assertFalse(registry.removeAttribute("a", "k", 1003));
    assertEquals(Map.of("j", "{\"x\":1}"), registry.attributes("a", 1004));
    assertEquals(Map.of(), registry.attributes("a", 5000), "expired with its registration");
    assertEquals(Map.of(), registry.attributes("unknown", 1000));
  }

  @Test
  void a_touched_registration_keeps_its_attributes_and_a_new_one_under_an_expired_id_starts_without() {
    registry.create("a", 1000, 2000);
    registry.setAttribute("a", "k", "v", 1000);
    registry.touch("a", 1500, 4000);
    assertEquals(Map.of("k", "v"), registry.attributes("a", 3000));
    assertTrue(registry.create("a", 4000, 9000));
    assertEquals(Map.of(), registry.attributes("a", 4001));
  }

  @Test
  void a_users_registrations_are_listed_newest_first_while_they_live() {
    registry.create("a", 1000, 9000);
    registry.create("b", 1000, 3000);
    registry.create("c", 1000, 9000);
    assertTrue(registry.bindUser("a", "alice", 1001, 10));
    assertTrue(registry.bindUser("b", "alice", 1002, 10));
    assertTrue(registry.bindUser("c", "bob", 1003, 10));
    assertFalse(registry.bindUser("unknown", "alice", 1004, 10));
    assertEquals(List.of("b", "a"), registry.clientsOfUser("alice", 2000, 10));
    assertEquals(List.of("b"), registry.clientsOfUser("alice", 2000, 1));
    assertEquals(List.of("a"), registry.clientsOfUser("alice", 3000, 10), "b expired");
    assertEquals(List.of("c"), registry.clientsOfUser("bob", 3000, 10));
    assertEquals(List.of(), registry.clientsOfUser("carol", 3000, 10));
    assertEquals("alice", registry.attributes("a", 3000).get(CallbackRegistry.USER));
  }

  @Test
  void a_user_keeps_only_its_newest_bindings_and_a_rebinding_moves_a_registration() {
    for (String id : List.of("a", "b", "c")) {
      registry.create(id, 1000, 9000);
    }
    registry.bindUser("a", "alice", 1001, 2);
    registry.bindUser("b", "alice", 1002, 2);
    registry.bindUser("c", "alice", 1003, 2);
    assertEquals(List.of("c", "b"), registry.clientsOfUser("alice", 2000, 10));
    registry.bindUser("c", "bob", 1004, 2);
    assertEquals(List.of("b"), registry.clientsOfUser("alice", 2000, 10));
    assertEquals(List.of("c"), registry.clientsOfUser("bob", 2000, 10));
  }

  @Test
  void removing_an_expired_registration_removes_it_from_its_user() {
    registry.create("a", 1000, 2000);
    registry.bindUser("a", "alice", 1000, 10);
    assertEquals(List.of("a"), registry.removeExpired(2500, 10));
    assertTrue(registry.create("a", 2600, 9000), "the id may be registered anew");
    assertEquals(List.of(), registry.clientsOfUser("alice", 2700, 10));
    assertEquals(Map.of(), registry.attributes("a", 2700));
  }

  @Test
  void an_expired_registration_takes_no_attribute_and_no_user() {
    registry.create("a", 1000, 2000);

    assertFalse(registry.setAttribute("a", "k", "v", 2000));
    assertFalse(registry.bindUser("a", "alice", 2000, 10));
    assertFalse(registry.removeAttribute("a", "k", 2000));

    assertTrue(registry.create("a", 2000, 9000));
    assertEquals(Map.of(), registry.attributes("a", 2001));
    assertEquals(List.of(), registry.clientsOfUser("alice", 2001, 10));
  }
}
