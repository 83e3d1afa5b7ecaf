package io.github.mpr4j.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded MVStore store: the store contract, plus what only a durable store on disk must do. */
class EmbeddedQueueStoreTest extends QueueStoreContract {

  @TempDir
  Path dir;

  @Override
  protected QueueStore newStore() {
    return open();
  }

  private QueueStore open() {
    return QueueStores.embedded(new EmbeddedStoreSettings(dir.resolve("store"), 4, false));
  }

  /** Closes the test's store and opens the directory again. */
  private QueueStore reopen() {
    store().close();
    return open();
  }

  @Test
  void reopening_keeps_messages_ids_order_and_states() {
    StoredMessage m1 = new StoredMessage("m1", CONNECTION, List.of(ALICE, BOB), 111L,
        EncryptedMessage.ofJson("{\"ciphertext\":\"one\"}"), 0);
    StoredMessage m2 = new StoredMessage("m2", CONNECTION, List.of(BOB), 222L,
        EncryptedMessage.ofJson("{\"ciphertext\":\"twö\"}"), 0);
    StoredMessage m3 = new StoredMessage("m3", CONNECTION, List.of(ALICE), 333L,
        EncryptedMessage.ofJson("{\"ciphertext\":\"three\"}"), 0);
    store().append(m1);
    store().append(m2);
    store().append(m3);
    store().take(takeRequest(CONNECTION, 1, false)); // m1 sending until LATER

    try (QueueStore reopened = reopen()) {
      assertEquals(2, reopened.count(CONNECTION, null, NOW), "m1 is still sending");
      List<StoredMessage> all = reopened.take(new TakeRequest(CONNECTION, null, 10, Long.MAX_VALUE, true,
          LATER, LATER + 1));
      assertEquals(List.of(m1.withSendingUntil(LATER), m2, m3), all);
    }
  }

  @Test
  void the_sequence_continues_after_the_last_message_on_reopen() {
    appendAll(CONNECTION, "m1", "m2", "m3");
    store().remove(CONNECTION, List.of("m3")); // the newest gone: its sequence must not come back

    try (QueueStore reopened = reopen()) {
      reopened.append(message(CONNECTION, "m4"));
      reopened.append(message(CONNECTION, "m5"));

      assertEquals(List.of("m1", "m2", "m4", "m5"), ids(reopened.take(takeRequest(CONNECTION, 10, true))));
    }
  }

  @Test
  void remove_by_id_finds_messages_after_reopen() {
    appendAll(CONNECTION, "m1", "m2", "m3");

    try (QueueStore reopened = reopen()) {
      assertEquals(2, reopened.remove(CONNECTION, List.of("m3", "m1")));
      assertEquals(List.of("m2"), ids(reopened.take(takeRequest(CONNECTION, 10, true))));
    }
  }

  @Test
  void a_second_open_of_the_same_directory_fails_clearly() {
    IllegalStateException e = assertThrows(IllegalStateException.class, this::open);

    assertTrue(e.getMessage().contains("already open"), e.getMessage());
    assertTrue(store().isReady(), "the first store is unharmed");
    appendAll(CONNECTION, "m1");
    try (QueueStore reopened = reopen()) {
      assertEquals(1, reopened.count(CONNECTION, null, NOW));
    }
  }

  @Test
  void describe_names_the_absolute_directory() {
    assertEquals("embedded(" + dir.resolve("store").toAbsolutePath() + ")", store().describe());
    assertTrue(Files.exists(dir.resolve("store").resolve(MvQueueStore.FILE_NAME)));
  }

  @Test
  void close_is_idempotent_and_calls_after_close_fail() {
    store().close();
    store().close();

    assertFalse(store().isReady());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> store().append(message(CONNECTION, "m1")));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void a_store_with_fsync_keeps_what_it_answered() {
    store().close();
    EmbeddedStoreSettings settings = new EmbeddedStoreSettings(dir.resolve("store"), 1, true);
    try (QueueStore synced = QueueStores.embedded(settings)) {
      synced.append(message(CONNECTION, "m1"));
      synced.append(message(CONNECTION, "m2"));
      synced.take(takeRequest(CONNECTION, 1, true));
    }
    try (QueueStore reopened = QueueStores.embedded(settings)) {
      assertEquals(List.of("m2"), ids(reopened.take(takeRequest(CONNECTION, 10, true))));
    }
  }
}
