package io.github.mpr4j.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Completions of Redis calls run on the pipeline's sender threads. A synchronous store call made there (an
 * action that depends on a reply) must be answered, not wait behind the very thread that waits for it.
 */
class AStoreCallMadeWhileCompletingACallIsAnsweredIT {
  private final RedisBackend backend = RedisBackend.connect(RedisSettings.single(RedisServers.single().uri()));

  @AfterEach
  void close() {
    backend.close();
  }

  @Test
  void a_take_waited_for_inside_a_completion_is_answered() throws Exception {
    QueueStore store = backend.queueStore();
    boolean onSender = false;
    // a completion runs on the sender thread unless the call was answered before the completion was
    // attached (then on this thread): a few attempts make sure the case under test happened
    for (int attempt = 0; attempt < 20 && !onSender; attempt++) {
      String connection = "completion-conn-" + attempt;
      long now = System.currentTimeMillis();
      store.append(new StoredMessage("m1", connection, List.of("did:a"), now,
          EncryptedMessage.ofJson("{\"ciphertext\":\"a\"}"), 0));
      String[] thread = new String[1];

      List<String> taken = backend.count(connection, null, now)
          .thenApply(count -> {
            thread[0] = Thread.currentThread().getName();
            return store.take(new TakeRequest(connection, null, 10, Long.MAX_VALUE, true, now, now + 60_000))
                .stream().map(StoredMessage::id).toList();
          })
          .get(10, TimeUnit.SECONDS);

      assertEquals(List.of("m1"), taken);
      onSender = thread[0].startsWith("mpr-redis-pipeline");
    }
    assertTrue(onSender, "no completion ran on a sender thread");
  }
}
