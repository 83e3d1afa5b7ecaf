package io.github.mpr4j.core.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Projections.include;
import static com.mongodb.client.model.Sorts.ascending;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.set;
import static io.github.mpr4j.core.mongo.MessageDocuments.CLAIM;
import static io.github.mpr4j.core.mongo.MessageDocuments.CONNECTION;
import static io.github.mpr4j.core.mongo.MessageDocuments.COUNTER;
import static io.github.mpr4j.core.mongo.MessageDocuments.DELETING;
import static io.github.mpr4j.core.mongo.MessageDocuments.ID;
import static io.github.mpr4j.core.mongo.MessageDocuments.RECIPIENTS;
import static io.github.mpr4j.core.mongo.MessageDocuments.SENDING_UNTIL;
import static io.github.mpr4j.core.mongo.MessageDocuments.SEQ;
import static io.github.mpr4j.core.mongo.MessageDocuments.SIZE;
import static io.github.mpr4j.core.mongo.MessageDocuments.decode;
import static io.github.mpr4j.core.mongo.MessageDocuments.encode;
import static io.github.mpr4j.core.mongo.MessageDocuments.number;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The queues in one MongoDB collection, one document per message, ordered per connection by a sequence
 * number from a counter document per connection. docs/mongodb.md explains the schema and why a take is
 * exactly-once without transactions: candidates are read in order, then claimed with a conditional update
 * that carries a fresh claim token, and the claimed documents are read back by that token.
 */
final class MongoQueueStore implements QueueStore {
  private static final int DUPLICATE_KEY = 11000;

  private final MongoConnection connection;
  private final MongoCollection<Document> messages;
  private final MongoCollection<Document> counters;

  private MongoQueueStore(MongoConnection connection) {
    this.connection = connection;
    this.messages = connection.collection("messages");
    this.counters = connection.collection("counters");
  }

  static MongoQueueStore connect(MongoSettings settings) {
    return MongoConnection.open(settings, connection -> {
      MongoQueueStore store = new MongoQueueStore(connection);
      MessageDocuments.createIndexes(store.messages, true);
      return store;
    });
  }

  // ---- append ----

