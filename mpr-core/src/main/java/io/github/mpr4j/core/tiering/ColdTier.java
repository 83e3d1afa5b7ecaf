package io.github.mpr4j.core.tiering;

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

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import io.github.mpr4j.core.mongo.MongoSettings;
import io.github.mpr4j.core.redis.HotTier.ColdCandidate;
import io.github.mpr4j.core.redis.HotTier.MoveCandidate;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;

/**
 * The cold tier: one MongoDB document per message copy, in {@code <prefix>tier_messages}. Every method
 * blocks on the driver; the tiered store calls them on its bounded cold executor, the mover on its thread.
 * docs/mongodb.md describes the fields and when a copy is visible. The fields the MongoDB store has too
 * carry its names (see {@code io.github.mpr4j.core.mongo.MongoQueueStore}).
 */
final class ColdTier implements AutoCloseable {
  static final String ID = "_id";
  static final String CONNECTION = "c";
  static final String SEQ = "seq";
  static final String RECIPIENTS = "r";
  static final String RECEIVED_AT = "at";
  static final String PAYLOAD = "p";
  static final String SIZE = "n";
  static final String SENDING_UNTIL = "u";
  static final String CLAIM = "k";
  static final String DELETING = "d";
  /** The token of the mover that wrote this copy, while it is a shadow (not yet committed). */
  static final String TOKEN = "t";
  /** The fence of that mover: a mover with a higher one may take the shadow over. */
  static final String FENCE = "f";
  /** A write-through backup: the hot copy is the message while it exists. */
  static final String BACKUP = "b";
  /** When a backup was written (this process' clock): the sweep leaves young ones alone. */
  static final String WRITTEN = "w";

  /** Copies a take may see: not backups, except those a mover is moving (they carry a token). */
  private static final Bson MAY_BE_VISIBLE = or(exists(BACKUP, false), exists(TOKEN, true));

  private final MongoSettings settings;
  private final MongoClient client;
  final MongoCollection<Document> messages;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ColdTier(MongoSettings settings, MongoClient client) {
    this.settings = settings;
    this.client = client;
    this.messages = client.getDatabase(settings.database()).getCollection(settings.collectionPrefix() + "tier_messages");
  }

