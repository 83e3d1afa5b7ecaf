package io.github.mpr4j.core.store;

import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary layout of a message in the embedded store, in two values (see {@link MvKeys} for the keys;
 * the connection id is in the queue key).
 *
 * <p>The queue entry, small, holds what scans, counts and state changes need:
 * <pre>
 * byte      format version (1)
 * long      sendingUntilMillis   fixed offset 1: a state change rewrites only this small value
 * varint    payload size in bytes (UTF-8)
 * varint n, n bytes              id (UTF-8)
 * varint k, k x (varint n, n bytes)   recipientDids (UTF-8)
 * </pre>
 *
 * <p>The body, written once and read only when the message is returned:
 * <pre>
 * byte      format version (1)
 * long      receivedAtMillis
 * the rest  payload JSON (UTF-8)
 * </pre>
 */
final class MvMessages {
  static final byte VERSION = 1;
  private static final int SENDING_UNTIL = 1;
  private static final int PAYLOAD_SIZE = SENDING_UNTIL + Long.BYTES;
  private static final int RECEIVED_AT = 1;
  private static final int PAYLOAD = RECEIVED_AT + Long.BYTES;

  private MvMessages() {}

  static byte[] entry(StoredMessage m) {
    byte[] id = utf8(m.id());
    List<byte[]> dids = new ArrayList<>(m.recipientDids().size());
    int size = PAYLOAD_SIZE + Varints.size(m.payload().byteSize()) + sized(id)
        + Varints.size(m.recipientDids().size());
    for (String did : m.recipientDids()) {
      byte[] d = utf8(did);
      dids.add(d);
      size += sized(d);
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(VERSION).putLong(m.sendingUntilMillis());
    Varints.put(b, m.payload().byteSize());
    putSized(b, id);
    Varints.put(b, dids.size());
    dids.forEach(d -> putSized(b, d));
    return b.array();
  }

  static byte[] body(StoredMessage m) {
    byte[] payload = m.payload().utf8();
    return ByteBuffer.allocate(PAYLOAD + payload.length)
        .put(VERSION).putLong(m.receivedAtMillis()).put(payload).array();
  }

  static StoredMessage decode(String connectionId, byte[] entry, byte[] body) {
    ByteBuffer b = afterSize(entry);
    String id = getString(b);
    int count = Varints.get(b);
    List<String> dids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      dids.add(getString(b));
    }
    check(body);
    long receivedAt = ByteBuffer.wrap(body).getLong(RECEIVED_AT);
    String payload = new String(body, PAYLOAD, body.length - PAYLOAD, StandardCharsets.UTF_8);
    return new StoredMessage(id, connectionId, dids, receivedAt, EncryptedMessage.ofJson(payload),
        sendingUntil(entry));
  }

  static long sendingUntil(byte[] entry) {
    return ByteBuffer.wrap(check(entry)).getLong(SENDING_UNTIL);
  }

  /** A copy of the entry with another sending deadline. */
  static byte[] withSendingUntil(byte[] entry, long millis) {
    byte[] copy = entry.clone();
    ByteBuffer.wrap(copy).putLong(SENDING_UNTIL, millis);
    return copy;
  }

  /** The byte size of the payload's UTF-8 JSON text, as {@link EncryptedMessage#byteSize()}. */
  static int payloadSize(byte[] entry) {
    return Varints.get(ByteBuffer.wrap(check(entry)).position(PAYLOAD_SIZE));
  }

  static String id(byte[] entry) {
    return getString(afterSize(entry));
  }

  /** Whether the message is for the recipient whose UTF-8 DID is given; {@code null} matches all. */
  static boolean isFor(byte[] entry, byte[] recipientDid) {
    if (recipientDid == null) {
      return true;
    }
    ByteBuffer b = afterSize(entry);
    int idLength = Varints.get(b);
    b.position(b.position() + idLength); // skip the id
    int count = Varints.get(b);
    for (int i = 0; i < count; i++) {
      int length = Varints.get(b);
      int start = b.position();
      if (Arrays.equals(entry, start, start + length, recipientDid, 0, recipientDid.length)) {
        return true;
      }
      b.position(start + length);
    }
    return false;
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static ByteBuffer afterSize(byte[] entry) {
    ByteBuffer b = ByteBuffer.wrap(check(entry)).position(PAYLOAD_SIZE);
    Varints.get(b);
    return b;
  }

  private static byte[] check(byte[] value) {
    if (value[0] != VERSION) {
      throw new IllegalStateException("unknown message format " + value[0]);
    }
    return value;
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
