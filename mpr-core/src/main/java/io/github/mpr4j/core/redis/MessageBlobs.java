package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The value a message is kept as in Redis: {@code receivedAt} (8 bytes), the number of recipients and each
 * recipient (varint length and UTF-8), then the payload's UTF-8 JSON text to the end.
 */
final class MessageBlobs {
  private MessageBlobs() {}

  static byte[] encode(StoredMessage m) {
    byte[] payload = m.payload().utf8();
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 16 + 48 * m.recipientDids().size());
    writeLong(out, m.receivedAtMillis());
    writeVarint(out, m.recipientDids().size());
    for (String did : m.recipientDids()) {
      byte[] b = did.getBytes(StandardCharsets.UTF_8);
      writeVarint(out, b.length);
      out.write(b, 0, b.length);
    }
    out.write(payload, 0, payload.length);
    return out.toByteArray();
  }

  static StoredMessage decode(String id, String connectionId, long sendingUntilMillis, byte[] blob) {
    ByteBuffer in = ByteBuffer.wrap(blob);
    long receivedAt = in.getLong();
    int n = readVarint(in);
    List<String> dids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = readVarint(in);
      dids.add(new String(blob, in.position(), len, StandardCharsets.UTF_8));
      in.position(in.position() + len);
    }
    byte[] payload = Arrays.copyOfRange(blob, in.position(), blob.length);
    return new StoredMessage(id, connectionId, dids, receivedAt, EncryptedMessage.ofJsonUtf8(payload),
        sendingUntilMillis);
  }

  private static void writeLong(ByteArrayOutputStream out, long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
  }

  private static void writeVarint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static int readVarint(ByteBuffer in) {
    int v = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      byte b = in.get();
      v |= (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IllegalStateException("malformed message record");
  }
}
