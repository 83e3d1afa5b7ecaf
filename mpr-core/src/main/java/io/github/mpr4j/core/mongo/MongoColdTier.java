package io.github.mpr4j.core.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Projections.include;
import static com.mongodb.client.model.Sorts.ascending;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
import static io.github.mpr4j.core.mongo.MessageDocuments.BACKUP;
import static io.github.mpr4j.core.mongo.MessageDocuments.CLAIM;
import static io.github.mpr4j.core.mongo.MessageDocuments.CONNECTION;
import static io.github.mpr4j.core.mongo.MessageDocuments.DELETING;
import static io.github.mpr4j.core.mongo.MessageDocuments.FENCE;
import static io.github.mpr4j.core.mongo.MessageDocuments.ID;
import static io.github.mpr4j.core.mongo.MessageDocuments.RECIPIENTS;
import static io.github.mpr4j.core.mongo.MessageDocuments.SENDING_UNTIL;
import static io.github.mpr4j.core.mongo.MessageDocuments.SEQ;
import static io.github.mpr4j.core.mongo.MessageDocuments.SIZE;
import static io.github.mpr4j.core.mongo.MessageDocuments.TOKEN;
import static io.github.mpr4j.core.mongo.MessageDocuments.WRITTEN;
import static io.github.mpr4j.core.mongo.MessageDocuments.decode;
import static io.github.mpr4j.core.mongo.MessageDocuments.encode;
import static io.github.mpr4j.core.mongo.MessageDocuments.number;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import io.github.mpr4j.core.tiering.internal.ColdTier;
import io.github.mpr4j.core.tiering.internal.HotTier.ColdCandidate;
import io.github.mpr4j.core.tiering.internal.HotTier.MoveCandidate;
import io.github.mpr4j.core.spi.StoredMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The tiered store's cold tier on MongoDB ({@link ColdTier}, which describes each call): one document per
 * message copy in {@code <prefix>tier_messages}, in the MongoDB store's schema ({@link MessageDocuments})
 * with the cold tier's own fields (token, fence, backup, written).
 */
final class MongoColdTier implements ColdTier {
  /** Copies a take may see: not backups, except those a mover is moving (they carry a token). */
  private static final Bson MAY_BE_VISIBLE = or(exists(BACKUP, false), exists(TOKEN, true));

  private final MongoConnection connection;
  private final MongoCollection<Document> messages;

  private MongoColdTier(MongoConnection connection) {
    this.connection = connection;
    this.messages = connection.collection("tier_messages");
  }

  static MongoColdTier connect(MongoSettings settings) {
    return MongoConnection.open(settings, connection -> {
      MongoColdTier cold = new MongoColdTier(connection);
      MessageDocuments.createIndexes(cold.messages, false);
      cold.messages.createIndex(Indexes.ascending(BACKUP, WRITTEN), new IndexOptions().name("b_w"));
      return cold;
    });
  }

  // ---- write-through ----

