package io.github.mpr4j.core.postgres;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.TestFixtures.RecordingPushNotifier;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Takes running at the same time on two instances (pickup queues, each with its own PostgreSQL backend) on one
 * database: each message is handed out once, none is lost, and a take skips the rows another transaction holds
 * locked instead of waiting behind it.
 */
@Timeout(120)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostgresConcurrentTakesIT {
  private static final int CONNECTIONS = 4;
  private static final int PER_CONNECTION = 410;
  private static final int TAKERS_PER_INSTANCE = 4;

  private final List<AutoCloseable> open = new ArrayList<>();
  private String url;
  private PickupQueue a;
  private PickupQueue b;

  @BeforeEach
  void startInstances() {
    url = PostgresServers.shared().newDatabase();
    a = queue();
    b = queue();
  }

  private PickupQueue queue() {
    PostgresBackend backend = PostgresBackend.open(PostgresSettings.of(url + "?user=mpr"), Duration.ofSeconds(5));
    open.add(backend);
    PickupQueue q = PickupQueue.builder().backend(backend).pushNotifier(new RecordingPushNotifier()).build();
    open.add(0, q);
    return q;
  }

  @AfterEach
  void closeInstances() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private static String connection(int i) {
    return "c" + (i % CONNECTIONS);
  }

  @Test
  void concurrent_takes_on_two_instances_hand_out_every_message_exactly_once() throws Exception {
    MessagePickupRepository adder = a.openRepository();
    Set<String> added = new HashSet<>();
    List<CompletableFuture<String>> adds = new ArrayList<>();
    for (int i = 0; i < CONNECTIONS * PER_CONNECTION; i++) {
      adds.add(adder.addMessage(message(connection(i), "m" + i)));
      if (adds.size() == 200) {
        adds.forEach(f -> added.add(f.join()));
        adds.clear();
      }
    }
    adds.forEach(f -> added.add(f.join()));
    assertEquals(CONNECTIONS * PER_CONNECTION, added.size());

    Map<String, AtomicInteger> handedOut = new ConcurrentHashMap<>();
    AtomicInteger total = new AtomicInteger();
    ExecutorService takers = Executors.newFixedThreadPool(2 * TAKERS_PER_INSTANCE);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> running = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int t = 0; t < 2 * TAKERS_PER_INSTANCE; t++) {
      MessagePickupRepository repository = (t % 2 == 0 ? a : b).openRepository();
      int taker = t;
      running.add(takers.submit(() -> {
        go.await();
        for (int round = 0; round < 10_000 && total.get() < added.size() && System.nanoTime() < deadline; round++) {
          List<QueuedMessage> got = repository.takeFromQueue(
              TakeFromQueueOptions.builder(connection(taker + round)).limit(7).build()).join();
          for (QueuedMessage m : got) {
            handedOut.computeIfAbsent(m.id(), id -> new AtomicInteger()).incrementAndGet();
          }
          total.addAndGet(got.size());
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : running) {
      f.get(90, TimeUnit.SECONDS);
    }
    takers.shutdown();

    long twice = handedOut.values().stream().filter(n -> n.get() > 1).count();
    assertEquals(0, twice, twice + " of " + added.size() + " handed out more than once");
    assertEquals(added, handedOut.keySet(), "every message handed out, none lost");
    assertEquals(added.size(), total.get());
  }

  @Test
  void a_take_skips_rows_another_transaction_holds_locked_instead_of_waiting_behind_it() throws Exception {
    MessagePickupRepository repository = a.openRepository();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(repository.addMessage(message("c1", "m" + i)).join());
    }
    try (Connection holder = DriverManager.getConnection(url, "mpr", "")) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement();
          ResultSet r = s.executeQuery("SELECT id FROM mpr_messages WHERE connection_id = 'c1' ORDER BY seq LIMIT 3"
              + " FOR UPDATE")) {
        while (r.next()) {
          assertTrue(ids.subList(0, 3).contains(r.getString(1)));
        }
      }

      long start = System.nanoTime();
      List<QueuedMessage> got = b.openRepository().takeFromQueue(TakeFromQueueOptions.builder("c1").build())
          .get(3, TimeUnit.SECONDS);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertEquals(ids.subList(3, 6), got.stream().map(QueuedMessage::id).toList(), "the rows not locked");
      assertTrue(tookMillis < 2_000, "the take waited " + tookMillis + " ms");
      holder.rollback();
    }
    assertEquals(ids.subList(0, 3), repository.takeFromQueue(TakeFromQueueOptions.builder("c1").build()).join()
        .stream().map(QueuedMessage::id).toList(), "once released, the rows that were locked");
  }
}
