package io.github.mpr4j.core.embedded;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Queues in heap memory. Every operation on a connection runs inside {@link ConcurrentHashMap#compute},
 * which makes it atomic and lets an emptied queue leave the map without racing an append.
 */
final class MemoryQueueStore implements QueueStore {

  /** One connection's messages in insertion order; only touched inside compute of its map entry. */
  private static final class Queue {
    final LinkedHashMap<String, StoredMessage> messages = new LinkedHashMap<>();
  }

  private final ConcurrentHashMap<String, Queue> queues = new ConcurrentHashMap<>();

  @Override
  public boolean isNonBlocking() {
    return true;
  }

  @Override
  public void append(StoredMessage message) {
    queues.compute(message.connectionId(), (k, q) -> {
      Queue queue = q != null ? q : new Queue();
      queue.messages.put(message.id(), message);
      return queue;
    });
  }

  @Override
  public List<StoredMessage> take(TakeRequest r) {
    List<StoredMessage> taken = new ArrayList<>();
    queues.computeIfPresent(r.connectionId(), (k, q) -> {
      long bytes = 0;
      for (Iterator<Map.Entry<String, StoredMessage>> it = q.messages.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, StoredMessage> e = it.next();
        StoredMessage m = e.getValue();
        if (!m.isPendingAt(r.nowMillis()) || !m.isFor(r.recipientDid())) {
          continue;
        }
        long size = m.payload().byteSize();
        if (bytes + size > r.limitBytes()) {
          break;
        }
        bytes += size;
        taken.add(m);
        if (r.delete()) {
          it.remove();
        } else {
          e.setValue(m.withSendingUntil(r.sendingUntilMillis()));
        }
        if (taken.size() >= r.limit()) {
          break;
        }
      }
      return q.messages.isEmpty() ? null : q;
    });
    return taken;
  }

  @Override
  public List<StoredMessage> claim(String connectionId, Collection<String> messageIds, long nowMillis,
      long sendingUntilMillis) {
    List<StoredMessage> claimed = new ArrayList<>();
    queues.computeIfPresent(connectionId, (k, q) -> {
      for (String id : messageIds) {
        StoredMessage m = q.messages.get(id);
        if (m != null && m.isPendingAt(nowMillis)) {
          claimed.add(m);
          q.messages.put(id, m.withSendingUntil(sendingUntilMillis));
        }
      }
      if (claimed.size() > 1) {
        claimed.sort(inQueueOrder(q));
      }
      return q;
    });
    return claimed;
  }

  @Override
  public int release(String connectionId, Collection<String> messageIds) {
    int[] released = {0};
    queues.computeIfPresent(connectionId, (k, q) -> {
      if (messageIds == null) {
        for (Map.Entry<String, StoredMessage> e : q.messages.entrySet()) {
          if (e.getValue().sendingUntilMillis() != 0) {
            e.setValue(e.getValue().withSendingUntil(0));
            released[0]++;
          }
        }
      } else {
        for (String id : messageIds) {
          StoredMessage m = q.messages.get(id);
          if (m != null && m.sendingUntilMillis() != 0) {
            q.messages.put(id, m.withSendingUntil(0));
            released[0]++;
          }
        }
      }
      return q;
    });
    return released[0];
  }

  /** Orders messages of one queue as they stand in it (a claim of several ids may name them in any order). */
  private static Comparator<StoredMessage> inQueueOrder(Queue q) {
    Map<String, Integer> position = new HashMap<>();
    int i = 0;
    for (String id : q.messages.keySet()) {
      position.put(id, i++);
    }
    return Comparator.comparingInt(m -> position.get(m.id()));
  }

  @Override
  public int remove(String connectionId, Collection<String> messageIds) {
    int[] removed = {0};
    queues.computeIfPresent(connectionId, (k, q) -> {
      for (String id : messageIds) {
        if (q.messages.remove(id) != null) {
          removed[0]++;
        }
      }
      return q.messages.isEmpty() ? null : q;
    });
    return removed[0];
  }

  @Override
  public int removeAll(String connectionId, String recipientDid) {
    int[] removed = {0};
    queues.computeIfPresent(connectionId, (k, q) -> {
      for (Iterator<StoredMessage> it = q.messages.values().iterator(); it.hasNext(); ) {
        if (it.next().isFor(recipientDid)) {
          it.remove();
          removed[0]++;
        }
      }
      return q.messages.isEmpty() ? null : q;
    });
    return removed[0];
  }

  @Override
  public int count(String connectionId, String recipientDid, long nowMillis) {
    int[] count = {0};
    queues.computeIfPresent(connectionId, (k, q) -> {
      for (StoredMessage m : q.messages.values()) {
        if (m.isPendingAt(nowMillis) && m.isFor(recipientDid)) {
          count[0]++;
        }
      }
      return q;
    });
    return count[0];
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public void close() {
    queues.clear();
  }
}
