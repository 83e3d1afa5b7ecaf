package io.github.mpr4j.core.store;

import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary layout of a message in the embedded store (the connection id is in the key):
 *
 * <pre>
 * byte      format version (1)
 * long      sendingUntilMillis   fixed offset 1: a state change rewrites only these 8 bytes
 * long      receivedAtMillis
 * varint n, n bytes              id (UTF-8)
 * varint k, k x (varint n, n bytes)   recipientDids (UTF-8)
 * the rest                       payload JSON (UTF-8)
 * </pre>
 *
 * <p>The accessors read what a scan needs (state, recipients, payload size) without decoding the payload.
 */
final class MvMessages {
  static final byte VERSION = 1;
  private static final int SENDING_UNTIL = 1;
  private static final int RECEIVED_AT = SENDING_UNTIL + Long.BYTES;
  private static final int ID = RECEIVED_AT + Long.BYTES;

  private MvMessages() {}

  static byte[] encode(StoredMessage m) {
    byte[] id = utf8(m.id());
    List<byte[]> dids = new ArrayList<>(m.recipientDids().size());
    int size = ID + sized(id) + Varints.size(m.recipientDids().size());
    for (String did : m.recipientDids()) {
      byte[] d = utf8(did);
      dids.add(d);
      size += sized(d);
    }
    byte[] payload = m.payload().utf8();
    ByteBuffer b = ByteBuffer.allocate(size + payload.length);
    b.put(VERSION).putLong(m.sendingUntilMillis()).putLong(m.receivedAtMillis());
    putSized(b, id);
    Varints.put(b, dids.size());
    dids.forEach(d -> putSized(b, d));
    return b.put(payload).array();
  }

  static StoredMessage decode(String connectionId, byte[] v) {
    ByteBuffer b = at(v, ID);
    String id = getString(b);
    int count = Varints.get(b);
    List<String> dids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      dids.add(getString(b));
    }
    String payload = new String(v, b.position(), b.remaining(), StandardCharsets.UTF_8);
    return new StoredMessage(id, connectionId, dids, receivedAt(v), EncryptedMessage.ofJson(payload),
        sendingUntil(v));
  }

  static long sendingUntil(byte[] v) {
    return ByteBuffer.wrap(v).getLong(SENDING_UNTIL);
  }

  static long receivedAt(byte[] v) {
    return ByteBuffer.wrap(v).getLong(RECEIVED_AT);
  }

  /** A copy of the message with another sending deadline. */
  static byte[] withSendingUntil(byte[] v, long millis) {
    byte[] copy = v.clone();
    ByteBuffer.wrap(copy).putLong(SENDING_UNTIL, millis);
    return copy;
  }

  static String id(byte[] v) {
    return getString(at(v, ID));
  }

  /** Whether the message is for the recipient whose UTF-8 DID is given; {@code null} matches all. */
  static boolean isFor(byte[] v, byte[] recipientDid) {
    if (recipientDid == null) {
      return true;
    }
    ByteBuffer b = afterId(v);
    int count = Varints.get(b);
    for (int i = 0; i < count; i++) {
      int length = Varints.get(b);
      int start = b.position();
      if (Arrays.equals(v, start, start + length, recipientDid, 0, recipientDid.length)) {
        return true;
      }
      b.position(start + length);
    }
    return false;
  }

  /** The byte size of the payload's UTF-8 JSON text, as {@link EncryptedMessage#byteSize()}. */
  static int payloadSize(byte[] v) {
    ByteBuffer b = afterId(v);
    int count = Varints.get(b);
    for (int i = 0; i < count; i++) {
      int length = Varints.get(b);
      b.position(b.position() + length);
    }
    return b.remaining();
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static ByteBuffer afterId(byte[] v) {
    ByteBuffer b = at(v, ID);
    int length = Varints.get(b);
    return b.position(b.position() + length);
  }

  private static ByteBuffer at(byte[] v, int offset) {
    if (v[0] != VERSION) {
      throw new IllegalStateException("unknown message format " + v[0]);
    }
    return ByteBuffer.wrap(v).position(offset);
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
