package io.github.mpr4j.core.tiering;

import static io.github.mpr4j.core.tiering.TierFixture.drain;
import static io.github.mpr4j.core.tiering.TierFixture.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The state a kill of the mover between copy and commit leaves: shadow copies in MongoDB that no read may
 * see (their hot copies are the messages), behind and among committed cold messages. A message whose
 * receivedAt is older than that of messages appended before it (two requests of one connection in flight,
 * or instances whose clocks differ by a few milliseconds) moved in an earlier round, so a committed cold
 * message sits among the shadows in the queue's order. Takes made before any mover finishes the move must
 * still return the queue in the order of its appends.
 */
@Timeout(60)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ShadowsOfACrashedMoveKeepTheOrderIT {
  private static final long NOW = System.currentTimeMillis();
  private static final long EARLY = NOW - 9_000;
  private static final long LATE = NOW - 5_000;

  /**
   * m0 (received early), a1..a7 (late), b (early: appended after a7, received before it), c1..c8 (late).
   * A round at NOW - 7 s moves m0 and b; the next round, at NOW, is killed after its copy of a1..a7, c1..c3.
   */
  private static List<String> stageTheCrash(TierFixture f, TieredQueueStore dying) {
    List<String> expected = new ArrayList<>();
    dying.append(message("c", "m0", EARLY));
    expected.add("m0");
    for (int i = 1; i <= 7; i++) {
      dying.append(message("c", "a" + i, LATE));
      expected.add("a" + i);
    }
    dying.append(message("c", "b", EARLY));
    expected.add("b");
    for (int i = 1; i <= 8; i++) {
      dying.append(message("c", "c" + i, LATE));
      expected.add("c" + i);
    }
    assertEquals(2, dying.mover().runOnce(NOW - 7_000), "m0 and b moved");
    assertThrows(AMoverKilledMidMoveLosesAndDuplicatesNothingIT.Killed.class, () -> dying.mover().runOnce(NOW));
    dying.mover().abandon();
    assertEquals(15, f.hotCount("c"), "a1..a7 and c1..c8 are still in Redis");
    return expected;
  }

  private static Mover.Hooks killedAfterTheSecondCopy() {
    return new Mover.Hooks() {
      private int copies;

      @Override
      public void afterCopy(String connectionId, List<String> ids) {
        if (++copies == 2) {
          throw new AMoverKilledMidMoveLosesAndDuplicatesNothingIT.Killed();
        }
      }
    };
  }

  /**
   * The dead mover copied a1..a5 after a count had seen the cold tier empty, so the restarted store takes them
   * from Redis without reading MongoDB, and their shadows stay. b1..b3 then move, and nothing is left in Redis:
   * the first window of a take no larger than the shadows holds only garbage, and the messages behind it
   * must still be found (a take that answered [] here told a mediator the queue was empty).
   */
  @Test
  void a_take_whose_window_holds_only_dead_shadows_reads_on_to_the_cold_messages_behind_them() {
    try (TierFixture f = new TierFixture()) {
      TieredQueueStore dying = f.store(f.settings(false), new Mover.Hooks() {
        @Override
        public void afterCopy(String connectionId, List<String> ids) {
          throw new AMoverKilledMidMoveLosesAndDuplicatesNothingIT.Killed();
        }
      });
      List<String> first = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        dying.append(message("c", "a" + i, LATE));
        first.add("a" + i);
      }
      assertEquals(5, dying.count("c", null, NOW), "a mediator looks: the cold tier is seen empty");
      assertThrows(AMoverKilledMidMoveLosesAndDuplicatesNothingIT.Killed.class, () -> dying.mover().runOnce(NOW));
      dying.mover().abandon();

      TieredQueueStore restarted = f.store(false);
      assertEquals(first, drain(restarted, "c", NOW), "the messages of the interrupted move, from Redis");
      assertEquals(5, f.unfinishedColdCount(restarted), "the dead mover's shadows outlive their messages");
      List<String> later = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        restarted.append(message("c", "b" + i, LATE));
        later.add("b" + i);
      }
      f.expireLease();
      assertEquals(3, TierFixture.moveAll(restarted, NOW));
      assertEquals(0, f.hotCount("c"), "every message is in MongoDB");
      assertEquals(3, restarted.count("c", null, NOW));

      List<StoredMessage> taken = restarted.take(new TakeRequest("c", null, 5, Long.MAX_VALUE, true, NOW,
          NOW + 60_000));
      assertEquals(later, taken.stream().map(StoredMessage::id).toList());
    }
  }

  @Test
  void takes_with_delete_after_the_crash_return_every_message_in_order() {
    try (TierFixture f = new TierFixture()) {
      TieredQueueStore dying = f.store(f.settings(false), killedAfterTheSecondCopy());
      List<String> expected = stageTheCrash(f, dying);

      TieredQueueStore restarted = f.store(false); // the lease of the dead mover has not expired: nothing moves
      assertEquals(expected, drain(restarted, "c", NOW));
    }
  }

  @Test
  void takes_without_delete_after_the_crash_return_every_message_in_order() {
    try (TierFixture f = new TierFixture()) {
      TieredQueueStore dying = f.store(f.settings(false), killedAfterTheSecondCopy());
      List<String> expected = stageTheCrash(f, dying);

      TieredQueueStore restarted = f.store(false);
      List<String> taken = new ArrayList<>();
      for (int round = 0; round < 100; round++) {
        List<StoredMessage> batch = restarted.take(new TakeRequest("c", null, 7, Long.MAX_VALUE, false, NOW,
            NOW + 60_000));
        if (batch.isEmpty()) {
          break;
        }
        batch.forEach(m -> taken.add(m.id()));
      }
      assertEquals(expected, taken);
    }
  }
}
