package io.github.mpr4j.core.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Message ids: UUID version 7 strings (48-bit millisecond timestamp, then 74 random bits), unique without
 * coordination between instances and roughly ordered by creation time.
 */
final class MessageIds {
  private MessageIds() {}

  static String next(long nowMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (nowMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
