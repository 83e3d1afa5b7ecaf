package io.github.mpr4j.core.embedded;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The keys of the embedded store's single map, compared as unsigned bytes.
 *
 * <pre>
 * meta    0x00 name(ASCII)         -> store facts (format, sequence ceiling)
 * record  0x01 seq(8, BE)          -> the whole message (see {@link MvRecords})
 * index   0x02 messageId(UTF-8)    -> seq(8, BE) of the message's record
 * state   0x03 seq(8, BE)          -> sendingUntilMillis(8, BE), only while not 0
 * </pre>
 *
 * <p>The sequence is global and grows, so a new record always goes at the right edge of the record
 * region. Message ids are UUIDv7 strings, whose first 13 hex digits are the millisecond they were made in,
 * so new index entries also go at (or a few entries from) the right edge of the index region. An append
 * therefore rewrites only right-edge pages, however many connections there are. The order of a
 * connection's messages is kept in memory ({@link ConnectionQueue}), rebuilt by one scan on open.
 */
final class MvKeys {
  static final byte META = 0;
  static final byte RECORD = 1;
  static final byte INDEX = 2;
  static final byte STATE = 3;

  /** Where the format version of the file is kept. */
  static final byte[] FORMAT = meta("format");
  /** Where the sequence ceiling is kept: every sequence in the file is below it. */
  static final byte[] SEQUENCE_CEILING = meta("sequenceCeiling");
  /** Below every record key, and above every record key. */
  static final byte[] FIRST_RECORD = record(0);
  static final byte[] LAST_RECORD = record(-1L); // all ones: above every sequence in unsigned order
  static final byte[] FIRST_STATE = state(0);
  static final byte[] LAST_STATE = state(-1L);

  private MvKeys() {}

  /** The key of the record of the message with sequence {@code seq}. */
  static byte[] record(long seq) {
    return ByteBuffer.allocate(1 + Long.BYTES).put(RECORD).putLong(seq).array();
  }

  /** The key of the sending deadline of the message with sequence {@code seq}. */
  static byte[] state(long seq) {
    return ByteBuffer.allocate(1 + Long.BYTES).put(STATE).putLong(seq).array();
  }

  /** The sequence of a record or state key. */
  static long sequenceOf(byte[] key) {
    return ByteBuffer.wrap(key).getLong(1);
  }

  /** The key under which the sequence of a message id is kept. */
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
