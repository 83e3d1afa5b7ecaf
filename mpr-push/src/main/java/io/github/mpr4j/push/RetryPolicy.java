package io.github.mpr4j.push;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How transient provider failures (server errors, rate limiting, connection failures) are retried:
 * exponential backoff from {@code initialBackoff}, doubled per attempt up to {@code maxBackoff}, each delay
 * shortened by a random part of up to {@code jitter} of it. Permanent rejections (an unregistered or invalid
 * token) are never retried.
 *
 * @param maxAttempts attempts in all, the first included (1: no retry)
 * @param initialBackoff the delay before the second attempt
 * @param maxBackoff the longest delay
 * @param jitter from 0 (none) to 1 (a delay anywhere from 0 to the backoff)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter) {

  /** 5 attempts, 200 ms doubling up to 10 s, 20 % jitter. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoffs must satisfy 0 <= initialBackoff <= maxBackoff, not "
          + initialBackoff + " and " + maxBackoff);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be from 0 to 1, not " + jitter);
    }
  }

  /** No retry: one attempt. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0);
  }

  /**
   * The delay before attempt {@code attempt + 1}, after attempt {@code attempt} (from 1) failed.
   */
  public Duration delayAfter(int attempt) {
    long initial = initialBackoff.toNanos();
    long max = maxBackoff.toNanos();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long backoff = initial > (max >> shift) ? max : Math.min(max, initial << shift);
    long cut = (long) (backoff * jitter * ThreadLocalRandom.current().nextDouble());
    return Duration.ofNanos(backoff - cut);
  }
}
