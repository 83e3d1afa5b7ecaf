package io.github.mpr4j.core.tiering;

import static io.github.mpr4j.core.tiering.TierFixture.drain;
import static io.github.mpr4j.core.tiering.TierFixture.message;
import static io.github.mpr4j.core.tiering.TierFixture.moveAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Messages older than the threshold leave Redis for MongoDB, and reads see one queue in the order of appends. */
@Timeout(60)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MessagesMoveToMongoDbAndComeBackInOrderIT {
  private static final long NOW = System.currentTimeMillis();

  @Test
  void old_messages_move_and_young_ones_stay() throws Exception {
    try (TierFixture f = new TierFixture()) {
      TieredQueueStore store = f.store(false);
      for (int i = 0; i < 25; i++) {
        store.append(message("c" + (i % 3), "old-" + i, NOW - 10_000));
      }
      store.append(message("c0", "young", NOW));

      assertEquals(25, moveAll(store, NOW));

      assertEquals(1, f.hotCount("c0"), "the young one is still in Redis");
      assertEquals(0, f.hotCount("c1"));
      assertEquals(9, f.coldCount(store, "c0"));
      assertEquals(0, f.unfinishedColdCount(store), "every move finished");
      assertEquals(10, store.count("c0", null, NOW));
    }
  }

  @Test
  void a_queue_split_over_both_tiers_is_read_in_append_order() throws Exception {
    try (TierFixture f = new TierFixture()) {
      TieredQueueStore store = f.store(false);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        store.append(message("c", "a" + i, NOW - 10_000));
        expected.add("a" + i);
      }
      moveAll(store, NOW);
      assertEquals(0, f.hotCount("c"), "the mover emptied the hot queue (its counter is gone)");
      for (int i = 0; i < 10; i++) {
        store.append(message("c", "b" + i, NOW - 10_000));
        expected.add("b" + i);
      }
      // half of the new ones move too: the queue is cold, hot, in no simple split
      store.take(new TakeRequest("c", null, 3, Long.MAX_VALUE, false, NOW, NOW + 60_000)); // a0..a2 sending
      store.mover().runOnce(NOW);

      List<StoredMessage> first = store.take(new TakeRequest("c", null, 4, Long.MAX_VALUE, true, NOW, NOW + 60_000));
      assertEquals(List.of("a3", "a4", "a5", "a6"), first.stream().map(StoredMessage::id).toList());
      assertEquals(3, store.release("c", null), "a0..a2 are pending again, wherever they are");
      List<String> rest = drain(store, "c", NOW);
      List<String> all = new ArrayList<>(rest);
      assertEquals(expected.stream().filter(id -> !List.of("a3", "a4", "a5", "a6").contains(id)).toList(), all);
    }
  }

  @Test
  void limit_bytes_and_the_recipient_filter_apply_across_both_tiers() throws Exception {
    try (TierFixture f = new TierFixture()) {
      TieredQueueStore store = f.store(false);
      store.append(message("c", "m1", NOW - 10_000));
      store.append(message("c", "m2", NOW - 10_000));
      moveAll(store, NOW);
      store.append(message("c", "m3", NOW));
      int size = store.take(new TakeRequest("c", null, 1, Long.MAX_VALUE, false, NOW, NOW + 1)).get(0).payload()
          .byteSize();

      List<StoredMessage> two = store.take(new TakeRequest("c", TierFixture.ALICE, 10, 2L * size + size - 1, true,
          NOW + 2, NOW + 60_000));

      assertEquals(List.of("m1", "m2"), two.stream().map(StoredMessage::id).toList());
      assertEquals(1, store.count("c", TierFixture.ALICE, NOW));
      assertEquals(0, store.count("c", "did:example:nobody", NOW));
      assertTrue(store.describe().startsWith("tiered("));
    }
  }
}
