package io.github.mpr4j.core.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link QueueStore} must have. A store implementation's test extends this class and
 * supplies {@link #newStore()}; modules outside the core get it through mpr-core's test-jar.
 *
 * <p>Times are explicit ({@code nowMillis}), so nothing here depends on the clock.
 */
@Timeout(60)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
public abstract class QueueStoreContract {

  /** A fixed "now" for the tests. */
  protected static final long NOW = 1_700_000_000_000L;
  /** A sending deadline after {@link #NOW}. */
  protected static final long LATER = NOW + 30_000;
  protected static final String CONNECTION = "connection-1";
  protected static final String ALICE = "did:example:alice";
  protected static final String BOB = "did:example:bob";

  private QueueStore store;

  /** A new, empty store for one test. */
  protected abstract QueueStore newStore();

  /** Closes a store made by {@link #newStore()}; override to clean up more. */
  protected void closeStore(QueueStore store) {
    store.close();
  }

  /** The store of the running test. */
  protected QueueStore store() {
    return store;
  }

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStoreAfterTest() {
    if (store != null) {
      closeStore(store);
    }
  }

  // ---- helpers ----

  /** A pending message for {@link #ALICE} with a small payload naming its id. */
  protected static StoredMessage message(String connectionId, String id) {
    return message(connectionId, id, List.of(ALICE), "{\"ciphertext\":\"" + id + "\"}");
  }

  protected static StoredMessage message(String connectionId, String id, List<String> recipientDids,
      String payloadJson) {
    return new StoredMessage(id, connectionId, recipientDids, NOW - 1000, EncryptedMessage.ofJson(payloadJson), 0);
  }

  /** A payload whose JSON text is exactly {@code bytes} (at least 8) bytes long in UTF-8. */
  protected static String payloadOfSize(int bytes) {
    String head = "{\"c\":\"";
    String tail = "\"}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  protected void appendAll(String connectionId, String... ids) {
    for (String id : ids) {
      store.append(message(connectionId, id));
    }
  }

  protected static TakeRequest takeRequest(String connectionId, int limit, boolean delete) {
    return new TakeRequest(connectionId, null, limit, Long.MAX_VALUE, delete, NOW, LATER);
  }

  protected List<String> take(String connectionId, int limit, boolean delete) {
    return ids(store.take(takeRequest(connectionId, limit, delete)));
  }

  /** Every pending message of a connection, oldest first, without changing anything that stays. */
  protected List<String> pendingIds(String connectionId) {
    List<StoredMessage> all = store.take(new TakeRequest(connectionId, null, 100_000, Long.MAX_VALUE, false,
        NOW, LATER));
    store.release(connectionId, ids(all));
    return ids(all);
  }

  protected static List<String> ids(List<StoredMessage> messages) {
    return messages.stream().map(StoredMessage::id).toList();
  }

  // ---- order and limits ----

  @Test
  void messages_come_back_in_the_order_they_were_appended() {
    appendAll(CONNECTION, "m3", "m1", "m2", "m0");

    assertEquals(List.of("m3", "m1", "m2", "m0"), take(CONNECTION, 10, true));
  }

  @Test
  void a_taken_message_keeps_every_field() {
    StoredMessage sent = new StoredMessage("m1", CONNECTION, List.of(ALICE, BOB), 1234567L,
        EncryptedMessage.ofJson("{\"protected\":\"eyJ\",\"iv\":\"abc\",\"ciphertext\":\"xyz\",\"tag\":\"t\"}"), 0);
    store.append(sent);

    List<StoredMessage> taken = store.take(takeRequest(CONNECTION, 1, true));

    assertEquals(List.of(sent), taken);
  }

  @Test
  void take_returns_at_most_limit_messages_oldest_first() {
    appendAll(CONNECTION, "m1", "m2", "m3", "m4");

    assertEquals(List.of("m1", "m2"), take(CONNECTION, 2, true));
    assertEquals(List.of("m3", "m4"), take(CONNECTION, 5, true));
  }

  @Test
  void take_stops_before_the_first_message_that_would_exceed_limit_bytes() {
    store.append(message(CONNECTION, "a", List.of(ALICE), payloadOfSize(20)));
    store.append(message(CONNECTION, "b", List.of(ALICE), payloadOfSize(20)));
    store.append(message(CONNECTION, "c", List.of(ALICE), payloadOfSize(40)));
    store.append(message(CONNECTION, "d", List.of(ALICE), payloadOfSize(10)));

    List<StoredMessage> taken = store.take(new TakeRequest(CONNECTION, null, 10, 50, true, NOW, LATER));

    assertEquals(List.of("a", "b"), ids(taken), "stops at c and does not skip ahead to the smaller d");
    assertEquals(List.of("c", "d"), pendingIds(CONNECTION));
  }

  @Test
  void take_allows_a_total_exactly_equal_to_limit_bytes() {
    store.append(message(CONNECTION, "a", List.of(ALICE), payloadOfSize(10)));
    store.append(message(CONNECTION, "b", List.of(ALICE), payloadOfSize(15)));

    List<StoredMessage> taken = store.take(new TakeRequest(CONNECTION, null, 10, 25, true, NOW, LATER));

    assertEquals(List.of("a", "b"), ids(taken));
  }

  @Test
  void take_returns_nothing_when_the_first_message_is_larger_than_limit_bytes() {
    store.append(message(CONNECTION, "big", List.of(ALICE), payloadOfSize(100)));
    store.append(message(CONNECTION, "small", List.of(ALICE), payloadOfSize(10)));

    List<StoredMessage> taken = store.take(new TakeRequest(CONNECTION, null, 10, 50, true, NOW, LATER));

    assertEquals(List.of(), taken);
    assertEquals(2, store.count(CONNECTION, null, NOW));
  }

  @Test
  void limit_bytes_counts_unicode_payloads_in_utf8_bytes() {
    // "é" is 2 bytes, "€" 3, "😀" 4 (a surrogate pair: 2 chars) in UTF-8
    String json = "{\"c\":\"é€😀\"}";
    EncryptedMessage payload = EncryptedMessage.ofJson(json);
    int utf8 = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    assertEquals(utf8, payload.byteSize());
    assertTrue(utf8 > json.length(), "the test needs more bytes than chars");
    store.append(message(CONNECTION, "u1", List.of(ALICE), json));
    store.append(message(CONNECTION, "u2", List.of(ALICE), json));

    List<StoredMessage> oneByChars = store.take(
        new TakeRequest(CONNECTION, null, 10, 2L * json.length(), false, NOW, LATER));
    List<StoredMessage> twoByBytes = store.take(
        new TakeRequest(CONNECTION, null, 10, 2L * utf8, false, NOW + 60_000, NOW + 90_000));

    assertEquals(List.of("u1"), ids(oneByChars));
    assertEquals(List.of("u1", "u2"), ids(twoByBytes));
    assertEquals(json, twoByBytes.get(1).payload().json());
  }

  // ---- recipient filter ----

  @Test
  void take_with_a_recipient_returns_only_messages_for_that_recipient() {
    store.append(message(CONNECTION, "a", List.of(ALICE), "{}"));
    store.append(message(CONNECTION, "b", List.of(BOB), "{}"));
    store.append(message(CONNECTION, "ab", List.of(BOB, ALICE), "{}"));

    List<StoredMessage> forAlice = store.take(new TakeRequest(CONNECTION, ALICE, 10, Long.MAX_VALUE, true,
        NOW, LATER));

    assertEquals(List.of("a", "ab"), ids(forAlice));
    assertEquals(List.of("b"), pendingIds(CONNECTION));
  }

  @Test
  void take_with_an_unknown_recipient_returns_nothing() {
    appendAll(CONNECTION, "m1");

    assertEquals(List.of(), store.take(new TakeRequest(CONNECTION, "did:example:nobody", 10, Long.MAX_VALUE,
        true, NOW, LATER)));
  }

  // ---- delete versus sending, visibility ----

  @Test
  void take_with_delete_removes_the_messages() {
    appendAll(CONNECTION, "m1", "m2");

    take(CONNECTION, 10, true);

    assertEquals(0, store.count(CONNECTION, null, LATER + 1));
    assertEquals(List.of(), store.take(new TakeRequest(CONNECTION, null, 10, Long.MAX_VALUE, true, LATER + 1,
        LATER + 2)));
  }

  @Test
  void take_without_delete_marks_the_messages_sending_and_returns_them_as_they_were() {
    appendAll(CONNECTION, "m1", "m2", "m3");

    List<StoredMessage> taken = store.take(takeRequest(CONNECTION, 2, false));

    assertEquals(List.of("m1", "m2"), ids(taken));
    assertTrue(taken.stream().allMatch(m -> m.sendingUntilMillis() == 0), "as they were before the change");
    assertEquals(List.of("m3"), take(CONNECTION, 10, false), "sending messages are skipped");
    assertEquals(0, store.count(CONNECTION, null, NOW));
  }

  @Test
  void a_sending_message_is_pending_again_once_its_deadline_is_reached() {
    appendAll(CONNECTION, "m1", "m2");
    store.take(new TakeRequest(CONNECTION, null, 1, Long.MAX_VALUE, false, NOW, LATER));

    assertEquals(1, store.count(CONNECTION, null, LATER - 1));
    assertEquals(2, store.count(CONNECTION, null, LATER), "sendingUntilMillis <= now counts as pending");
    List<StoredMessage> before = store.take(new TakeRequest(CONNECTION, null, 10, Long.MAX_VALUE, false,
        LATER - 1, LATER + 10_000));
    assertEquals(List.of("m2"), ids(before));
    List<StoredMessage> after = store.take(new TakeRequest(CONNECTION, null, 10, Long.MAX_VALUE, false,
        LATER, LATER + 10_000));
    assertEquals(List.of("m1"), ids(after));
    assertEquals(LATER, after.get(0).sendingUntilMillis(), "returned as it was: sending until LATER");
    assertEquals(message(CONNECTION, "m1").payload(), after.get(0).payload(), "with its payload");
    assertEquals(List.of(ALICE), after.get(0).recipientDids());
  }

  @Test
  void a_message_appended_as_sending_is_skipped_until_released_or_its_deadline() {
    appendAll(CONNECTION, "m1");
    store.append(message(CONNECTION, "m2").withSendingUntil(LATER));
    appendAll(CONNECTION, "m3");

    assertEquals(2, store.count(CONNECTION, null, NOW));
    assertEquals(List.of("m1", "m3"), pendingIds(CONNECTION));
    assertEquals(1, store.release(CONNECTION, List.of("m2")));
    assertEquals(List.of("m1", "m2", "m3"), pendingIds(CONNECTION));
  }

  // ---- claim and release ----

  @Test
  void claim_marks_only_pending_messages_and_returns_them_oldest_first() {
    appendAll(CONNECTION, "m1", "m2", "m3", "m4");
    take(CONNECTION, 1, false); // m1 sending

    List<StoredMessage> claimed = store.claim(CONNECTION, List.of("m4", "m1", "m2", "unknown"), NOW, LATER);

    assertEquals(List.of("m2", "m4"), ids(claimed));
    assertEquals(List.of("m3"), pendingIds(CONNECTION));
  }

  @Test
  void claim_takes_a_sending_message_whose_deadline_has_passed() {
    appendAll(CONNECTION, "m1");
    take(CONNECTION, 1, false);

    assertEquals(List.of(), ids(store.claim(CONNECTION, List.of("m1"), LATER - 1, LATER + 10)));
    assertEquals(List.of("m1"), ids(store.claim(CONNECTION, List.of("m1"), LATER, LATER + 10)));
    assertEquals(0, store.count(CONNECTION, null, LATER + 9));
  }

  @Test
  void claim_ignores_messages_of_other_connections() {
    appendAll("other", "m1");

    assertEquals(List.of(), store.claim(CONNECTION, List.of("m1"), NOW, LATER));
    assertEquals(1, store.count("other", null, NOW));
  }

  @Test
  void release_of_all_returns_every_sending_message_to_pending() {
    appendAll(CONNECTION, "m1", "m2", "m3");
    take(CONNECTION, 2, false);

    assertEquals(2, store.release(CONNECTION, null));

    assertEquals(List.of("m1", "m2", "m3"), take(CONNECTION, 10, false));
  }

  @Test
  void release_of_ids_returns_only_those_and_counts_only_sending_ones() {
    appendAll(CONNECTION, "m1", "m2", "m3", "m4");
    take(CONNECTION, 3, false);

    assertEquals(1, store.release(CONNECTION, List.of("m2", "m4", "unknown")));

    assertEquals(List.of("m2", "m4"), take(CONNECTION, 10, false));
  }

  @Test
  void released_messages_come_back_in_their_original_order() {
    appendAll(CONNECTION, "m1", "m2", "m3");
    take(CONNECTION, 3, false);
    store.release(CONNECTION, List.of("m3"));
    store.release(CONNECTION, List.of("m1"));

    assertEquals(List.of("m1", "m3"), take(CONNECTION, 10, true));
  }

  // ---- removal ----

  @Test
  void remove_deletes_messages_in_any_state_and_ignores_unknown_ids() {
    appendAll(CONNECTION, "m1", "m2", "m3");
    take(CONNECTION, 1, false); // m1 sending

    assertEquals(2, store.remove(CONNECTION, List.of("m1", "m3", "unknown")));

    assertEquals(List.of("m2"), pendingIds(CONNECTION));
    assertEquals(0, store.remove(CONNECTION, List.of("m1")), "already gone");
  }

  @Test
  void remove_ignores_messages_of_other_connections() {
    appendAll("other", "m1");

    assertEquals(0, store.remove(CONNECTION, List.of("m1")));
    assertEquals(List.of("m1"), pendingIds("other"));
  }

  @Test
  void remove_all_removes_only_the_messages_for_that_recipient_in_any_state() {
    store.append(message(CONNECTION, "a1", List.of(ALICE), "{}"));
    store.append(message(CONNECTION, "b1", List.of(BOB), "{}"));
    store.append(message(CONNECTION, "ab", List.of(BOB, ALICE), "{}"));
    store.append(message(CONNECTION, "a2", List.of(ALICE), "{}"));
    store.append(message("other", "a3", List.of(ALICE), "{}"));
    take(CONNECTION, 1, false); // a1 sending

    assertEquals(3, store.removeAll(CONNECTION, ALICE));

    assertEquals(List.of("b1"), pendingIds(CONNECTION));
    assertEquals(List.of("a3"), pendingIds("other"));
  }

  @Test
  void a_connection_emptied_by_removal_takes_new_messages() {
    appendAll(CONNECTION, "m1");
    store.remove(CONNECTION, List.of("m1"));

    appendAll(CONNECTION, "m2", "m3");

    assertEquals(List.of("m2", "m3"), take(CONNECTION, 10, true));
  }

  // ---- count and isolation ----

  @Test
  void count_counts_pending_messages_at_now_for_one_recipient_or_all() {
    store.append(message(CONNECTION, "a", List.of(ALICE), "{}"));
    store.append(message(CONNECTION, "b", List.of(BOB), "{}"));
    store.append(message(CONNECTION, "ab", List.of(ALICE, BOB), "{}"));
    store.append(message(CONNECTION, "a2", List.of(ALICE), "{}"));
    take(CONNECTION, 1, false); // a sending until LATER

    assertEquals(3, store.count(CONNECTION, null, NOW));
    assertEquals(2, store.count(CONNECTION, ALICE, NOW));
    assertEquals(2, store.count(CONNECTION, BOB, NOW));
    assertEquals(3, store.count(CONNECTION, ALICE, LATER));
    assertEquals(0, store.count(CONNECTION, "did:example:nobody", NOW));
  }

  @Test
  void an_unknown_connection_is_empty() {
    assertEquals(List.of(), take("nobody", 10, true));
    assertEquals(0, store.count("nobody", null, NOW));
    assertEquals(0, store.release("nobody", null));
    assertEquals(0, store.remove("nobody", List.of("m1")));
    assertEquals(0, store.removeAll("nobody", ALICE));
    assertEquals(List.of(), store.claim("nobody", List.of("m1"), NOW, LATER));
  }

  @Test
  void connections_are_isolated() {
    appendAll("c1", "x1", "x2");
    appendAll("c2", "y1");
    appendAll("c1x", "z1"); // a connection id that extends another one

    assertEquals(List.of("x1", "x2"), take("c1", 10, false));
    assertEquals(1, store.count("c2", null, NOW));
    assertEquals(1, store.count("c1x", null, NOW));
    assertEquals(0, store.release("c2", null), "nothing of c2 is sending");
    assertEquals(1, store.removeAll("c2", ALICE));
    assertEquals(List.of("z1"), take("c1x", 10, true));
    assertEquals(2, store.release("c1", null));
  }

  @Test
  void store_describes_itself_and_is_ready_while_open() {
    assertTrue(store.isReady());
    assertTrue(!store.describe().isBlank());
  }

  // ---- concurrency ----

  @Test
  void concurrent_takes_from_eight_threads_never_return_a_message_twice_and_lose_none() throws Exception {
    int messages = 800;
    for (int i = 0; i < messages; i++) {
      store.append(message(CONNECTION, "m" + i));
    }
    List<String> taken = Collections.synchronizedList(new ArrayList<>());
    runConcurrently(8, thread -> {
      boolean delete = thread % 2 == 0;
      for (int round = 0; round < messages; round++) { // bounded: each round takes at least one or stops
        List<String> batch = take(CONNECTION, 7, delete);
        if (batch.isEmpty()) {
          return;
        }
        taken.addAll(batch);
      }
    });

    assertEquals(messages, taken.size(), "no message returned twice");
    assertEquals(messages, new HashSet<>(taken).size(), "none lost");
    assertEquals(0, store.count(CONNECTION, null, NOW));
  }

  @Test
  void concurrent_appends_keep_every_message_in_each_writers_order() throws Exception {
    int threads = 8;
    int perThread = 100;
    runConcurrently(threads, thread -> {
      for (int i = 0; i < perThread; i++) {
        store.append(message(CONNECTION, "t" + thread + "-" + i));
      }
    });

    List<String> all = take(CONNECTION, threads * perThread + 1, true);
    assertEquals(threads * perThread, all.size());
    assertEquals(threads * perThread, new HashSet<>(all).size());
    for (int t = 0; t < threads; t++) {
      String prefix = "t" + t + "-";
      List<String> own = all.stream().filter(id -> id.startsWith(prefix)).toList();
      assertEquals(IntStream.range(0, perThread).mapToObj(i -> prefix + i).toList(), own);
    }
  }

  /** Work for one thread of {@link #runConcurrently}. */
  public interface ThreadBody {
    void run(int thread) throws Exception;
  }

  /** Runs {@code body} on {@code threads} threads released together, and fails with the first failure. */
  public static void runConcurrently(int threads, ThreadBody body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Void>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Void> task = () -> {
          start.await();
          body.run(thread);
          return null;
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
