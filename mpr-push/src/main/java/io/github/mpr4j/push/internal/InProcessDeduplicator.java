package io.github.mpr4j.push.internal;

import io.github.mpr4j.push.PushDeduplicator;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** One slot per token in a map; expired slots are swept every {@value #SWEEP_EVERY} acquisitions. */
public final class InProcessDeduplicator implements PushDeduplicator {
  static final int SWEEP_EVERY = 4096;

  private final LongSupplier nanoClock;
  private final Map<String, Long> expiries = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicBoolean sweeping = new AtomicBoolean();

  public InProcessDeduplicator(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  @Override
  public boolean tryAcquire(String tokenKey, Duration window) {
    long now = nanoClock.getAsLong();
    long until = now + window.toNanos();
    boolean[] acquired = {false};
    expiries.compute(tokenKey, (k, expiry) -> {
      if (expiry != null && expiry - now > 0) {
        return expiry;
      }
      acquired[0] = true;
      return until;
    });
    if (calls.incrementAndGet() % SWEEP_EVERY == 0 && sweeping.compareAndSet(false, true)) {
      try {
        expiries.entrySet().removeIf(e -> e.getValue() - now <= 0);
      } finally {
        sweeping.set(false);
      }
    }
    return acquired[0];
  }

  /** Slots held now, expired or not (for tests). */
  int size() {
    return expiries.size();
  }
}
