package io.github.mpr4j.core.mongo;

import static io.github.mpr4j.core.TestFixtures.answeredWithin;
import static io.github.mpr4j.core.TestFixtures.assertFailsRetryableWithin;
import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** MongoDB goes away and comes back: requests fail fast and retryable meanwhile, and nothing answered is lost. */
@Timeout(90)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MongoOutageIT {

  @Test
  void requests_during_an_outage_fail_retryable_within_the_timeout_and_work_again_after_it() throws Exception {
    try (MongoServers.Server server = MongoServers.start()) {
      MongoSettings settings = MongoSettings.of(server.connectionString()).withDatabase(MongoServers.newDatabase())
          .withTimeout(Duration.ofSeconds(1));
      try (PickupQueue queue = PickupQueue.builder().store(MongoQueueStores.connect(settings)).build()) {
        MessagePickupRepository repository = queue.openRepository();
        for (int i = 0; i < 20; i++) {
          repository.addMessage(message("c1", "before-" + i)).join();
        }

        server.stop();
        assertFailsRetryableWithin(8_000, () -> repository.addMessage(message("c1", "during")));
        assertFalse(queue.isReady(), "not ready while MongoDB is down");
        assertThrows(CompletionException.class,
            () -> repository.getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join(),
            "reads fail too");

        server.restart();
        answeredWithin(Duration.ofSeconds(20), () -> repository.addMessage(message("c1", "after")));
        assertTrue(queue.isReady());
        assertEquals(21, repository.getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join(),
            "the 20 answered before the outage and the one after");
      }
    }
  }
}
