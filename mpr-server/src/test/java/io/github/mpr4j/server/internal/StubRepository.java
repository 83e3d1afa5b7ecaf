package io.github.mpr4j.server.internal;

import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.MessagesReceivedListener;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A repository for handler tests: getAvailableMessageCount returns futures the test completes,
 * takeFromQueue what {@link #takeResult} supplies, every other call completes at once.
 */
final class StubRepository implements MessagePickupRepository {
  final List<CompletableFuture<Integer>> pendingCounts = new ArrayList<>();
  final List<MessagesReceivedListener> listeners = new ArrayList<>();
  Supplier<CompletableFuture<List<QueuedMessage>>> takeResult = () -> CompletableFuture.completedFuture(List.of());
  int added;
  boolean closed;

  @Override
  public CompletableFuture<String> addMessage(AddMessageOptions options) {
    added++;
    return CompletableFuture.completedFuture("msg-" + added);
  }

  @Override
  public CompletableFuture<List<QueuedMessage>> takeFromQueue(TakeFromQueueOptions options) {
    return takeResult.get();
  }

  @Override
  public CompletableFuture<Void> removeMessages(RemoveMessagesOptions options) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> removeAllMessages(RemoveAllMessagesOptions options) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Integer> getAvailableMessageCount(GetAvailableMessageCountOptions options) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    pendingCounts.add(f);
    return f;
  }

  @Override
  public CompletableFuture<Void> addLiveSession(AddLiveSessionOptions options) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Boolean> removeLiveSession(RemoveLiveSessionOptions options) {
    return CompletableFuture.completedFuture(false);
  }

  @Override
  public CompletableFuture<Boolean> getLiveSession(GetLiveSessionOptions options) {
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public Registration addMessagesReceivedListener(MessagesReceivedListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    closed = true;
  }
}
