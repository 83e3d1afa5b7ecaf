package io.github.mpr4j.core.spi;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An optional capability of a {@link QueueStore} that talks to a remote store without holding a thread
 * while it waits: the asynchronous forms of the operations the core runs for every request. The core calls
 * them from the caller's thread instead of handing the synchronous ones to a worker. Each has the
 * semantics of its synchronous form; the futures may complete on a thread of the store, so actions that
 * depend on them must not block, and they fail with the store's exception when it cannot be reached.
 */
public interface AsyncQueueStore {

  /** {@link QueueStore#take} without waiting. */
  CompletableFuture<List<StoredMessage>> takeAsync(TakeRequest request);

  /** {@link QueueStore#remove} without waiting. */
  CompletableFuture<Integer> removeAsync(String connectionId, Collection<String> messageIds);

  /** {@link QueueStore#removeAll} without waiting. */
  CompletableFuture<Integer> removeAllAsync(String connectionId, String recipientDid);

  /** {@link QueueStore#count} without waiting. */
  CompletableFuture<Integer> countAsync(String connectionId, String recipientDid, long nowMillis);
}