  static ColdTier connect(MongoSettings settings) {
    MongoClient client = MongoClients.create(settings.clientSettings());
    try {
      client.getDatabase(settings.database()).runCommand(new Document("ping", 1));
      ColdTier cold = new ColdTier(settings, client);
      cold.messages.createIndex(Indexes.ascending(CONNECTION, SEQ), new IndexOptions().name("c_seq"));
      cold.messages.createIndex(Indexes.ascending(CONNECTION, RECIPIENTS, SEQ), new IndexOptions().name("c_r_seq"));
      cold.messages.createIndex(Indexes.ascending(BACKUP, WRITTEN), new IndexOptions().name("b_w"));
      return cold;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  // ---- write-through ----

  /**
   * Writes the backup copy of a message before its hot copy exists. Its order is its receivedAt in
   * microseconds, the scale of the hot sequence numbers; a mover replaces it with the hot one.
   */
  void insertBackup(StoredMessage m) {
    Document doc = document(m, m.receivedAtMillis() * 1000, 0).append(BACKUP, true).append(FENCE, 0L)
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

  /** Up to {@code limit} copies that may be visible and are pending at now, by order. */
  List<ColdCandidate> candidates(String connectionId, String recipientDid, long nowMillis, int limit) {
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

  /** Whether the connection has no copy that may be visible (backups do not count). */
  boolean isEmpty(String connectionId) {
    return messages.find(and(eq(CONNECTION, connectionId), MAY_BE_VISIBLE)).projection(include(ID)).limit(1)
        .first() == null;
  }

  /** Counts of pending copies: committed ones, and shadows (id -> token) whose visibility Redis decides. */
  record Count(int committed, Map<String, String> shadows, boolean empty) {}

  Count count(String connectionId, String recipientDid, long nowMillis) {
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

  /** Copies among {@code ids} that may be visible and are pending at now. */
  List<ColdCandidate> pendingCopies(String connectionId, Collection<String> ids, long nowMillis) {
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

  /** A cold message won by a claim, with its order. */
  record Won(StoredMessage message, long seq) {}

  /**
   * Claims the given copies (id -> state read) for {@code sendingUntil}, each only if its state is still the
   * one read; with {@code delete}, deletes those won. Returns the won messages as they were, by order.
   */
  List<Won> claim(Map<String, Long> states, long sendingUntilMillis, boolean delete) {
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

  /**
   * Returns sending copies to pending ({@code ids} null: all of the connection), except {@code skip} (released
   * in Redis, whose hot copy is the message). Returns how many changed.
   */
  int release(String connectionId, Collection<String> ids, Collection<String> skip) {
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

  /** Deletes every copy of the given ids; returns how many of {@code counted} were deleted. */
  int delete(String connectionId, Collection<String> ids, Collection<String> uncounted) {
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

  /**
   * Deletes a recipient's copies that are not backups, and the copies of {@code removedHot}; returns how many
   * of them were not in {@code removedHot}.
   */
  int removeAll(String connectionId, String recipientDid, Collection<String> removedHot) {
    Set<String> hot = new HashSet<>(removedHot);
    List<String> ids = new ArrayList<>();
    for (Document d : messages.find(and(eq(CONNECTION, connectionId), eq(RECIPIENTS, recipientDid),
        or(MAY_BE_VISIBLE, in(ID, new ArrayList<>(hot))))).projection(include(ID))) {
      ids.add(d.getString(ID));
    }
    return delete(connectionId, ids, hot);
  }

  /**
   * Undoes shadow copies (id -> token) that no mover can commit any more: deletes them, or turns them back
   * into backups (write-through: a backup is never deleted as garbage, since Redis may have lost its hot copy).
   */
  void dropShadows(Map<String, String> shadows) {
    groupByValue(shadows).forEach((token, ids) -> rollback(ids, token));
  }

  // ---- the mover ----

  /**
   * Writes shadow copies of hot messages with this mover's token and fence: new documents, or, for ids
   * already written, takes over shadows and backups of movers with a fence not above this one. Returns the
   * ids this mover now holds a shadow of (only those may be committed).
   */
  Set<String> copy(List<MoveCandidate> candidates, String token, long fence) {
    Map<String, MoveCandidate> byId = new LinkedHashMap<>();
    List<Document> docs = new ArrayList<>(candidates.size());
    for (MoveCandidate c : candidates) {
      byId.put(c.message().id(), c);
      docs.add(document(c.message(), c.seq(), c.message().sendingUntilMillis()).append(TOKEN, token)
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

  /** Makes committed shadows (id -> token) ordinary cold messages. */
  void commit(Map<String, String> committed) {
    groupByValue(committed).forEach((token, ids) -> messages.updateMany(and(in(ID, ids), eq(TOKEN, token)),
        combine(unset(TOKEN), unset(BACKUP))));
  }

  /** Undoes this mover's uncommitted shadows: deletes its new copies, and turns taken-over backups back. */
  void rollback(Collection<String> ids, String token) {
    if (ids.isEmpty()) {
      return;
    }
    List<String> list = new ArrayList<>(ids);
    messages.deleteMany(and(in(ID, list), eq(TOKEN, token), exists(BACKUP, false)));
    messages.updateMany(and(in(ID, list), eq(TOKEN, token), eq(BACKUP, true)), unset(TOKEN));
  }

  /** Write-through backups written before {@code cutoff}, after (written, id), oldest first. */
  List<Document> backupsBefore(long cutoffMillis, long afterWritten, String afterId, int limit) {
    Bson after = afterId == null ? gt(WRITTEN, Long.MIN_VALUE)
        : or(gt(WRITTEN, afterWritten), and(eq(WRITTEN, afterWritten), gt(ID, afterId)));
    return messages.find(and(eq(BACKUP, true), lt(WRITTEN, cutoffMillis), after))
        .sort(ascending(WRITTEN, ID)).projection(include(ID, CONNECTION, WRITTEN)).limit(limit)
        .into(new ArrayList<>());
  }

  /**
   * Makes backups whose hot copy and ledger entry are gone ordinary cold messages, also those a mover had
   * taken over but never committed (its commit needs the hot copy).
   */
  void recover(Collection<String> ids) {
    messages.updateMany(and(in(ID, new ArrayList<>(ids)), eq(BACKUP, true)), combine(unset(BACKUP), unset(TOKEN)));
  }

  boolean isReady() {
    return !closed.get() && client.getClusterDescription().hasWritableServer();
  }

  String describe() {
    return settings.describe();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
    }
  }

  // ---- documents ----

  private static Document document(StoredMessage m, long seq, long sendingUntil) {
    return new Document(ID, m.id())
        .append(CONNECTION, m.connectionId())
        .append(SEQ, seq)
        .append(RECIPIENTS, m.recipientDids())
        .append(RECEIVED_AT, m.receivedAtMillis())
        .append(PAYLOAD, new Binary(m.payload().utf8()))
        .append(SIZE, (long) m.payload().byteSize())
        .append(SENDING_UNTIL, sendingUntil);
  }

  private static StoredMessage decode(Document d, long sendingUntilMillis) {
    return new StoredMessage(d.getString(ID), d.getString(CONNECTION), d.getList(RECIPIENTS, String.class),
        number(d, RECEIVED_AT), EncryptedMessage.ofJsonUtf8(((Binary) d.get(PAYLOAD)).getData()), sendingUntilMillis);
  }

  private static String token(Document d) {
    String t = d.getString(TOKEN);
    return t == null ? "" : t;
  }

  private static long number(Document d, String field) {
    return ((Number) d.get(field)).longValue();
  }

  static Map<String, List<String>> groupByValue(Map<String, String> entries) {
    Map<String, List<String>> out = new HashMap<>();
    entries.forEach((id, value) -> out.computeIfAbsent(value, k -> new ArrayList<>()).add(id));
    return out;
  }
}
