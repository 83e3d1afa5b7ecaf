package io.github.mpr4j.core.redis;

import static io.github.mpr4j.core.TestFixtures.answeredWithin;
import static io.github.mpr4j.core.TestFixtures.assertFailsRetryableWithin;
import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.time.Duration;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redis goes away and comes back: requests fail fast and retryable meanwhile, and nothing answered is lost. */
@Timeout(90)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisOutageIT {

  @Test
  void requests_during_an_outage_fail_retryable_within_the_timeout_and_work_again_after_it() throws Exception {
    try (RedisServers.Node node = RedisServers.durableSingle()) {
      RedisBackend redis = RedisBackend.connect(RedisSettings.single(node.uri()).withTimeout(Duration.ofSeconds(1)));
      try (PickupQueue queue = PickupQueue.builder().backend(redis).build()) {
        MessagePickupRepository repository = queue.openRepository();
        for (int i = 0; i < 20; i++) {
          repository.addMessage(message("c1", "before-" + i)).join();
        }

        node.kill();
        assertFailsRetryableWithin(8_000, () -> repository.addMessage(message("c1", "during")));
        assertTrue(!queue.isReady(), "not ready while Redis is down");

        node.restart();
        answeredWithin(Duration.ofSeconds(20), () -> repository.addMessage(message("c1", "after")));
        assertTrue(queue.isReady());
        assertEquals(21, repository.getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join(),
            "the 20 answered before the crash and the one after");
      }
    }
  }
}
