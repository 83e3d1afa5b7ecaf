package io.github.mpr4j.push;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RetryPolicyTest {

  @Test
  void delaysDoubleUpToTheMaximumAndJitterOnlyShortensThem() {
    RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0.5);
    for (int i = 0; i < 200; i++) {
      long first = p.delayAfter(1).toMillis();
      long third = p.delayAfter(3).toMillis();
      long late = p.delayAfter(40).toMillis();
      assertTrue(first >= 50 && first <= 100, "after attempt 1: " + first);
      assertTrue(third >= 200 && third <= 400, "after attempt 3: " + third);
      assertTrue(late >= 500 && late <= 1000, "capped: " + late);
    }
  }

  @Test
  void settingsOutOfRangeAreRefusedWithTheirName() {
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), 0));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 1.5));
  }
}
