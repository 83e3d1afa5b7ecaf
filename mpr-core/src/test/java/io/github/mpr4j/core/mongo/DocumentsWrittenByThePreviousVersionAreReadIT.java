package io.github.mpr4j.core.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.core.tiering.internal.ColdTier;
import io.github.mpr4j.core.tiering.internal.HotTier.ColdCandidate;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The document schema is on disk: documents written by the previous version (raw BSON with the field names
 * it used, in the MongoDB store's collections and the tiered store's cold tier) are read by this one.
 */
@Timeout(30)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DocumentsWrittenByThePreviousVersionAreReadIT {
  private static final long NOW = 1_700_000_000_000L;
  private static final String ALICE = "did:example:alice";

  private static String json(String id) {
    return "{\"ciphertext\":\"" + id + "\"}";
  }

  /** A message document as the previous version wrote it: payload as binary UTF-8 JSON, or as a string. */
  private static Document oldDocument(String id, String connectionId, long seq, boolean binary) {
    byte[] utf8 = json(id).getBytes(StandardCharsets.UTF_8);
    return new Document("_id", id).append("c", connectionId).append("seq", seq).append("r", List.of(ALICE))
        .append("at", NOW + seq).append("p", binary ? new Binary(utf8) : json(id)).append("n", (long) utf8.length)
        .append("u", 0L);
  }

  private static MongoDatabase database(MongoClient client, MongoSettings settings) {
    return client.getDatabase(settings.database());
  }

  @Test
  void the_mongodb_store_takes_old_messages_in_order_and_numbers_new_ones_after_them() {
    MongoSettings settings = MongoServers.settings();
    try (MongoClient client = MongoClients.create(settings.clientSettings())) {
      MongoDatabase db = database(client, settings);
      db.getCollection(settings.collectionPrefix() + "messages").insertMany(List.of(
          oldDocument("m1", "c1", 1, true), oldDocument("m2", "c1", 2, false)));
      db.getCollection(settings.collectionPrefix() + "counters").insertOne(new Document("_id", "c1").append("n", 2L));
    }
    try (QueueStore store = MongoQueueStores.connect(settings)) {
      assertEquals(2, store.count("c1", ALICE, NOW));
      store.append(new StoredMessage("m3", "c1", List.of(ALICE), NOW, EncryptedMessage.ofJson(json("m3")), 0));
      List<StoredMessage> taken = store.take(new TakeRequest("c1", null, 10, Long.MAX_VALUE, true, NOW, NOW + 1000));
      assertEquals(List.of("m1", "m2", "m3"), taken.stream().map(StoredMessage::id).toList());
      assertEquals(EncryptedMessage.ofJson(json("m1")), taken.get(0).payload());
      assertEquals(EncryptedMessage.ofJson(json("m2")), taken.get(1).payload());
      assertEquals(List.of(ALICE), taken.get(0).recipientDids());
      assertEquals(NOW + 1, taken.get(0).receivedAtMillis());
      assertEquals(0, store.count("c1", null, NOW));
    }
  }

  @Test
  void the_cold_tier_sees_old_committed_copies_and_keeps_old_backups_hidden_until_swept() {
    MongoSettings settings = MongoServers.settings();
    try (MongoClient client = MongoClients.create(settings.clientSettings())) {
      database(client, settings).getCollection(settings.collectionPrefix() + "tier_messages").insertMany(List.of(
          oldDocument("m1", "c1", 5, true),
          oldDocument("m2", "c1", 7, true).append("b", true).append("f", 0L).append("w", NOW)));
    }
    try (ColdTier cold = MongoQueueStores.coldTier(settings)) {
      List<ColdCandidate> candidates = cold.candidates("c1", ALICE, NOW, 10);
      assertEquals(List.of(new ColdCandidate("m1", 5, json("m1").length(), "", 0)), candidates);
      assertEquals(new ColdTier.Count(1, Map.of(), false), cold.count("c1", null, NOW));
      List<ColdTier.Won> won = cold.claim(Map.of("m1", 0L), NOW + 1000, false);
      assertEquals(1, won.size());
      assertEquals(5, won.get(0).seq());
      StoredMessage m1 = won.get(0).message();
      assertEquals(List.of("m1", "c1", List.of(ALICE), NOW + 5, EncryptedMessage.ofJson(json("m1")), 0L),
          List.of(m1.id(), m1.connectionId(), m1.recipientDids(), m1.receivedAtMillis(), m1.payload(),
              m1.sendingUntilMillis()));
      assertEquals(List.of(new ColdTier.Backup("m2", "c1", NOW)), cold.backupsBefore(NOW + 1, 0, null, 10));
      cold.recover(List.of("m2"));
      assertEquals(List.of("m2"), cold.candidates("c1", null, NOW, 10).stream().map(ColdCandidate::id).toList());
    }
  }
}
