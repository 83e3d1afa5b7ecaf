package io.github.mpr4j.core.tiering;

import static io.github.mpr4j.core.tiering.TierFixture.drain;
import static io.github.mpr4j.core.tiering.TierFixture.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.mpr4j.core.spi.TakeRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Write-through: Redis loses everything (FLUSHALL, as a restart without persistence does) after the
 * appends were answered, some messages already moved, some sending; the mover's sweep makes the MongoDB
 * copies visible, and every message is then taken exactly once, in order, before newer ones.
 */
@Timeout(60)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WriteThroughKeepsEveryAnsweredMessageWhenRedisLosesItsDataIT {
  private static final long NOW = System.currentTimeMillis();

  @Test
  void every_answered_message_is_taken_exactly_once_after_redis_is_flushed() throws Exception {
    try (TierFixture f = new TierFixture()) {
      TieredQueueStore store = f.store(true);
      List<List<String>> expected = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int i = 0; i < 30; i++) {
        String id = String.format("m%02d", i);
        // c1's are young: they stay in Redis (with their MongoDB backup) when the others move
        store.append(message("c" + (i % 3), id, (i % 3 == 1 ? NOW : NOW - 10_000) + i));
        expected.get(i % 3).add(id);
      }
      store.mover().runOnce(NOW);
      assertEquals(10, f.hotCount("c1"));
      assertEquals(0, f.hotCount("c0"));
      // two of c1 are handed out (sending, in Redis only) when Redis goes; one of c2 is taken for good
      store.take(new TakeRequest("c1", null, 2, Long.MAX_VALUE, false, NOW, NOW + 60_000));
      store.take(new TakeRequest("c2", null, 1, Long.MAX_VALUE, true, NOW, NOW + 60_000));
      expected.get(2).remove(0);

      f.redisNode.flushAll();
      // the sweep looks at backups older than the threshold and than 60 s, by the time the backups were written
      // (the real clock): one minute after now, whenever now is (the fixture's start may take seconds)
      long later = Math.max(NOW, System.currentTimeMillis()) + 61_000;
      store.mover().runOnce(later);
      store.append(message("c2", "after", later));
      expected.get(2).add("after");

      for (int c = 0; c < 3; c++) {
        List<String> drained = drain(store, "c" + c, later);
        assertEquals(expected.get(c), drained, "c" + c + ": every message once, in order");
        assertEquals(drained.size(), new HashSet<>(drained).size());
      }
      assertEquals(0, store.count("c1", null, NOW + 120_000));
    }
  }

  @Test
  void a_take_with_delete_deletes_the_mongodb_copy_before_it_answers() throws Exception {
    try (TierFixture f = new TierFixture()) {
      TieredQueueStore store = f.store(true);
      for (int i = 0; i < 5; i++) {
        store.append(message("c", "m" + i, NOW - 10_000));
      }
      assertEquals(5, f.coldCount(store, "c"), "answered appends are in MongoDB");

      assertEquals(List.of("m0", "m1", "m2"), drain(store, "c", NOW).subList(0, 3));

      assertEquals(0, f.coldCount(store, "c"), "taken with delete: gone from MongoDB too");
      f.redisNode.flushAll();
      store.mover().runOnce(NOW + 61_000);
      assertEquals(List.of(), drain(store, "c", NOW + 61_000), "nothing comes back after Redis is lost");
    }
  }
}
