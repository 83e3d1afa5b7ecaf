package io.github.mpr4j.core.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * The one document schema of a message in MongoDB, shared by the MongoDB store ({@code <prefix>messages})
 * and the tiered store's cold tier ({@code <prefix>tier_messages}): the field names, how a message is
 * written and read, and the indexes. docs/mongodb.md describes the fields. The names are on disk: a
 * database written by an earlier version must still be read, so none of them changes.
 */
final class MessageDocuments {
  static final String ID = "_id";
  static final String CONNECTION = "c";
  static final String SEQ = "seq";
  static final String RECIPIENTS = "r";
  static final String RECEIVED_AT = "at";
  /** The payload: its UTF-8 JSON as binary (earlier documents may hold it as a string). */
  static final String PAYLOAD = "p";
  static final String SIZE = "n";
  static final String SENDING_UNTIL = "u";
  /** The token of the last claim (take or claim) that marked the message sending. */
  static final String CLAIM = "k";
  /** Whether the last claim will delete the message (a take with delete): release leaves it alone. */
  static final String DELETING = "d";
  /** The MongoDB store's counter document per connection: the last sequence number given out. */
  static final String COUNTER = "n";
  /** Cold tier: the token of the mover that wrote this copy, while it is a shadow (not yet committed). */
  static final String TOKEN = "t";
  /** Cold tier: the fence of that mover: a mover with a higher one may take the shadow over. */
  static final String FENCE = "f";
  /** Cold tier: a write-through backup: the hot copy is the message while it exists. */
  static final String BACKUP = "b";
  /** Cold tier: when a backup was written (this process' clock): the sweep leaves young ones alone. */
  static final String WRITTEN = "w";

  private MessageDocuments() {}

  /**
   * Creates the indexes the queries of a message collection need, when missing: by connection and order
   * ({@code uniqueOrder}: one message per sequence number, as in the MongoDB store), and by connection,
   * recipient and order.
   */
  static void createIndexes(MongoCollection<Document> messages, boolean uniqueOrder) {
    messages.createIndex(Indexes.ascending(CONNECTION, SEQ), new IndexOptions().unique(uniqueOrder).name("c_seq"));
    messages.createIndex(Indexes.ascending(CONNECTION, RECIPIENTS, SEQ), new IndexOptions().name("c_r_seq"));
  }

  /** The document of a message at position {@code seq}, sending until {@code sendingUntilMillis}. */
  static Document encode(StoredMessage m, long seq, long sendingUntilMillis) {
    return new Document(ID, m.id())
        .append(CONNECTION, m.connectionId())
        .append(SEQ, seq)
        .append(RECIPIENTS, m.recipientDids())
        .append(RECEIVED_AT, m.receivedAtMillis())
        .append(PAYLOAD, new Binary(m.payload().utf8()))
        .append(SIZE, (long) m.payload().byteSize())
        .append(SENDING_UNTIL, sendingUntilMillis);
  }

  /** The message a document holds, with the given state (the one it had before a claim changed it). */
  static StoredMessage decode(Document d, long sendingUntilMillis) {
    Object p = d.get(PAYLOAD);
    EncryptedMessage payload = p instanceof Binary b
        ? EncryptedMessage.ofJsonUtf8(b.getData())
        : EncryptedMessage.ofJson((String) p);
    return new StoredMessage(d.getString(ID), d.getString(CONNECTION), d.getList(RECIPIENTS, String.class),
        number(d, RECEIVED_AT), payload, sendingUntilMillis);
  }

  /** A numeric field, whichever integer or floating type the document holds it in. */
  static long number(Document d, String field) {
    return ((Number) d.get(field)).longValue();
  }
}
