package io.github.mpr4j.core.redis;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.embedded.QueueStoreContract;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Timeout;

/**
 * Several threads on two instances add, take (with and without delete) and remove at random on a few
 * connections. In the end every added message was consumed exactly once or is still queued: none lost,
 * none handed out twice.
 */
@Timeout(120)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisConcurrentInstancesIT {
  private static final int THREADS = 6;
  private static final int OPERATIONS = 300;
  private static final List<String> CONNECTIONS = List.of("c1", "c2", "c3");

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"a single node", "a cluster"})
  void random_operations_from_two_instances_lose_nothing_and_duplicate_nothing(String where) throws Exception {
    RedisSettings settings = where.equals("a single node")
        ? RedisSettings.single(RedisServers.single().uri())
        : RedisSettings.cluster(RedisServers.cluster().nodes());
    long seed = System.nanoTime();
    try (PickupQueue a = instance(settings); PickupQueue b = instance(settings)) {
      ConcurrentLinkedQueue<String> added = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> consumed = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> handedOut = new ConcurrentLinkedQueue<>();
      QueueStoreContract.runConcurrently(THREADS, thread -> {
        Random random = new Random(seed + thread);
        MessagePickupRepository repository = (thread % 2 == 0 ? a : b).openRepository();
        for (int i = 0; i < OPERATIONS; i++) {
          String connection = CONNECTIONS.get(random.nextInt(CONNECTIONS.size()));
          int dice = random.nextInt(10);
          if (dice < 5) {
            added.add(repository.addMessage(message(connection, "t" + thread + "-" + i)).join());
          } else if (dice < 7) {
            List<QueuedMessage> taken = repository.takeFromQueue(TakeFromQueueOptions.builder(connection)
                .limit(1 + random.nextInt(5)).deleteMessages(true).build()).join();
            taken.forEach(m -> consumed.add(m.id()));
          } else {
            List<QueuedMessage> taken = repository.takeFromQueue(TakeFromQueueOptions.builder(connection)
                .limit(1 + random.nextInt(5)).build()).join();
            List<String> ids = taken.stream().map(QueuedMessage::id).toList();
            handedOut.addAll(ids);
            repository.removeMessages(new RemoveMessagesOptions(connection, ids)).join();
            consumed.addAll(ids);
          }
        }
      });
      List<String> remaining = new ArrayList<>();
      MessagePickupRepository drain = a.openRepository();
      for (String connection : CONNECTIONS) {
        drain.takeFromQueue(TakeFromQueueOptions.builder(connection).limit(10_000).deleteMessages(true).build()).join()
            .forEach(m -> remaining.add(m.id()));
      }

      List<String> all = new ArrayList<>(consumed);
      all.addAll(remaining);
      Set<String> distinct = new HashSet<>(all);
      assertEquals(all.size(), distinct.size(), "no message was handed out twice (seed " + seed + ")");
      assertEquals(new HashSet<>(added), distinct, "every added message, and only those (seed " + seed + ")");
      assertTrue(handedOut.size() > 0 && consumed.size() > handedOut.size(), "both kinds of take ran");
    }
  }

  private static PickupQueue instance(RedisSettings settings) {
    RedisBackend redis = RedisBackend.connect(settings);
    return PickupQueue.builder().backend(redis).build();
  }
}
