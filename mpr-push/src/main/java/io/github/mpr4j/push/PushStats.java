package io.github.mpr4j.push;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the push counters, one entry per provider ({@code "fcm"}, {@code "apns"}), whether
 * configured or not. Counters only grow.
 *
 * @param providers by provider name, in a stable order
 */
public record PushStats(Map<String, Provider> providers) {

  /** The upper bounds of the latency buckets, in seconds. */
  public static final List<Double> LATENCY_BUCKETS_SECONDS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0);

  public PushStats {
    providers = Map.copyOf(Objects.requireNonNull(providers, "providers"));
  }

  /** The stats of one provider; an empty one for an unknown name. */
  public Provider provider(String name) {
    Provider p = providers.get(name);
    return p != null ? p : new Provider(name, false, 0, Map.of(), 0, Map.of(), 0, 0, 0,
        new Latency(new long[LATENCY_BUCKETS_SECONDS.size()], 0, 0));
  }

  /**
   * The counters of one provider.
   *
   * @param name {@code "fcm"} or {@code "apns"}
   * @param enabled whether the provider is configured and open
   * @param sent notifications the provider accepted
   * @param failed notifications given up on, by reason: {@code unregistered}, {@code invalid_token},
   *     {@code rejected} (other permanent rejections), {@code unavailable} (transient failures after the last
   *     retry)
   * @param deduplicated notifications not sent because one for the same token was sent (or queued) within
   *     the window
   * @param dropped notifications not sent, by reason: {@code queue_full}, {@code provider_off},
   *     {@code shutdown}
   * @param skippedLive notifications not sent because a live session existed at send time
   * @param retries attempts repeated after a transient failure
   * @param queued notifications waiting in the queue now
   * @param latency from the notify call to the provider's acceptance, of sent notifications
   */
  public record Provider(String name, boolean enabled, long sent, Map<String, Long> failed, long deduplicated,
      Map<String, Long> dropped, long skippedLive, long retries, long queued, Latency latency) {
    public Provider {
      failed = Map.copyOf(failed);
      dropped = Map.copyOf(dropped);
    }

    /** All failures, whatever the reason. */
    public long failedTotal() {
      return failed.values().stream().mapToLong(Long::longValue).sum();
    }

    /** All drops, whatever the reason. */
    public long droppedTotal() {
      return dropped.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * A latency histogram.
   *
   * @param bucketCounts per bucket of {@link #LATENCY_BUCKETS_SECONDS}, not cumulative: observations above
   *     the previous bound and at most this one (larger ones count only in {@code count})
   * @param count observations
   * @param sumSeconds their sum
   */
  public record Latency(long[] bucketCounts, long count, double sumSeconds) {
    public Latency {
      bucketCounts = bucketCounts.clone();
    }

    @Override
    public long[] bucketCounts() {
      return bucketCounts.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Latency l && java.util.Arrays.equals(bucketCounts, l.bucketCounts) && count == l.count
          && Double.compare(sumSeconds, l.sumSeconds) == 0;
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bucketCounts) * 31 + Long.hashCode(count);
    }

    @Override
    public String toString() {
      return "Latency{count=" + count + ", sumSeconds=" + sumSeconds + ", buckets="
          + java.util.Arrays.toString(bucketCounts) + "}";
    }
  }
}
