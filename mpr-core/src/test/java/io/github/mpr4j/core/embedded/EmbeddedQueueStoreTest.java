package io.github.mpr4j.core.embedded;

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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
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

  @Test
  void appending_an_id_again_replaces_the_message_where_it_was() {
    appendAll(CONNECTION, "m1", "m2");
    store().append(message(CONNECTION, "m1", List.of(BOB), "{\"ciphertext\":\"again\"}"));

    try (QueueStore reopened = reopen()) {
      List<StoredMessage> all = reopened.take(takeRequest(CONNECTION, 10, true));
      assertEquals(List.of("m1", "m2"), ids(all));
      assertEquals(List.of(BOB), all.get(0).recipientDids());
      assertEquals("{\"ciphertext\":\"again\"}", all.get(0).payload().json());
    }
  }

  @Test
  void a_long_queue_keeps_its_order_through_removals_from_the_middle_and_a_reopen() {
    List<String> kept = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String id = "m" + i;
      store().append(message(CONNECTION, id));
      (i % 3 == 0 ? kept : removed).add(id);
    }
    assertEquals(removed.size(), store().remove(CONNECTION, removed));
    store().claim(CONNECTION, kept.subList(0, 10), NOW, LATER);
    assertEquals(kept.size() - 10, store().count(CONNECTION, null, NOW));
    assertEquals(kept.subList(10, kept.size()), pendingIds(CONNECTION));

    try (QueueStore reopened = reopen()) {
      assertEquals(kept.size() - 10, reopened.count(CONNECTION, null, NOW));
      assertEquals(10, reopened.release(CONNECTION, null));
      assertEquals(kept, ids(reopened.take(new TakeRequest(CONNECTION, null, 1000, Long.MAX_VALUE, true, NOW,
          LATER))));
      assertEquals(0, reopened.count(CONNECTION, null, NOW));
    }
  }

  @Test
  void leftovers_of_a_crash_in_the_middle_of_a_removal_are_ignored_or_cleaned_on_open() {
    appendAll(CONNECTION, "m1", "m2", "m3");
    store().claim(CONNECTION, List.of("m2"), NOW, LATER);
    store().close();
    // the first step of removing m2 (its record) reached the file, its deadline and index entry did not
    long m2 = editFile(queue -> queue.remove(MvKeys.record(MvKeys.longOf(queue.get(MvKeys.index("m2"))))));

    try (QueueStore reopened = open()) {
      assertEquals(List.of("m1", "m3"), ids(reopened.take(new TakeRequest(CONNECTION, null, 10, Long.MAX_VALUE,
          false, LATER, LATER + 1))));
      assertEquals(0, reopened.remove(CONNECTION, List.of("m2")), "the index entry finds nothing");
      assertEquals(0, reopened.release(CONNECTION, List.of("m2")));
      reopened.append(message(CONNECTION, "m2"));
      assertEquals(1, reopened.count(CONNECTION, null, NOW), "m1 and m3 are sending, m2 is new");
      assertTrue(MvKeys.longOf(((MvQueueStore) reopened).mvStore().<byte[], byte[]>openMap("queue")
          .get(MvKeys.index("m2"))) > m2, "appended again at the end");
    }
    editFile(queue -> assertEquals(null, queue.get(MvKeys.state(m2)), "the deadline without a record is gone"));
  }

  /** Opens the closed store's file directly, runs {@code edit} on its map, and returns the sequence of m2. */
  private long editFile(Consumer<MVMap<byte[], byte[]>> edit) {
    MVStore raw = new MVStore.Builder().fileName(dir.resolve("store").resolve(MvQueueStore.FILE_NAME).toString())
        .open();
    try {
      MVMap<byte[], byte[]> queue = raw.openMap("queue", new MVMap.Builder<byte[], byte[]>()
          .keyType(ByteArrayDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
      long m2 = MvKeys.longOf(queue.get(MvKeys.index("m2")));
      edit.accept(queue);
      raw.commit();
      return m2;
    } finally {
      raw.close();
    }
  }
}
