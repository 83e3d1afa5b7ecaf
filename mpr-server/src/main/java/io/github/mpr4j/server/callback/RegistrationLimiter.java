package io.github.mpr4j.server.callback;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** New registrations per source address per minute: a fixed one-minute window per address. */
final class RegistrationLimiter {
  private static final long WINDOW_MILLIS = 60_000;

  private final int perMinute;
  private final Clock clock;
  /** address -> {window start, count}; updated under compute. */
  private final Map<String, long[]> windows = new ConcurrentHashMap<>();

  RegistrationLimiter(int perMinute, Clock clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /** Counts one registration for the address; false (and not counted) when its window is full. */
  boolean tryAcquire(String address) {
    long now = clock.millis();
    boolean[] ok = {false};
    windows.compute(address, (a, w) -> {
      if (w == null || now - w[0] >= WINDOW_MILLIS) {
        w = new long[] {now, 0};
      }
      if (w[1] < perMinute) {
        w[1]++;
        ok[0] = true;
      }
      return w;
    });
    return ok[0];
  }

  /** Drops windows that ended, so idle addresses cost nothing. */
  void forgetOld() {
    long now = clock.millis();
    windows.values().removeIf(w -> now - w[0] >= WINDOW_MILLIS);
  }
}
