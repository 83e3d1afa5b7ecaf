package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The futures of the calls complete on the completion executor, not on the client's I/O thread. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompletionExecutorIT {

  /** A call with a stage added before the (scripted) server answers it. */
  private static <T> CompletableFuture<T> answeredAfter(ScriptedServer scripted, MprClient client,
      Function<Integer, T> stage) throws InterruptedException {
    CompletableFuture<T> f = client.getAvailableMessageCount(GetAvailableMessageCountOptions.of("completion"))
        .thenApply(stage);
    scripted.answer(scripted.nextCall(Fixtures.WAIT), "3");
    return f;
  }

  private static String thread(Integer ignored) {
    return Thread.currentThread().getName();
  }

  @Test
  void byDefaultStagesRunOnThreadsOfTheClientsOwnAndOneThatBlocksDoesNotStallTheOtherCalls() throws Exception {
    try (ScriptedServer scripted = new ScriptedServer();
         MprClient client = Fixtures.client(scripted.uri()).build()) {
      get(client.whenConnected());
      String thread = get(answeredAfter(scripted, client, CompletionExecutorIT::thread));
      assertTrue(thread.contains("-completions-"), "ran on " + thread);

      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Boolean> blocked = answeredAfter(scripted, client, n -> {
        try {
          return release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
      try {
        for (int i = 0; i < 3; i++) {
          assertEquals("3", get(answeredAfter(scripted, client, String::valueOf)),
              "answered while a stage of another call blocks");
        }
        assertFalse(blocked.isDone());
      } finally {
        release.countDown();
      }
      assertTrue(get(blocked));
    }
  }

  @Test
  void aGivenExecutorRunsTheStagesAndRunnableRunKeepsThemOnTheIoThread() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completions"));
    try (ScriptedServer scripted = new ScriptedServer()) {
      try (MprClient given = Fixtures.client(scripted.uri()).completionExecutor(pool).build()) {
        get(given.whenConnected());
        assertEquals("test-completions", get(answeredAfter(scripted, given, CompletionExecutorIT::thread)));
      }
      try (MprClient direct = Fixtures.client(scripted.uri()).completionExecutor(Runnable::run).build()) {
        get(direct.whenConnected());
        String io = get(answeredAfter(scripted, direct, CompletionExecutorIT::thread));
        assertTrue(io.contains("-io-"), "ran on " + io);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
