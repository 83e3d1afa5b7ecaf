package io.github.mpr4j.core;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.TestFixtures.MutableClock;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class VisibilityTimeoutTest {
  private final MutableClock clock = new MutableClock();
  private final PickupQueue queue = PickupQueue.builder()
      .clock(clock)
      .settings(new PickupQueue.Settings(Duration.ofSeconds(60), 1000, 2, 100))
      .build();
  private final MessagePickupRepository repo = queue.openRepository();

  @AfterEach
  void close() {
    queue.close();
  }

  @Test
  void aTakenMessageIsSkippedUntilTheTimeoutThenPendingAgain() {
    String id = repo.addMessage(message("c1", "x")).join();
    assertEquals(1, repo.takeFromQueue(TakeFromQueueOptions.builder("c1").build()).join().size());

    clock.advance(Duration.ofSeconds(59));
    assertEquals(0, repo.getAvailableMessageCount(GetAvailableMessageCountOptions.of("c1")).join());
    assertTrue(repo.takeFromQueue(TakeFromQueueOptions.builder("c1").build()).join().isEmpty());

    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, repo.getAvailableMessageCount(GetAvailableMessageCountOptions.of("c1")).join());
    List<QueuedMessage> again = repo.takeFromQueue(TakeFromQueueOptions.builder("c1").build()).join();
    assertEquals(id, again.get(0).id());
  }

  @Test
  void receivedAtIsTheTimeOfAddition() {
    repo.addMessage(message("c1", "x")).join();
    clock.advance(Duration.ofSeconds(5));
    QueuedMessage m = repo.takeFromQueue(TakeFromQueueOptions.builder("c1").build()).join().get(0);
    assertEquals(clock.instant().minusSeconds(5), m.receivedAt());
  }
}