  @Override
  public void insertBackup(StoredMessage m) {
    Document doc = encode(m, m.receivedAtMillis() * 1000, 0).append(BACKUP, true).append(FENCE, 0L)
        .append(WRITTEN, System.currentTimeMillis());
    try {
      messages.insertOne(doc);
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
        throw e;
      }
      // written before (a retry): idempotent per message id
    }
  }

  // ---- reads ----

  @Override
  public List<ColdCandidate> candidates(String connectionId, String recipientDid, long nowMillis, int limit) {
    List<Bson> filter = new ArrayList<>(List.of(eq(CONNECTION, connectionId), lte(SENDING_UNTIL, nowMillis),
        MAY_BE_VISIBLE));
    if (recipientDid != null) {
      filter.add(eq(RECIPIENTS, recipientDid));
    }
    List<ColdCandidate> out = new ArrayList<>();
    for (Document d : messages.find(and(filter)).sort(ascending(SEQ, ID)).limit(limit)
        .projection(include(ID, SEQ, SIZE, TOKEN, SENDING_UNTIL))) {
      out.add(candidate(d));
    }
    return out;
  }

  @Override
  public boolean isEmpty(String connectionId) {
    return messages.find(and(eq(CONNECTION, connectionId), MAY_BE_VISIBLE)).projection(include(ID)).limit(1)
        .first() == null;
  }

  @Override
  public Count count(String connectionId, String recipientDid, long nowMillis) {
    // one query: a mover finishing a move turns a shadow into a committed copy, and two queries could see it
    // as neither
    List<Bson> filter = new ArrayList<>(List.of(eq(CONNECTION, connectionId), lte(SENDING_UNTIL, nowMillis),
        MAY_BE_VISIBLE));
    if (recipientDid != null) {
      filter.add(eq(RECIPIENTS, recipientDid));
    }
    int n = 0;
    Map<String, String> shadows = new LinkedHashMap<>();
    for (Document d : messages.find(and(filter)).projection(include(ID, TOKEN))) {
      String token = token(d);
      if (token.isEmpty()) {
        n++;
      } else {
        shadows.put(d.getString(ID), token);
      }
    }
    boolean empty = n == 0 && shadows.isEmpty() && isEmpty(connectionId);
    return new Count(n, shadows, empty);
  }

  @Override
  public List<ColdCandidate> pendingCopies(String connectionId, Collection<String> ids, long nowMillis) {
    List<ColdCandidate> out = new ArrayList<>();
    for (Document d : messages.find(and(eq(CONNECTION, connectionId), in(ID, new LinkedHashSet<>(ids)),
        lte(SENDING_UNTIL, nowMillis), MAY_BE_VISIBLE)).projection(include(ID, SEQ, SIZE, TOKEN, SENDING_UNTIL))) {
      out.add(candidate(d));
    }
    return out;
  }

  private static ColdCandidate candidate(Document d) {
    return new ColdCandidate(d.getString(ID), number(d, SEQ), number(d, SIZE), token(d), number(d, SENDING_UNTIL));
  }

  // ---- claims (as the MongoDB store's: conditional on the state read, with a token) ----

  @Override
  public List<Won> claim(Map<String, Long> states, long sendingUntilMillis, boolean delete) {
    if (states.isEmpty()) {
      return List.of();
    }
    String token = UUID.randomUUID().toString();
    Map<Long, List<String>> byState = new LinkedHashMap<>();
    states.forEach((id, state) -> byState.computeIfAbsent(state, k -> new ArrayList<>()).add(id));
    Bson mark = combine(set(SENDING_UNTIL, sendingUntilMillis), set(CLAIM, token), set(DELETING, delete));
    long modified = 0;
    for (Map.Entry<Long, List<String>> e : byState.entrySet()) {
      modified += messages.updateMany(and(in(ID, e.getValue()), eq(SENDING_UNTIL, e.getKey())), mark)
          .getModifiedCount();
    }
    if (modified == 0) {
      return List.of();
    }
    List<Won> won = new ArrayList<>();
    List<String> wonIds = new ArrayList<>();
    for (Document d : messages.find(and(in(ID, new ArrayList<>(states.keySet())), eq(CLAIM, token)))
        .sort(ascending(SEQ, ID))) {
      won.add(new Won(decode(d, states.get(d.getString(ID))), number(d, SEQ)));
      wonIds.add(d.getString(ID));
    }
    if (delete && !wonIds.isEmpty()) {
      messages.deleteMany(and(in(ID, wonIds), eq(CLAIM, token)));
    }
    return won;
  }

  // ---- release and removal ----

  @Override
  public int release(String connectionId, Collection<String> ids, Collection<String> skip) {
    List<Bson> filter = new ArrayList<>(List.of(eq(CONNECTION, connectionId), ne(SENDING_UNTIL, 0L),
        ne(DELETING, true), MAY_BE_VISIBLE));
    if (ids != null) {
      filter.add(in(ID, new LinkedHashSet<>(ids)));
    }
    Set<String> skipped = new HashSet<>(skip);
    List<String> targets = new ArrayList<>();
    for (Document d : messages.find(and(filter)).projection(include(ID))) {
      if (!skipped.contains(d.getString(ID))) {
        targets.add(d.getString(ID));
      }
    }
    if (targets.isEmpty()) {
      return 0;
    }
    return Math.toIntExact(messages.updateMany(and(in(ID, targets), ne(SENDING_UNTIL, 0L), ne(DELETING, true)),
        set(SENDING_UNTIL, 0L)).getModifiedCount());
  }

  @Override
  public int delete(String connectionId, Collection<String> ids, Collection<String> uncounted) {
    Set<String> notCounted = new HashSet<>(uncounted);
    List<String> counted = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      if (!notCounted.contains(id)) {
        counted.add(id);
      }
    }
    int n = 0;
    if (!counted.isEmpty()) {
      n = Math.toIntExact(messages.deleteMany(and(eq(CONNECTION, connectionId), in(ID, counted))).getDeletedCount());
    }
    if (!notCounted.isEmpty()) {
      messages.deleteMany(and(eq(CONNECTION, connectionId), in(ID, new ArrayList<>(notCounted))));
    }
    return n;
  }

  @Override
  public int removeAll(String connectionId, String recipientDid, Collection<String> removedHot) {
    Set<String> hot = new HashSet<>(removedHot);
    List<String> ids = new ArrayList<>();
    for (Document d : messages.find(and(eq(CONNECTION, connectionId), eq(RECIPIENTS, recipientDid),
        or(MAY_BE_VISIBLE, in(ID, new ArrayList<>(hot))))).projection(include(ID))) {
      ids.add(d.getString(ID));
    }
    return delete(connectionId, ids, hot);
  }

  @Override
  public void dropShadows(Map<String, String> shadows) {
    groupByValue(shadows).forEach((token, ids) -> rollback(ids, token));
  }

  // ---- the mover ----

  @Override
  public Set<String> copy(List<MoveCandidate> candidates, String token, long fence) {
    Map<String, MoveCandidate> byId = new LinkedHashMap<>();
    List<Document> docs = new ArrayList<>(candidates.size());
    for (MoveCandidate c : candidates) {
      byId.put(c.message().id(), c);
      docs.add(encode(c.message(), c.seq(), c.message().sendingUntilMillis()).append(TOKEN, token)
          .append(FENCE, fence));
    }
    Set<String> held = new LinkedHashSet<>(byId.keySet());
    if (docs.isEmpty()) {
      return held;
    }
    List<String> duplicates = new ArrayList<>();
    try {
      messages.insertMany(docs, new InsertManyOptions().ordered(false));
    } catch (MongoBulkWriteException e) {
      for (BulkWriteError error : e.getWriteErrors()) {
        if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
        duplicates.add(docs.get(error.getIndex()).getString(ID));
      }
    }
    for (String id : duplicates) {
      MoveCandidate c = byId.get(id);
      long taken = messages.updateOne(and(eq(ID, id), lte(FENCE, fence), or(exists(TOKEN, true), eq(BACKUP, true))),
          combine(set(TOKEN, token), set(FENCE, fence), set(SEQ, c.seq()),
              set(SENDING_UNTIL, c.message().sendingUntilMillis()))).getModifiedCount();
      if (taken == 0) {
        held.remove(id); // committed already, or a newer mover's shadow: not ours to commit
      }
    }
    return held;
  }

  @Override
  public void commit(Map<String, String> committed) {
    groupByValue(committed).forEach((token, ids) -> messages.updateMany(and(in(ID, ids), eq(TOKEN, token)),
        combine(unset(TOKEN), unset(BACKUP))));
  }

  @Override
  public void rollback(Collection<String> ids, String token) {
    if (ids.isEmpty()) {
      return;
    }
    List<String> list = new ArrayList<>(ids);
    messages.deleteMany(and(in(ID, list), eq(TOKEN, token), exists(BACKUP, false)));
    messages.updateMany(and(in(ID, list), eq(TOKEN, token), eq(BACKUP, true)), unset(TOKEN));
  }

  @Override
  public List<Backup> backupsBefore(long cutoffMillis, long afterWritten, String afterId, int limit) {
    Bson after = afterId == null ? gt(WRITTEN, Long.MIN_VALUE)
        : or(gt(WRITTEN, afterWritten), and(eq(WRITTEN, afterWritten), gt(ID, afterId)));
    List<Backup> out = new ArrayList<>();
    for (Document d : messages.find(and(eq(BACKUP, true), lt(WRITTEN, cutoffMillis), after))
        .sort(ascending(WRITTEN, ID)).projection(include(ID, CONNECTION, WRITTEN)).limit(limit)) {
      out.add(new Backup(d.getString(ID), d.getString(CONNECTION), number(d, WRITTEN)));
    }
    return out;
  }

  @Override
  public void recover(Collection<String> ids) {
    messages.updateMany(and(in(ID, new ArrayList<>(ids)), eq(BACKUP, true)), combine(unset(BACKUP), unset(TOKEN)));
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

  // ---- documents ----

  private static String token(Document d) {
    String t = d.getString(TOKEN);
    return t == null ? "" : t;
  }

  private static Map<String, List<String>> groupByValue(Map<String, String> entries) {
    Map<String, List<String>> out = new HashMap<>();
    entries.forEach((id, value) -> out.computeIfAbsent(value, k -> new ArrayList<>()).add(id));
    return out;
  }
}
