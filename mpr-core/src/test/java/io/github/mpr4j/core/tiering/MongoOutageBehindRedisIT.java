package io.github.mpr4j.core.tiering;

import static io.github.mpr4j.core.TestFixtures.answeredWithin;
import static io.github.mpr4j.core.TestFixtures.assertFailsRetryableWithin;
import static io.github.mpr4j.core.tiering.TierFixture.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.TestFixtures;
import io.github.mpr4j.core.mongo.MongoServers;
import io.github.mpr4j.core.mongo.MongoSettings;
import io.github.mpr4j.core.redis.RedisBackend;
import io.github.mpr4j.core.redis.RedisSettings;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MongoDB goes away behind Redis and comes back: requests that need it fail -32000 retryable within a
 * bounded time, those that do not go on, the mover backs off and resumes by itself, nothing answered is lost.
 */
@Timeout(120)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MongoOutageBehindRedisIT {

  private static PickupQueue queue(RedisBackend backend, TieredQueueStore store) {
    return PickupQueue.builder().backend(new TieredBackend(store, backend)).build();
  }

  @Test
  void tiered_requests_that_need_mongodb_fail_retryable_and_everything_comes_back() throws Exception {
    try (MongoServers.Server mongo = MongoServers.start();
        TierFixture f = new TierFixture(MongoSettings.of(mongo.connectionString())
            .withDatabase(MongoServers.newDatabase()).withTimeout(Duration.ofMillis(800)))) {
      RedisBackend backend = RedisBackend.connect(RedisSettings.single(f.redisNode.uri()));
      TieredQueueStore store = TieredQueueStore.open(backend, f.settings(false).withThreshold(Duration.ZERO)
          .withMoveInterval(Duration.ofMillis(20)), Mover.Hooks.NONE, true);
      try (PickupQueue queue = queue(backend, store)) {
        MessagePickupRepository repository = queue.openRepository();
        for (int i = 0; i < 10; i++) {
          repository.addMessage(TestFixtures.message("c", "before-" + i)).join();
        }
        TierFixture.await("the mover moved them", () -> f.hotCount("c") == 0);

        mongo.stop();
        repository.addMessage(TestFixtures.message("c", "during")).join(); // Redis alone takes it
        assertFailsRetryableWithin(6_000, () -> repository.takeFromQueue(
            new TakeFromQueueOptions("c", null, 100, null, true)));
        assertFalse(queue.isReady(), "not ready while MongoDB is down");

        mongo.restart();
        List<QueuedMessage> all = answeredWithin(Duration.ofSeconds(20), () -> repository.takeFromQueue(
            new TakeFromQueueOptions("c", null, 100, null, true)));
        TierFixture.await("ready again", queue::isReady);
        Set<String> texts = new HashSet<>();
        all.forEach(m -> texts.add(m.encryptedMessage().json()));
        assertEquals(11, all.size(), "the 10 moved before the outage and the one during it, once each");
        assertEquals(11, texts.size());
        assertEquals(0, repository.getAvailableMessageCount(new GetAvailableMessageCountOptions("c", null)).join());
      }
    }
  }

  @Test
  void write_through_appends_fail_retryable_while_mongodb_is_down_and_the_mover_resumes() throws Exception {
    try (MongoServers.Server mongo = MongoServers.start();
        TierFixture f = new TierFixture(MongoSettings.of(mongo.connectionString())
            .withDatabase(MongoServers.newDatabase()).withTimeout(Duration.ofMillis(800)))) {
      RedisBackend backend = RedisBackend.connect(RedisSettings.single(f.redisNode.uri()));
      // a slow step between a move's commit in Redis and its count, as on a loaded machine
      Mover.Hooks slowAfterCommit = new Mover.Hooks() {
        @Override
        public void afterCommit(String connectionId, List<String> committed) {
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
      TieredQueueStore store = TieredQueueStore.open(backend, f.settings(true).withThreshold(Duration.ofMillis(200))
          .withMoveInterval(Duration.ofMillis(20)), slowAfterCommit, true);
      try (PickupQueue queue = queue(backend, store)) {
        MessagePickupRepository repository = queue.openRepository();
        repository.addMessage(TestFixtures.message("c", "before")).join();

        mongo.stop();
        assertFailsRetryableWithin(6_000, () -> repository.addMessage(TestFixtures.message("c", "during")));

        mongo.restart();
        answeredWithin(Duration.ofSeconds(20), () -> repository.addMessage(TestFixtures.message("c", "after")));
        // the mover counts a move after its commit in Redis and the clean-up in MongoDB that follows it: wait for both
        TierFixture.await("the mover resumed and moved both",
            () -> f.hotCount("c") == 0 && store.mover().moved() >= 2);
        assertTrue(store.mover().moved() >= 2, "moved " + store.mover().moved() + ", cold " + f.coldCount(store, "c"));
        List<QueuedMessage> all = repository.takeFromQueue(new TakeFromQueueOptions("c", null, 100, null, true)).join();
        assertEquals(List.of("before", "after"), all.stream().map(m -> m.encryptedMessage().json()
            .replaceAll(".*\"ciphertext\":\"([^\"]*)\".*", "$1")).toList());
      }
    }
  }

  @Test
  void a_store_cannot_start_without_mongodb() {
    try (TierFixture f = new TierFixture(MongoSettings.of("mongodb://127.0.0.1:1").withTimeout(Duration.ofMillis(300)))) {
      assertThrows(RuntimeException.class, () -> f.store(false));
    }
  }
}
