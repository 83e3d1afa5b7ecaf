package io.github.mpr4j.core.internal;

import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 integers: 7 bits a byte, the high bit set on every byte but the last. Used by the
 * stores' record formats (embedded, Redis). Internal.
 */
public final class Varints {
  private Varints() {}

  public static int size(int value) {
    int size = 1;
    while ((value & ~0x7F) != 0) {
      value >>>= 7;
      size++;
    }
    return size;
  }

  public static void put(ByteBuffer b, int value) {
    while ((value & ~0x7F) != 0) {
      b.put((byte) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    b.put((byte) value);
  }

  public static int get(ByteBuffer b) {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int x = b.get();
      value |= (x & 0x7F) << shift;
      if (x >= 0) {
        return value;
      }
    }
    throw new IllegalStateException("malformed varint");
  }
}
