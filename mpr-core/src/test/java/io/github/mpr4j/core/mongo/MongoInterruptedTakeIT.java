package io.github.mpr4j.core.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A take with delete that died between its claim and its delete (the state is written as such a take
 * leaves it): the message is not lost, it is not released early, and it is pending again at its deadline.
 */
@Timeout(30)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MongoInterruptedTakeIT {
  private static final long NOW = 1_700_000_000_000L;
  private static final long DEADLINE = NOW + 60_000;

  @Test
  void a_message_claimed_by_a_take_that_died_before_deleting_it_comes_back_at_its_deadline() {
    MongoSettings settings = MongoServers.settings();
    try (QueueStore store = MongoQueueStores.connect(settings);
        MongoClient mongo = MongoClients.create(settings.connectionString())) {
      store.append(new StoredMessage("m1", "c1", List.of("did:example:a"), NOW,
          EncryptedMessage.ofJson("{\"ciphertext\":\"x\"}"), 0));
      mongo.getDatabase(settings.database()).getCollection("messages").updateOne(Filters.eq("_id", "m1"),
          Updates.combine(Updates.set("u", DEADLINE), Updates.set("k", "a-take-that-died"), Updates.set("d", true)));

      assertEquals(0, store.count("c1", null, NOW), "sending until the deadline");
      assertEquals(0, store.release("c1", null), "a release does not hand it to a second taker early");
      assertEquals(1, store.count("c1", null, DEADLINE));
      List<StoredMessage> taken = store.take(new TakeRequest("c1", null, 10, Long.MAX_VALUE, true, DEADLINE,
          DEADLINE + 60_000));
      assertEquals(List.of("m1"), taken.stream().map(StoredMessage::id).toList());
      assertEquals(0, store.count("c1", null, DEADLINE + 120_000), "deleted by the take that completed");
    }
  }
}
