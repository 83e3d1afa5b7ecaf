package io.github.mpr4j.push.internal;

import io.github.mpr4j.push.PushStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The counters of one provider; lock-free on the recording side. */
public final class ProviderMetrics {
  private static final double[] BOUNDS =
      PushStats.LATENCY_BUCKETS_SECONDS.stream().mapToDouble(Double::doubleValue).toArray();

  private final String provider;
  private final LongAdder sent = new LongAdder();
  private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
  private final LongAdder deduplicated = new LongAdder();
  private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
  private final LongAdder skippedLive = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder[] buckets = new LongAdder[BOUNDS.length];
  private final LongAdder count = new LongAdder();
  private final LongAdder sumNanos = new LongAdder();
  private volatile boolean enabled;
  private volatile LongSupplier queued = () -> 0;

  public ProviderMetrics(String provider) {
    this.provider = provider;
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  void enabled(LongSupplier queued) {
    this.queued = queued;
    this.enabled = true;
  }

  void sent(long latencyNanos) {
    sent.increment();
    double s = latencyNanos / 1e9;
    for (int i = 0; i < BOUNDS.length; i++) {
      if (s <= BOUNDS[i]) {
        buckets[i].increment();
        break;
      }
    }
    count.increment();
    sumNanos.add(latencyNanos);
  }

  void failed(String reason) {
    failed.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  void deduplicated() {
    deduplicated.increment();
  }

  public void dropped(String reason) {
    dropped.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  void skippedLive() {
    skippedLive.increment();
  }

  void retried() {
    retries.increment();
  }

  public PushStats.Provider snapshot() {
    long[] b = new long[buckets.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = buckets[i].sum();
    }
    return new PushStats.Provider(provider, enabled, sent.sum(), sums(failed), deduplicated.sum(), sums(dropped),
        skippedLive.sum(), retries.sum(), queued.getAsLong(), new PushStats.Latency(b, count.sum(), sumNanos.sum() / 1e9));
  }

  private static Map<String, Long> sums(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  static List<Double> bounds() {
    return PushStats.LATENCY_BUCKETS_SECONDS;
  }
}