  @Override
  public void append(StoredMessage m) {
    long seq = nextSeq(m.connectionId());
    Document doc = encode(m, seq, m.sendingUntilMillis());
    try {
      messages.insertOne(doc);
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
        throw e;
      }
      // appended before (a retry): idempotent per message id, as long as it is the same connection's
      Document existing = messages.find(eq(ID, m.id())).projection(include(CONNECTION)).first();
      if (existing == null) {
        throw e;
      }
      if (!m.connectionId().equals(existing.getString(CONNECTION))) {
        throw new IllegalArgumentException("message id " + m.id() + " is used by another connection", e);
      }
    }
  }

  /** The connection's next sequence number: one atomic increment of its counter document. */
  private long nextSeq(String connectionId) {
    FindOneAndUpdateOptions upsert = new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER);
    Document counter;
    try {
      counter = counters.findOneAndUpdate(eq(ID, connectionId), inc(COUNTER, 1L), upsert);
    } catch (MongoCommandException e) {
      if (e.getErrorCode() != DUPLICATE_KEY) {
        throw e;
      }
      // two first appends raced to create the counter: the loser's increment now finds it
      counter = counters.findOneAndUpdate(eq(ID, connectionId), inc(COUNTER, 1L), upsert);
    }
    return number(counter, COUNTER);
  }

  // ---- take and claim ----

  @Override
  public List<StoredMessage> take(TakeRequest r) {
    List<StoredMessage> taken = new ArrayList<>();
    long bytes = 0;
    long afterSeq = Long.MIN_VALUE;
    String token = newToken();
    List<Object> takenIds = new ArrayList<>();
    while (taken.size() < r.limit()) {
      int want = r.limit() - taken.size();
      List<Bson> filter = new ArrayList<>(List.of(eq(CONNECTION, r.connectionId()), gt(SEQ, afterSeq),
          lte(SENDING_UNTIL, r.nowMillis())));
      if (r.recipientDid() != null) {
        filter.add(eq(RECIPIENTS, r.recipientDid()));
      }
      List<Document> candidates = messages.find(and(filter)).sort(ascending(SEQ))
          .projection(include(ID, SEQ, SIZE, SENDING_UNTIL)).limit(want).into(new ArrayList<>());
      List<Document> chosen = new ArrayList<>();
      long chosenBytes = bytes;
      boolean full = false;
      for (Document d : candidates) {
        long size = number(d, SIZE);
        if (chosenBytes + size > r.limitBytes()) {
          full = true;
          break;
        }
        chosenBytes += size;
        chosen.add(d);
      }
      if (chosen.isEmpty()) {
        break;
      }
      List<StoredMessage> won = claimCandidates(r.connectionId(), chosen, token, r.sendingUntilMillis(), r.delete());
      for (StoredMessage m : won) {
        bytes += m.payload().byteSize();
        takenIds.add(m.id());
      }
      taken.addAll(won);
      boolean lostSome = won.size() < chosen.size();
      if (!lostSome && (full || candidates.size() < want)) {
        break;
      }
      // messages that other takes claimed first are skipped: go on after the last one looked at
      afterSeq = number(chosen.get(chosen.size() - 1), SEQ);
    }
    if (r.delete() && !takenIds.isEmpty()) {
      // only this take's claim: a message whose claim expired and was taken again is not deleted here
      messages.deleteMany(and(in(ID, takenIds), eq(CLAIM, token)));
    }
    return taken;
  }

  @Override
  public List<StoredMessage> claim(String connectionId, Collection<String> messageIds, long nowMillis,
      long sendingUntilMillis) {
    if (messageIds.isEmpty()) {
      return List.of();
    }
    List<Document> candidates = messages.find(and(eq(CONNECTION, connectionId),
            in(ID, new LinkedHashSet<>(messageIds)), lte(SENDING_UNTIL, nowMillis)))
        .projection(include(ID, SEQ, SIZE, SENDING_UNTIL)).into(new ArrayList<>());
    if (candidates.isEmpty()) {
      return List.of();
    }
    return claimCandidates(connectionId, candidates, newToken(), sendingUntilMillis, false);
  }

  /**
   * Marks the candidates sending with this claim's token, each only if it is still in the state it was
   * read in (its sendingUntil unchanged: one conditional update per distinct value, nearly always one),
   * then reads back the messages that carry the token: those this claim won, oldest first, as they were
   * before the change. A message another claim changed first does not match and is not returned.
   */
  private List<StoredMessage> claimCandidates(String connectionId, List<Document> candidates, String token,
      long sendingUntilMillis, boolean deleting) {
    Map<Long, List<Object>> byState = new LinkedHashMap<>();
    Map<Object, Long> before = new HashMap<>();
    for (Document d : candidates) {
      long until = number(d, SENDING_UNTIL);
      byState.computeIfAbsent(until, k -> new ArrayList<>()).add(d.get(ID));
      before.put(d.get(ID), until);
    }
    Bson mark = combine(set(SENDING_UNTIL, sendingUntilMillis), set(CLAIM, token), set(DELETING, deleting));
    long modified = 0;
    for (Map.Entry<Long, List<Object>> e : byState.entrySet()) {
      modified += messages.updateMany(and(eq(CONNECTION, connectionId), in(ID, e.getValue()),
          eq(SENDING_UNTIL, e.getKey())), mark).getModifiedCount();
    }
    if (modified == 0) {
      return List.of();
    }
    List<Document> won = messages.find(and(in(ID, new ArrayList<>(before.keySet())), eq(CLAIM, token)))
        .sort(ascending(SEQ)).into(new ArrayList<>());
    List<StoredMessage> out = new ArrayList<>(won.size());
    for (Document d : won) {
      out.add(decode(d, before.get(d.get(ID))));
    }
    return out;
  }

  // ---- release, remove, count ----

  @Override
  public int release(String connectionId, Collection<String> messageIds) {
    if (messageIds != null && messageIds.isEmpty()) {
      return 0;
    }
    List<Bson> filter = new ArrayList<>(List.of(eq(CONNECTION, connectionId), ne(SENDING_UNTIL, 0L),
        ne(DELETING, true)));
    if (messageIds != null) {
      filter.add(in(ID, new LinkedHashSet<>(messageIds)));
    }
    return Math.toIntExact(messages.updateMany(and(filter), set(SENDING_UNTIL, 0L)).getModifiedCount());
  }

  @Override
  public int remove(String connectionId, Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return 0;
    }
    return Math.toIntExact(messages.deleteMany(and(eq(CONNECTION, connectionId),
        in(ID, new LinkedHashSet<>(messageIds)))).getDeletedCount());
  }

  @Override
  public int removeAll(String connectionId, String recipientDid) {
    return Math.toIntExact(messages.deleteMany(and(eq(CONNECTION, connectionId), eq(RECIPIENTS, recipientDid)))
        .getDeletedCount());
  }

  @Override
  public int count(String connectionId, String recipientDid, long nowMillis) {
    Bson filter = recipientDid == null
        ? and(eq(CONNECTION, connectionId), lte(SENDING_UNTIL, nowMillis))
        : and(eq(CONNECTION, connectionId), eq(RECIPIENTS, recipientDid), lte(SENDING_UNTIL, nowMillis));
    return Math.toIntExact(messages.countDocuments(filter));
  }

  @Override
  public boolean isReady() {
    return connection.isReady();
  }

  @Override
  public String describe() {
    return connection.describe();
  }

  @Override
  public void close() {
    connection.close();
  }

  private static String newToken() {
    return UUID.randomUUID().toString();
  }
}
