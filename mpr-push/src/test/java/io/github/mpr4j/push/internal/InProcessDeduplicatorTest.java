package io.github.mpr4j.push.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InProcessDeduplicatorTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final InProcessDeduplicator dedup = new InProcessDeduplicator(now::get);
  private static final Duration WINDOW = Duration.ofSeconds(5);

  @Test
  void aTokenGetsOneSlotPerWindow() {
    assertTrue(dedup.tryAcquire("apns:a", WINDOW));
    assertFalse(dedup.tryAcquire("apns:a", WINDOW));
    now.addAndGet(Duration.ofMillis(4_999).toNanos());
    assertFalse(dedup.tryAcquire("apns:a", WINDOW));
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertTrue(dedup.tryAcquire("apns:a", WINDOW), "free again when the window is over");
  }

  @Test
  void tokensDoNotShareSlots() {
    assertTrue(dedup.tryAcquire("apns:a", WINDOW));
    assertTrue(dedup.tryAcquire("apns:b", WINDOW));
    assertTrue(dedup.tryAcquire("fcm:a", WINDOW));
  }

  @Test
  void expiredSlotsAreSweptAsItGoes() {
    for (int i = 0; i < 1000; i++) {
      dedup.tryAcquire("fcm:" + i, WINDOW);
    }
    now.addAndGet(WINDOW.toNanos() + 1);
    for (int i = 0; i < InProcessDeduplicator.SWEEP_EVERY; i++) {
      dedup.tryAcquire("fcm:same", WINDOW);
    }
    assertEquals(1, dedup.size());
  }
}
