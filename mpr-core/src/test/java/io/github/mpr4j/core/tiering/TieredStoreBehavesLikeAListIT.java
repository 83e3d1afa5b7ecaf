package io.github.mpr4j.core.tiering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Model-based: random sequences of every store operation, interleaved with mover rounds and the passing of
 * time, give the same answers from the tiered store as from a list per connection (the model below). Seeded;
 * a failure names its seed and step. Bounded: a fixed number of steps per seed.
 */
@Timeout(120)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TieredStoreBehavesLikeAListIT {
  private static final int STEPS = 400;
  private static final String[] CONNECTIONS = {"c0", "c1", "c2"};
  private static final String[] DIDS = {"did:example:alice", "did:example:bob"};

  @ParameterizedTest(name = "seed {0}, write-through {1}")
  @CsvSource({"1,false", "2,false", "3,false", "4,true", "5,true"})
  void random_operations_give_the_answers_of_the_model(long seed, boolean writeThrough) throws Exception {
    try (TierFixture f = new TierFixture()) {
      TieredQueueStore store = f.store(writeThrough);
      Model model = new Model();
      Random random = new Random(seed);
      long now = System.currentTimeMillis();
      List<String> ids = new ArrayList<>();
      int step = 0;
      try {
        for (; step < STEPS; step++) {
          String c = CONNECTIONS[random.nextInt(CONNECTIONS.length)];
          String did = random.nextInt(3) == 0 ? DIDS[random.nextInt(DIDS.length)] : null;
          switch (random.nextInt(12)) {
            case 0, 1, 2 -> {
              String id = "m" + step;
              ids.add(id);
              List<String> recipients = random.nextBoolean() ? List.of(DIDS[0]) : random.nextBoolean()
                  ? List.of(DIDS[1]) : List.of(DIDS[1], DIDS[0]);
              StoredMessage m = new StoredMessage(id, c, recipients, now,
                  EncryptedMessage.ofJson("{\"c\":\"" + "x".repeat(random.nextInt(50)) + "\"}"),
                  random.nextInt(8) == 0 ? now + 2_000 : 0);
              store.append(m);
              model.append(m);
            }
            case 3, 4 -> {
              TakeRequest r = new TakeRequest(c, did, 1 + random.nextInt(5),
                  random.nextBoolean() ? Long.MAX_VALUE : 20 + random.nextInt(150), random.nextBoolean(), now,
                  now + 1_000 + random.nextInt(3_000));
              assertEquals(model.take(r), store.take(r), "take " + r);
            }
            case 5 -> {
              List<String> some = pick(random, ids);
              long until = now + 1_000 + random.nextInt(3_000);
              assertEquals(model.claim(c, some, now, until), store.claim(c, some, now, until), "claim " + some);
            }
            case 6 -> {
              List<String> some = random.nextBoolean() ? null : pick(random, ids);
              assertEquals(model.release(c, some), store.release(c, some), "release " + some);
            }
            case 7 -> {
              List<String> some = pick(random, ids);
              assertEquals(model.remove(c, some), store.remove(c, some), "remove " + some);
            }
            case 8 -> {
              if (random.nextInt(4) == 0) {
                String d = DIDS[random.nextInt(DIDS.length)];
                assertEquals(model.removeAll(c, d), store.removeAll(c, d), "removeAll " + d);
              }
            }
            case 9 -> assertEquals(model.count(c, did, now), store.count(c, did, now), "count " + did);
            case 10 -> store.mover().runOnce(now);
            default -> now += random.nextInt(1_500);
          }
        }
        for (String c : CONNECTIONS) {
          TakeRequest all = new TakeRequest(c, null, 10_000, Long.MAX_VALUE, true, now + 10_000, now + 20_000);
          assertEquals(model.take(all), store.take(all), "the final drain of " + c);
        }
        assertTrue(store.mover().moved() > 20, "messages moved during the run: " + store.mover().moved());
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ", step " + step + ": " + e.getMessage(), e);
      }
    }
  }

  private static List<String> pick(Random random, List<String> ids) {
    List<String> out = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n && !ids.isEmpty(); i++) {
      out.add(ids.get(random.nextInt(ids.size())));
    }
    if (random.nextInt(4) == 0) {
      out.add("unknown");
    }
    return out;
  }

  /** The reference: each connection a list in append order; a message a value with its deadline. */
  private static final class Model {
    private final Map<String, List<StoredMessage>> queues = new HashMap<>();

    void append(StoredMessage m) {
      queues.computeIfAbsent(m.connectionId(), k -> new ArrayList<>()).add(m);
    }

    List<StoredMessage> take(TakeRequest r) {
      List<StoredMessage> q = queues.getOrDefault(r.connectionId(), new ArrayList<>());
      List<StoredMessage> out = new ArrayList<>();
      long bytes = 0;
      for (StoredMessage m : q) {
        if (out.size() == r.limit()) {
          break;
        }
        if (m.isPendingAt(r.nowMillis()) && m.isFor(r.recipientDid())) {
          if (bytes + m.payload().byteSize() > r.limitBytes()) {
            break;
          }
          bytes += m.payload().byteSize();
          out.add(m);
        }
      }
      Set<String> taken = new HashSet<>(out.stream().map(StoredMessage::id).toList());
      for (int i = 0; i < q.size(); i++) {
        if (taken.contains(q.get(i).id()) && !r.delete()) {
          q.set(i, q.get(i).withSendingUntil(r.sendingUntilMillis()));
        }
      }
      if (r.delete()) {
        q.removeIf(m -> taken.contains(m.id()));
      }
      return out;
    }

    List<StoredMessage> claim(String c, Collection<String> ids, long now, long until) {
      List<StoredMessage> q = queues.getOrDefault(c, new ArrayList<>());
      List<StoredMessage> out = new ArrayList<>();
      for (int i = 0; i < q.size(); i++) {
        StoredMessage m = q.get(i);
        if (ids.contains(m.id()) && m.isPendingAt(now)) {
          out.add(m);
          q.set(i, m.withSendingUntil(until));
        }
      }
      return out;
    }

    int release(String c, Collection<String> ids) {
      List<StoredMessage> q = queues.getOrDefault(c, new ArrayList<>());
      int n = 0;
      for (int i = 0; i < q.size(); i++) {
        StoredMessage m = q.get(i);
        if (m.sendingUntilMillis() != 0 && (ids == null || ids.contains(m.id()))) {
          q.set(i, m.withSendingUntil(0));
          n++;
        }
      }
      return n;
    }

    int remove(String c, Collection<String> ids) {
      int n = 0;
      for (Iterator<StoredMessage> it = queues.getOrDefault(c, new ArrayList<>()).iterator(); it.hasNext(); ) {
        if (ids.contains(it.next().id())) {
          it.remove();
          n++;
        }
      }
      return n;
    }

    int removeAll(String c, String did) {
      int n = 0;
      for (Iterator<StoredMessage> it = queues.getOrDefault(c, new ArrayList<>()).iterator(); it.hasNext(); ) {
        if (it.next().isFor(did)) {
          it.remove();
          n++;
        }
      }
      return n;
    }

    int count(String c, String did, long now) {
      return (int) queues.getOrDefault(c, List.of()).stream().filter(m -> m.isPendingAt(now) && m.isFor(did)).count();
    }
  }
}
