package io.github.mpr4j.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Writes the few JSON shapes of the client's requests straight into a {@link ByteBuf} as UTF-8: no
 * generator, context or intermediate string per request. Commas are the caller's business: {@link #field}
 * writes one before every field but the first of an object.
 */
final class JsonOut {
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private final ByteBuf buf;
  /** Whether the next field or element of the current object or array needs a comma. */
  private boolean comma;

  JsonOut(ByteBuf buf) {
    this.buf = buf;
  }

  JsonOut startObject() {
    separator();
    buf.writeByte('{');
    comma = false;
    return this;
  }

  JsonOut endObject() {
    buf.writeByte('}');
    comma = true;
    return this;
  }

  JsonOut startArray() {
    separator();
    buf.writeByte('[');
    comma = false;
    return this;
  }

  JsonOut endArray() {
    buf.writeByte(']');
    comma = true;
    return this;
  }

  /** A member name and its colon; the value follows. */
  JsonOut field(String name) {
    separator();
    string(name);
    buf.writeByte(':');
    comma = false;
    return this;
  }

  JsonOut value(String s) {
    separator();
    string(s);
    comma = true;
    return this;
  }

  JsonOut value(long n) {
    separator();
    ByteBufUtil.writeAscii(buf, Long.toString(n));
    comma = true;
    return this;
  }

  JsonOut value(boolean b) {
    separator();
    ByteBufUtil.writeAscii(buf, b ? "true" : "false");
    comma = true;
    return this;
  }

  /** JSON text that is already valid (an encrypted message), copied as UTF-8. */
  JsonOut raw(String json) {
    separator();
    ByteBufUtil.writeUtf8(buf, json);
    comma = true;
    return this;
  }

  JsonOut field(String name, String value) {
    return field(name).value(value);
  }

  private void separator() {
    if (comma) {
      buf.writeByte(',');
      comma = false;
    }
  }

  private void string(String s) {
    buf.writeByte('"');
    int n = s.length();
    int plainFrom = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        if (i > plainFrom) {
          ByteBufUtil.writeUtf8(buf, s, plainFrom, i);
        }
        buf.writeByte('\\');
        switch (c) {
          case '"' -> buf.writeByte('"');
          case '\\' -> buf.writeByte('\\');
          case '\n' -> buf.writeByte('n');
          case '\r' -> buf.writeByte('r');
          case '\t' -> buf.writeByte('t');
          default -> {
            buf.writeByte('u').writeByte('0').writeByte('0');
            buf.writeByte(HEX[c >> 4]).writeByte(HEX[c & 0xf]);
          }
        }
        plainFrom = i + 1;
      }
    }
    if (n > plainFrom) {
      ByteBufUtil.writeUtf8(buf, s, plainFrom, n);
    }
    buf.writeByte('"');
  }
}
