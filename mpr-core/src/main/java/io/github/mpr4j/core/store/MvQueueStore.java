package io.github.mpr4j.core.store;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.util.Collection;
import java.util.List;

/** The embedded durable store on H2's MVStore. (Being written.) */
final class MvQueueStore implements QueueStore {
  MvQueueStore(EmbeddedStoreSettings settings) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void append(StoredMessage message) {}

  @Override
  public List<StoredMessage> take(TakeRequest request) {
    return List.of();
  }

  @Override
  public List<StoredMessage> claim(String connectionId, Collection<String> messageIds, long nowMillis,
      long sendingUntilMillis) {
    return List.of();
  }

  @Override
  public int release(String connectionId, Collection<String> messageIds) {
    return 0;
  }

  @Override
  public int remove(String connectionId, Collection<String> messageIds) {
    return 0;
  }

  @Override
  public int removeAll(String connectionId, String recipientDid) {
    return 0;
  }

  @Override
  public int count(String connectionId, String recipientDid, long nowMillis) {
    return 0;
  }

  @Override
  public String describe() {
    return "embedded";
  }

  @Override
  public void close() {}
}
