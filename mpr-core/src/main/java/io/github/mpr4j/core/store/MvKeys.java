package io.github.mpr4j.core.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of the embedded store's single map, compared as unsigned bytes.
 *
 * <pre>
 * meta   0x00 name(ASCII)                                  -> store facts (format, sequence ceiling)
 * queue  0x01 varint(len) connectionId(UTF-8) seq(8, BE)   -> a small queue entry: state, size, id, recipients
 * index  0x02 messageId(UTF-8)                             -> the queue key of the message
 * body   0x03 seq(8, BE)                                   -> the message body: receivedAt, payload
 * </pre>
 *
 * <p>The length prefix makes a connection's prefix self-delimiting, so the entries of one connection are
 * contiguous, and the big-endian sequence sorts them in the order they were appended. The sequence is
 * global, so bodies, the bulk of the data, are always inserted at the right edge of the tree: a commit
 * rewrites few pages of them, and the pages it rewrites for the queues hold only small entries.
 * See {@link MvMessages} for the values.
 */
final class MvKeys {
  static final byte META = 0;
  static final byte MESSAGE = 1;
  static final byte INDEX = 2;
  static final byte BODY = 3;

  /** Where the format version of the file is kept. */
  static final byte[] FORMAT = meta("format");
  /** Where the sequence ceiling is kept: every sequence in the file is below it. */
  static final byte[] SEQUENCE_CEILING = meta("sequenceCeiling");

  private static final int SEQ_BYTES = Long.BYTES;

  private MvKeys() {}

  /** The prefix shared by every queue key of a connection. */
  static byte[] connectionPrefix(String connectionId) {
    byte[] id = connectionId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + Varints.size(id.length) + id.length);
    b.put(MESSAGE);
    Varints.put(b, id.length);
    return b.put(id).array();
  }

  /** The queue key of the message with sequence {@code seq} in the connection of {@code prefix}. */
  static byte[] message(byte[] prefix, long seq) {
    byte[] key = Arrays.copyOf(prefix, prefix.length + SEQ_BYTES);
    ByteBuffer.wrap(key, prefix.length, SEQ_BYTES).putLong(seq);
    return key;
  }

  /** The first possible message key of a connection. */
  static byte[] firstMessage(byte[] prefix) {
    return message(prefix, 0);
  }

  /** The last possible message key of a connection. */
  static byte[] lastMessage(byte[] prefix) {
    return message(prefix, -1L); // all ones: above every sequence in unsigned order
  }

  /** Whether a queue key belongs to the connection of {@code prefix}. */
  static boolean isMessageOf(byte[] key, byte[] prefix) {
    return key.length == prefix.length + SEQ_BYTES
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** The sequence of a queue key. */
  static long sequenceOf(byte[] queueKey) {
    return ByteBuffer.wrap(queueKey).getLong(queueKey.length - SEQ_BYTES);
  }

  /** The key of the body of the message with sequence {@code seq}. */
  static byte[] body(long seq) {
    return ByteBuffer.allocate(1 + SEQ_BYTES).put(BODY).putLong(seq).array();
  }

  /** The key of the body of the message whose queue key is given. */
  static byte[] bodyOf(byte[] queueKey) {
    return body(sequenceOf(queueKey));
  }

  /** The key under which the queue key of a message id is kept. */
  static byte[] index(String messageId) {
    byte[] id = messageId.getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[1 + id.length];
    key[0] = INDEX;
    System.arraycopy(id, 0, key, 1, id.length);
    return key;
  }

  static byte[] longValue(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  static long longOf(byte[] value) {
    return ByteBuffer.wrap(value).getLong();
  }

  private static byte[] meta(String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] key = new byte[1 + n.length];
    key[0] = META;
    System.arraycopy(n, 0, key, 1, n.length);
    return key;
  }
}
