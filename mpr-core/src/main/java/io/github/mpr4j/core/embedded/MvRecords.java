package io.github.mpr4j.core.embedded;

import io.github.mpr4j.core.internal.Varints;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary layout of a message record in the embedded store (see {@link MvKeys} for the key). Written
 * once, at append; the sending deadline lives apart, in the state region, so a state change never rewrites
 * a record.
 * <pre>
 * byte      format version (2)
 * varint n, n bytes                   connectionId (UTF-8)
 * varint n, n bytes                   id (UTF-8)
 * varint k, k x (varint n, n bytes)   recipientDids (UTF-8)
 * long      receivedAtMillis
 * the rest  payload JSON (UTF-8); its length is the payload's byte size
 * </pre>
 */
final class MvRecords {
  static final byte VERSION = 2;

  private MvRecords() {}

  /** What the in-memory index needs of a record, without the payload. */
  record Header(String connectionId, List<String> recipientDids, int payloadSize) {}

  static byte[] encode(StoredMessage m) {
    byte[] connection = utf8(m.connectionId());
    byte[] id = utf8(m.id());
    List<byte[]> dids = new ArrayList<>(m.recipientDids().size());
    int size = 1 + sized(connection) + sized(id) + Varints.size(m.recipientDids().size()) + Long.BYTES;
    for (String did : m.recipientDids()) {
      byte[] d = utf8(did);
      dids.add(d);
      size += sized(d);
    }
    ByteBuffer b = ByteBuffer.allocate(size + m.payload().byteSize());
    b.put(VERSION);
    putSized(b, connection);
    putSized(b, id);
    Varints.put(b, dids.size());
    dids.forEach(d -> putSized(b, d));
    b.putLong(m.receivedAtMillis());
    m.payload().writeUtf8(b);
    return b.array();
  }

  static Header header(byte[] record) {
    ByteBuffer b = start(record);
    String connectionId = getString(b);
    skip(b); // the id
    List<String> dids = getDids(b);
    return new Header(connectionId, dids, record.length - b.position() - Long.BYTES);
  }

  /** The id of the message, without decoding the rest. */
  static String id(byte[] record) {
    ByteBuffer b = start(record);
    skip(b); // the connection id
    return getString(b);
  }

  static StoredMessage decode(byte[] record, long sendingUntilMillis) {
    ByteBuffer b = start(record);
    String connectionId = getString(b);
    String id = getString(b);
    List<String> dids = getDids(b);
    long receivedAt = b.getLong();
    EncryptedMessage payload = EncryptedMessage.ofJsonUtf8(record, b.position(), record.length - b.position());
    return new StoredMessage(id, connectionId, dids, receivedAt, payload, sendingUntilMillis);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ByteBuffer start(byte[] record) {
    if (record[0] != VERSION) {
      throw new IllegalStateException("unknown message format " + record[0]);
    }
    return ByteBuffer.wrap(record).position(1);
  }

  private static List<String> getDids(ByteBuffer b) {
    int count = Varints.get(b);
    List<String> dids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      dids.add(getString(b));
    }
    return dids;
  }

  private static void skip(ByteBuffer b) {
    int length = Varints.get(b);
    b.position(b.position() + length);
  }

  private static int sized(byte[] bytes) {
    return Varints.size(bytes.length) + bytes.length;
  }

  private static void putSized(ByteBuffer b, byte[] bytes) {
    Varints.put(b, bytes.length);
    b.put(bytes);
  }

  private static String getString(ByteBuffer b) {
    int length = Varints.get(b);
    String s = new String(b.array(), b.position(), length, StandardCharsets.UTF_8);
    b.position(b.position() + length);
    return s;
  }
}
