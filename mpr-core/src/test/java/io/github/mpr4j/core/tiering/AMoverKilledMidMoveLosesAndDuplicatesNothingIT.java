package io.github.mpr4j.core.tiering;

import static io.github.mpr4j.core.tiering.TierFixture.drain;
import static io.github.mpr4j.core.tiering.TierFixture.message;
import static io.github.mpr4j.core.tiering.TierFixture.moveAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * A mover dies (an injected fault ends it where a kill would) between copy and delete, or between the
 * delete and finishing; its lease expires, another instance's mover takes over, and a drain returns every
 * message exactly once, in order.
 */
@Timeout(60)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AMoverKilledMidMoveLosesAndDuplicatesNothingIT {
  private static final long NOW = System.currentTimeMillis();

  /** Ends the mover where it is, as kill -9 would: no undo, no lease release. */
  static final class Killed extends RuntimeException {
    Killed() {
      super("killed by the test");
    }
  }

  @ParameterizedTest(name = "killed {0}, write-through {1}")
  @ValueSource(strings = {"afterCopy,false", "afterCommit,false", "afterCopy,true", "afterCommit,true"})
  void every_message_is_taken_exactly_once_after_a_restart(String spec) throws Exception {
    String where = spec.split(",")[0];
    boolean writeThrough = Boolean.parseBoolean(spec.split(",")[1]);
    try (TierFixture f = new TierFixture()) {
      Mover.Hooks killer = new Mover.Hooks() {
        @Override
        public void afterCopy(String connectionId, List<String> ids) {
          if (where.equals("afterCopy")) {
            throw new Killed();
          }
        }

        @Override
        public void afterCommit(String connectionId, List<String> committed) {
          if (where.equals("afterCommit")) {
            throw new Killed();
          }
        }
      };
      TieredQueueStore dying = f.store(f.settings(writeThrough), killer);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 23; i++) {
        dying.append(message("c", "m" + i, NOW - 10_000));
        expected.add("m" + i);
      }

      assertThrows(Killed.class, () -> dying.mover().runOnce(NOW));
      dying.mover().abandon();
      // reads right after the crash already see each message once
      assertEquals(23, dying.count("c", null, NOW));

      TieredQueueStore restarted = f.store(writeThrough);
      f.expireLease();
      moveAll(restarted, NOW);
      assertEquals(0, f.hotCount("c"), "everything moved in the end");
      assertEquals(0, f.unfinishedColdCount(restarted), "no shadow or backup left behind");

      List<String> drained = drain(restarted, "c", NOW);
      assertEquals(expected, drained, "every message once, in order");
      assertEquals(drained.size(), new HashSet<>(drained).size());
      assertEquals(0, f.coldCount(restarted, "c"));
    }
  }

  @ParameterizedTest(name = "write-through {0}")
  @ValueSource(booleans = {false, true})
  void a_drain_before_anyone_finishes_the_move_sees_every_message_once(boolean writeThrough) throws Exception {
    try (TierFixture f = new TierFixture()) {
      Mover.Hooks killer = new Mover.Hooks() {
        @Override
        public void afterCommit(String connectionId, List<String> committed) {
          throw new Killed();
        }
      };
      TieredQueueStore dying = f.store(f.settings(writeThrough), killer);
      for (int i = 0; i < 8; i++) {
        dying.append(message("c", "m" + i, NOW - 10_000));
      }
      assertThrows(Killed.class, () -> dying.mover().runOnce(NOW));
      dying.mover().abandon();

      // committed in Redis (ledger), still marked shadow in MongoDB: visible through the ledger
      List<String> drained = drain(dying, "c", NOW);
      assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"), drained);
    }
  }
}
