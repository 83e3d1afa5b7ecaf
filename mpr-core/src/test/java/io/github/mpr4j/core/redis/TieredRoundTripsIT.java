package io.github.mpr4j.core.redis;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.mpr4j.core.mongo.MongoServers;
import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.tiering.TieredStores;
import io.github.mpr4j.core.tiering.TieringSettings;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tiered store costs Redis what the Redis store does: one command per addMessage (a second only for the
 * first message of an empty connection, which enters the mover's index) and one per take, once the
 * connection's cold tier is known to hold nothing visible. The mover is idle here (a long interval).
 */
class TieredRoundTripsIT extends RedisRoundTripsIT {

  @Override
  Backend backend(RedisBackend redis) {
    return TieredStores.connect(redis, TieringSettings.of(MongoServers.settings())
        .withLeaseTtl(Duration.ofMinutes(30)).withMoveInterval(Duration.ofMinutes(10)));
  }

  @Test
  void the_first_add_to_an_empty_connection_also_enters_the_index() throws Exception {
    Map<String, Long> calls = during(() -> repository().addMessage(message("c2", "first")).join());

    assertEquals(Map.of("evalsha", 2L), calls);
  }

  @Override
  @Test
  void a_take_is_one_command_whatever_it_returns() throws Exception {
    for (int i = 0; i < 50; i++) {
      repository().addMessage(message("c1", "m" + i)).join();
    }
    // the first take looks at MongoDB once and records that it holds nothing of c1
    repository().takeFromQueue(TakeFromQueueOptions.builder("c1").limit(1).build()).join();

    Map<String, Long> calls = during(() -> repository().takeFromQueue(
        TakeFromQueueOptions.builder("c1").limit(50).deleteMessages(true).build()).join());

    assertEquals(Map.of("evalsha", 1L), calls);
  }
}
