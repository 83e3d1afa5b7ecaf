package io.github.mpr4j.core.postgres;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.TestFixtures;
import io.github.mpr4j.core.TestFixtures.RecordingPushNotifier;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A PostgreSQL server that hangs (its processes stopped with SIGSTOP: the sockets stay open, nothing answers):
 * a call fails within about the socket timeout instead of waiting for ever, and the store works again once
 * the server continues.
 */
@Timeout(90)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostgresHungDatabaseIT {

  @Test
  void a_call_to_a_hung_database_fails_within_about_the_socket_timeout_and_works_again_after_it_continues()
      throws Exception {
    try (PostgresServers.Server server = PostgresServers.start()) {
      PostgresSettings settings = PostgresSettings.of(server.newDatabase() + "?user=mpr")
          .withStatementTimeout(Duration.ofSeconds(1));
      assertEquals(Duration.ofSeconds(3), settings.socketTimeout(), "derived: the statement timeout plus 2 s");
      try (PostgresBackend backend = PostgresBackend.open(settings, Duration.ofSeconds(30));
          PickupQueue queue = PickupQueue.builder().backend(backend).pushNotifier(new RecordingPushNotifier())
              .build()) {
        MessagePickupRepository repository = queue.openRepository();
        repository.addMessage(message("c1", "before")).join();

        long failedAfterMillis;
        server.pause();
        try {
          long start = System.nanoTime();
          assertThrows(ExecutionException.class,
              () -> repository.addMessage(message("c1", "while hung")).get(30, TimeUnit.SECONDS));
          failedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        } finally {
          server.resume();
        }
        System.out.println("hung database: the first call failed after " + failedAfterMillis + " ms");
        assertTrue(failedAfterMillis < 8_000, "failed after " + failedAfterMillis + " ms");

        TestFixtures.eventually("the store works again", () -> {
          try {
            repository.addMessage(message("c1", "after")).get(10, TimeUnit.SECONDS);
            return true;
          } catch (Exception e) {
            return false;
          }
        });
        assertTrue(repository.getAvailableMessageCount(new GetAvailableMessageCountOptions("c1", null)).join() >= 2);
      }
    }
  }
}
