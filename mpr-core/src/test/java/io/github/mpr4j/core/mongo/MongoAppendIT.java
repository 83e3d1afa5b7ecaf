package io.github.mpr4j.core.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Appends on MongoDB: idempotent per message id, and the indexes the queries need exist after connect. */
@Timeout(30)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MongoAppendIT {
  private static final long NOW = 1_700_000_000_000L;

  private static StoredMessage message(String connectionId, String id) {
    return new StoredMessage(id, connectionId, List.of("did:example:a"), NOW,
        EncryptedMessage.ofJson("{\"ciphertext\":\"" + id + "\"}"), 0);
  }

  private static List<String> takeAll(QueueStore store, String connectionId) {
    return store.take(new TakeRequest(connectionId, null, 100, Long.MAX_VALUE, true, NOW, NOW + 1000)).stream()
        .map(StoredMessage::id).toList();
  }

  @Test
  void appending_a_message_again_keeps_one_copy_in_its_first_place() {
    try (QueueStore store = MongoQueueStores.connect(MongoServers.settings())) {
      store.append(message("c1", "m1"));
      store.append(message("c1", "m2"));
      store.append(message("c1", "m1"));

      assertEquals(List.of("m1", "m2"), takeAll(store, "c1"));
    }
  }

  @Test
  void a_message_id_stored_for_another_connection_is_refused() {
    try (QueueStore store = MongoQueueStores.connect(MongoServers.settings())) {
      store.append(message("c1", "m1"));

      assertThrows(IllegalArgumentException.class, () -> store.append(message("c2", "m1")));
      assertEquals(List.of(), takeAll(store, "c2"));
      assertEquals(List.of("m1"), takeAll(store, "c1"));
    }
  }

  @Test
  void connect_creates_the_order_and_recipient_indexes_with_the_collection_prefix() {
    MongoSettings settings = MongoServers.settings().withCollectionPrefix("tenant1_");
    try (QueueStore store = MongoQueueStores.connect(settings);
        MongoClient mongo = MongoClients.create(settings.connectionString())) {
      List<String> names = new ArrayList<>();
      for (Document index : mongo.getDatabase(settings.database()).getCollection("tenant1_messages").listIndexes()) {
        names.add(index.getString("name"));
      }

      assertTrue(names.containsAll(List.of("_id_", "c_seq", "c_r_seq")), String.valueOf(names));
      assertTrue(store.describe().contains("prefix=tenant1_"), store.describe());
    }
  }
}
