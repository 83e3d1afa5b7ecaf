package io.github.mpr4j.core.redis;

import io.github.mpr4j.core.internal.Varints;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The blob Java writes for a message: {@code receivedAt} (8 bytes), the number of recipients and each
 * recipient (varint length and UTF-8), then the payload's UTF-8 JSON text to the end. Redis keeps it in a
 * record behind the script's meta: the meta's length (4 bytes, big-endian), the meta, then the blob.
 */
final class MessageBlobs {
  private MessageBlobs() {}

  static byte[] encode(StoredMessage m) {
    List<byte[]> dids = new ArrayList<>(m.recipientDids().size());
    int size = Long.BYTES + Varints.size(m.recipientDids().size()) + m.payload().byteSize();
    for (String did : m.recipientDids()) {
      byte[] b = did.getBytes(StandardCharsets.UTF_8);
      dids.add(b);
      size += Varints.size(b.length) + b.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putLong(m.receivedAtMillis());
    Varints.put(out, dids.size());
    for (byte[] b : dids) {
      Varints.put(out, b.length);
      out.put(b);
    }
    m.payload().writeUtf8(out);
    return out.array();
  }

  /** Decodes a record as the script returns it: the meta (skipped), then the blob. */
  static StoredMessage decode(String id, String connectionId, long sendingUntilMillis, byte[] record) {
    ByteBuffer in = ByteBuffer.wrap(record);
    int metaLength = in.getInt();
    if (metaLength < 0 || metaLength > record.length - Integer.BYTES) {
      throw new IllegalStateException("a record of message " + id + " is malformed (meta length " + metaLength + ")");
    }
    in.position(Integer.BYTES + metaLength);
    long receivedAt = in.getLong();
    int n = Varints.get(in);
    List<String> dids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = Varints.get(in);
      dids.add(new String(record, in.position(), len, StandardCharsets.UTF_8));
      in.position(in.position() + len);
    }
    EncryptedMessage payload = EncryptedMessage.ofJsonUtf8(record, in.position(), record.length - in.position());
    return new StoredMessage(id, connectionId, dids, receivedAt, payload, sendingUntilMillis);
  }
}
