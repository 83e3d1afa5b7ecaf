package io.github.mpr4j.core.tiering;

import static io.github.mpr4j.core.tiering.TierFixture.drain;
import static io.github.mpr4j.core.tiering.TierFixture.message;
import static io.github.mpr4j.core.tiering.TierFixture.moveAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lease expires while its owner is paused in the middle of a move (after reading, or after copying);
 * a second mover takes the lease and moves the same messages; a client takes them; then the first mover
 * resumes on its stale read. Every message is still taken exactly once, and nothing is left in MongoDB.
 * The pause is a latch in the mover's hook, not a sleep.
 */
@Timeout(60)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RacingMoversMoveEachMessageOnceIT {
  private static final long NOW = System.currentTimeMillis();

  @ParameterizedTest(name = "paused {0}, client drains before resuming {1}, write-through {2}, lease {3}")
  @CsvSource({"afterRead,true,false,deleted", "afterRead,false,false,deleted", "afterCopy,true,false,deleted",
      "afterCopy,false,false,deleted", "afterRead,true,true,deleted", "afterCopy,false,true,deleted",
      "afterCopy,true,false,expires", "afterRead,false,true,expires"})
  void a_paused_owner_that_resumes_after_another_mover_moved_changes_nothing(String where, boolean drainFirst,
      boolean writeThrough, String lease) throws Exception {
    try (TierFixture f = new TierFixture()) {
      CountDownLatch paused = new CountDownLatch(1);
      CountDownLatch resume = new CountDownLatch(1);
      Mover.Hooks pausing = new Mover.Hooks() {
        @Override
        public void afterRead(String connectionId, List<String> ids) {
          if (where.equals("afterRead")) {
            pause();
          }
        }

        @Override
        public void afterCopy(String connectionId, List<String> ids) {
          if (where.equals("afterCopy")) {
            pause();
          }
        }

        private void pause() {
          paused.countDown();
          try {
            if (!resume.await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("never resumed");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
      TieredQueueStore first = f.store(f.settings(writeThrough), pausing);
      TieredQueueStore second = f.store(writeThrough);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        first.append(message("c", "m" + i, NOW - 10_000));
        expected.add("m" + i);
      }

      CompletableFuture<Integer> firstRound = CompletableFuture.supplyAsync(() -> first.mover().runOnce(NOW));
      assertTrue(paused.await(10, TimeUnit.SECONDS), "the first mover reached its pause");
      if (lease.equals("deleted")) {
        f.expireLease(); // as if its time to live had run out
      } else {
        // the paused owner cannot renew: its lease (300 ms) runs out and the second mover takes it
        TierFixture.await("the second mover holds the lease", () -> {
          second.mover().runOnce(NOW - 60_000); // a cutoff before every message: takes the lease, moves nothing
          return second.mover().fence() != 0;
        });
      }
      assertEquals(9, moveAll(second, NOW), "the second mover moved everything");
      List<String> taken = new ArrayList<>();
      if (drainFirst) {
        taken.addAll(drain(second, "c", NOW));
      }

      resume.countDown();
      assertEquals(0, firstRound.get(10, TimeUnit.SECONDS), "the stale mover committed nothing");
      taken.addAll(drain(first, "c", NOW));

      assertEquals(expected, taken, "every message exactly once, in order");
      assertEquals(0, f.coldCount(first, "c"), "no copy left behind");
      assertEquals(0, f.hotCount("c"));
    }
  }
}
