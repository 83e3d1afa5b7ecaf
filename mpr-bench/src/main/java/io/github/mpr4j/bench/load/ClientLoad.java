package io.github.mpr4j.bench.load;

import io.github.mpr4j.client.MprClient;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The load tool's {@code client} mode: pipelined addMessage through one {@link MprClient} (one socket), with
 * {@code inflight} calls outstanding; each answer issues the next call from the client's I/O thread. Besides
 * the rate it reports the bytes allocated by every thread of this process per call (the client's I/O and
 * callback threads do the work; the main thread sleeps), read with
 * {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, and the process's CPU time per call.
 * The client is warmed up for 5 s first.
 */
final class ClientLoad {
  private ClientLoad() {}

  static LoadTool.Result run(URI uri, int inflight, int connections, String payload, int seconds, long limit,
      LongSupplier serverCpuTicks) throws Exception {
    EncryptedMessage message = EncryptedMessage.ofJson(payload);
    AddMessageOptions[] options = new AddMessageOptions[connections];
    for (int i = 0; i < connections; i++) {
      options[i] = AddMessageOptions.of(Payloads.connectionId(i), List.of("did:key:z6MkrecipientBench"), message);
    }
    try (MprClient client = MprClient.builder().uri(uri).maxInFlight(inflight)
        .requestTimeout(Duration.ofSeconds(30)).build()) {
      client.whenConnected().get(10, TimeUnit.SECONDS);
      // warm the client's code up (JIT) before measuring
      drive(client, options, inflight, 5, 500_000, null);
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long allocated0 = allocated(threads);
      long ownCpu0 = os.getProcessCpuTime();
      long cpu0 = serverCpuTicks.getAsLong();
      long t0 = System.nanoTime();
      AtomicReference<Throwable> firstError = new AtomicReference<>();
      long[] counts = drive(client, options, inflight, seconds, limit, firstError);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long cpu1 = serverCpuTicks.getAsLong();
      long allocated1 = allocated(threads);
      long ownCpu1 = os.getProcessCpuTime();
      long answered = counts[0];
      String extra = String.format(Locale.ROOT, "client: one socket, %d in flight; allocated %.0f bytes and %.1f us"
          + " of CPU per call (all threads of the load tool's process)", inflight,
          (allocated1 - allocated0) / (double) Math.max(1, answered), (ownCpu1 - ownCpu0) / 1e3 / Math.max(1, answered));
      if (firstError.get() != null) {
        extra += "\nfirst error: " + firstError.get();
      }
      return new LoadTool.Result("client", answered, counts[1], elapsed, LoadTool.cpuPerMessage(cpu0, cpu1, answered),
          null, extra);
    }
  }

  private static long allocated(com.sun.management.ThreadMXBean threads) {
    long[] ids = threads.getAllThreadIds();
    long sum = 0;
    for (long a : threads.getThreadAllocatedBytes(ids)) {
      if (a > 0) {
        sum += a;
      }
    }
    return sum;
  }

  /** Runs calls for at most {@code seconds} and {@code limit} calls; returns {answered, errors}. */
  private static long[] drive(MprClient client, AddMessageOptions[] options, int inflight, int seconds, long limit,
      AtomicReference<Throwable> firstError) throws InterruptedException {
    AtomicLong issued = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong outstanding = new AtomicLong();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch drained = new CountDownLatch(1);
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      long n = issued.incrementAndGet();
      if (n > limit || System.nanoTime() > deadline) {
        if (outstanding.get() == 0) {
          drained.countDown();
        }
        return;
      }
      outstanding.incrementAndGet();
      client.addMessage(options[(int) (n % options.length)]).whenComplete((id, error) -> {
        outstanding.decrementAndGet();
        answered.incrementAndGet();
        if (error != null) {
          errors.incrementAndGet();
          if (firstError != null) {
            firstError.compareAndSet(null, error);
          }
        }
        next[0].run();
      });
    };
    for (int i = 0; i < inflight; i++) {
      next[0].run();
    }
    drained.await(seconds + 30L, TimeUnit.SECONDS);
    return new long[] {answered.get(), errors.get()};
  }
}
