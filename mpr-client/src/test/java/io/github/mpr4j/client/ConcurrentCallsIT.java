package io.github.mpr4j.client;

import static io.github.mpr4j.client.Fixtures.get;
import static io.github.mpr4j.client.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import io.github.mpr4j.server.testing.MprTestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrentCallsIT {

  @Test
  void sixtyFourCallsFromEightThreadsAreEachAnsweredOnce() throws Exception {
    try (MprTestServer server = MprTestServer.start();
         MprClient client = Fixtures.client(server.wsUri()).build()) {
      get(client.whenConnected());
      List<CompletableFuture<String>> calls = new CopyOnWriteArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        Thread th = new Thread(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < 8; i++) {
            calls.add(client.addMessage(message("concurrent-" + thread, i)));
          }
        });
        th.start();
        threads.add(th);
      }
      start.countDown();
      for (Thread th : threads) {
        th.join(10_000);
      }
      assertEquals(64, calls.size());
      Set<String> ids = new HashSet<>();
      for (CompletableFuture<String> c : calls) {
        ids.add(get(c));
      }
      assertEquals(64, ids.size(), "distinct message ids");
      Set<String> stored = new HashSet<>();
      for (int t = 0; t < 8; t++) {
        assertEquals(8, get(client.getAvailableMessageCount(GetAvailableMessageCountOptions.of("concurrent-" + t))));
        List<QueuedMessage> queue = get(client.takeFromQueue(TakeFromQueueOptions.builder("concurrent-" + t).build()));
        // the server serves pipelined requests in parallel, so only the set is certain, not the order
        Set<String> payloads = new HashSet<>();
        queue.forEach(q -> payloads.add(q.encryptedMessage().json()));
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 8; i++) {
          expected.add(Fixtures.jwe(i).json());
        }
        assertEquals(expected, payloads);
        queue.forEach(q -> stored.add(q.id()));
      }
      assertEquals(ids, stored);
    }
  }
}
