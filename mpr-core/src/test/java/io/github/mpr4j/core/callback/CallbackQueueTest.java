package io.github.mpr4j.core.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.TestFixtures;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's entry point into the core, over the in-memory queue and the embedded registry. */
@Timeout(30)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CallbackQueueTest {
  private static final String CLIENT = "5f0c6a52-7c1b-4d3e-9a0f-2b7e6d1c4a90";

  @TempDir
  Path dir;

  @Test
  void a_notification_goes_to_the_queue_it_was_built_over_and_its_repositories_see_it() {
    try (PickupQueue queue = PickupQueue.builder().build();
        CallbackQueue callbacks = CallbackQueue.over(queue, CallbackRegistries.inMemory());
        MessagePickupRepository repository = callbacks.openRepository()) {
      long now = System.currentTimeMillis();
      callbacks.registry().create(CLIENT, now, now + 60_000);

      CallbackAdd added = callbacks.addIfRegistered(CLIENT,
          TestFixtures.message(CallbackRegistry.connectionId(CLIENT), "n1"), 10).join();

      assertEquals(CallbackAdd.Status.PENDING, added.status());
      assertEquals(1, repository.getAvailableMessageCount(
          new GetAvailableMessageCountOptions(CallbackRegistry.connectionId(CLIENT), null)).join());
    }
  }

  @Test
  void closing_it_closes_the_registry_and_leaves_the_queue_open() {
    try (PickupQueue queue = PickupQueue.builder().build()) {
      CallbackQueue.over(queue, CallbackRegistries.embedded(dir)).close();

      try (CallbackRegistry reopened = CallbackRegistries.embedded(dir);
          MessagePickupRepository repository = queue.openRepository()) {
        assertTrue(reopened.create(CLIENT, 0, 1000), "the registry's file was released");
        assertEquals(0, repository.getAvailableMessageCount(
            new GetAvailableMessageCountOptions("c1", null)).join());
      }
    }
  }

  @Test
  void a_queue_that_the_builder_did_not_build_is_refused_with_a_clear_message() {
    PickupQueue foreign = new PickupQueue() {
      @Override
      public MessagePickupRepository openRepository() {
        throw new UnsupportedOperationException();
      }

      @Override
      public String instanceId() {
        return "foreign";
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public Settings settings() {
        return Settings.defaults();
      }

      @Override
      public void close(Duration gracePeriod) {}
    };

    try (CallbackRegistry registry = CallbackRegistries.inMemory()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> CallbackQueue.over(foreign, registry));

      assertTrue(e.getMessage().contains("PickupQueue.builder()"), e.getMessage());
    }
  }
}
