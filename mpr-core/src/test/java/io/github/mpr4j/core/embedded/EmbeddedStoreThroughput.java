package io.github.mpr4j.core.embedded;

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
 * connections, then the heap in use and the file size are printed, the store is closed and reopened (the
 * open time is printed), and the queue is drained.
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

    // 1,024 different payloads of random base64url, like real JWE ciphertexts: a repeated payload would make
    // page compression look free
    java.util.Random random = new java.util.Random(42);
    EncryptedMessage[] payloads = new EncryptedMessage[1024];
    for (int p = 0; p < payloads.length; p++) {
      byte[] bytes = new byte[payloadBytes];
      random.nextBytes(bytes);
      String ciphertext = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)
          .substring(0, payloadBytes - 17);
      payloads[p] = EncryptedMessage.ofJson("{\"ciphertext\":\"" + ciphertext + "\"}");
    }
    EncryptedMessage payload = payloads[0];
    System.gc();
    long heapBefore = heapInUse();
    EmbeddedStoreSettings settings = new EmbeddedStoreSettings(dir, cacheMb, fsync);
    QueueStore store = QueueStores.embedded(settings);
    try {
      QueueStore appender = store;
      AtomicLong next = new AtomicLong();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w = new Thread(() -> {
          awaitQuietly(start);
          for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
            appender.append(new StoredMessage("msg-" + i, "conn-" + (i % connections), List.of("did:example:r"),
                System.currentTimeMillis(), payloads[(int) (i % payloads.length)], 0));
          }
        });
        w.start();
        workers.add(w);
      }
      long versionBefore = ((MvQueueStore) store).mvStore().getCurrentVersion();
      long writtenBefore = bytesWritten();
      long cpuBefore = processCpuNanos();
      long begin = System.nanoTime();
      start.countDown();
      for (Thread w : workers) {
        w.join();
      }
      double seconds = (System.nanoTime() - begin) / 1e9;
      System.out.printf("%d appends of %d B from %d threads (fsync %s): %.2f s, %.0f appends/s%n",
          total, payload.byteSize(), threads, fsync, seconds, total / seconds);
      System.out.printf("per append: %.0f us of process CPU, %.0f bytes written by the process%n",
          (processCpuNanos() - cpuBefore) / 1e3 / total, (double) (bytesWritten() - writtenBefore) / total);
      long commits = ((MvQueueStore) store).mvStore().getCurrentVersion() - versionBefore;
      System.out.printf("%d commits (MVStore versions), %.1f appends a commit%n", commits, (double) total / commits);
      System.gc();
      long heap = heapInUse();
      long fileBytes = Files.size(dir.resolve(MvQueueStore.FILE_NAME));
      System.out.printf("heap in use after GC with %d messages queued: %d MiB (%d MiB more than before the store"
          + " was opened, page cache of %d MiB included); file %d MiB (%d bytes a message)%n",
          total, heap >> 20, (heap - heapBefore) >> 20, cacheMb, fileBytes >> 20, fileBytes / total);

      store.close();
      long openBegin = System.nanoTime();
      store = QueueStores.embedded(settings);
      System.out.printf("reopened with %d messages queued in %d ms%n", total,
          (System.nanoTime() - openBegin) / 1_000_000);

      long drainBegin = System.nanoTime();
      int drained = 0;
      for (int c = 0; c < connections; c++) {
        drained += store.take(new TakeRequest("conn-" + c, null, Integer.MAX_VALUE, Long.MAX_VALUE, true,
            System.currentTimeMillis(), 0)).size();
      }
      System.out.printf("drained %d messages in %.2f s%n", drained, (System.nanoTime() - drainBegin) / 1e9);
    } finally {
      store.close();
    }
  }

  private static long heapInUse() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** Bytes this process has passed to write calls so far (Linux {@code /proc/self/io}), or 0 elsewhere. */
  private static long bytesWritten() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
        if (line.startsWith("wchar:")) {
          return Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (Exception e) {
      // not Linux: report 0
    }
    return 0;
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
