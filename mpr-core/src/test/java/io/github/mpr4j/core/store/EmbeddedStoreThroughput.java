package io.github.mpr4j.core.store;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rough measure of the embedded store's append rate (not a test, not a JMH benchmark): {@code threads}
 * threads append {@code total} messages with payloads of {@code payloadBytes} to {@code connections}
 * connections, then the heap in use and the file size are printed, and the queue is drained.
 *
 * <p>Arguments: {@code directory threads payloadBytes total connections fsync cacheMb}.
 */
public final class EmbeddedStoreThroughput {
  private EmbeddedStoreThroughput() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/throughput");
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int payloadBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    int total = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
    int connections = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
    boolean fsync = args.length > 5 && Boolean.parseBoolean(args[5]);
    int cacheMb = args.length > 6 ? Integer.parseInt(args[6]) : 32;

    EncryptedMessage payload = EncryptedMessage.ofJson(
        "{\"ciphertext\":\"" + "x".repeat(payloadBytes - 17) + "\"}");
    try (QueueStore store = QueueStores.embedded(new EmbeddedStoreSettings(dir, cacheMb, fsync))) {
      AtomicLong next = new AtomicLong();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w = new Thread(() -> {
          awaitQuietly(start);
          for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
            store.append(new StoredMessage("msg-" + i, "conn-" + (i % connections), List.of("did:example:r"),
                System.currentTimeMillis(), payload, 0));
          }
        });
        w.start();
        workers.add(w);
      }
      long begin = System.nanoTime();
      start.countDown();
      for (Thread w : workers) {
        w.join();
      }
      double seconds = (System.nanoTime() - begin) / 1e9;
      System.out.printf("%d appends of %d B from %d threads (fsync %s): %.2f s, %.0f appends/s%n",
          total, payload.byteSize(), threads, fsync, seconds, total / seconds);
      System.gc();
      Runtime rt = Runtime.getRuntime();
      System.out.printf("heap in use after GC with %d messages queued: %d MiB; file %d MiB%n", total,
          (rt.totalMemory() - rt.freeMemory()) >> 20, Files.size(dir.resolve(MvQueueStore.FILE_NAME)) >> 20);

      long drainBegin = System.nanoTime();
      int drained = 0;
      for (int c = 0; c < connections; c++) {
        drained += store.take(new TakeRequest("conn-" + c, null, Integer.MAX_VALUE, Long.MAX_VALUE, true,
            System.currentTimeMillis(), 0)).size();
      }
      System.out.printf("drained %d messages in %.2f s%n", drained, (System.nanoTime() - drainBegin) / 1e9);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
