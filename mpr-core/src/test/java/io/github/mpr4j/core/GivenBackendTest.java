package io.github.mpr4j.core;

import static io.github.mpr4j.core.TestFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.callback.CallbackQueue;
import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.CallbackStore;
import io.github.mpr4j.core.callback.GuardedAppend;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.core.callback.CallbackRegistries;
import io.github.mpr4j.core.embedded.QueueStores;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A queue over a backend given to its builder: every repository operation is one fixed sequence of backend
 * calls, started on the caller's thread and continued on the thread that answered, never on a worker.
 */
@Timeout(30)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GivenBackendTest {
  private static final String REPLY_THREAD = "backend-reply";

  /** An empty backend that answers every call from a thread of its own and records the calls and threads. */
  private static final class RecordingBackend implements Backend {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final CallbackRegistry registry = CallbackRegistries.inMemory();
    private final ExecutorService replies = Executors.newSingleThreadExecutor(r -> new Thread(r, REPLY_THREAD));

    private <T> CompletableFuture<T> answer(String call, Supplier<T> value) {
      calls.add(call + (Thread.currentThread().getName().startsWith("mpr-worker") ? "@worker" : ""));
      return CompletableFuture.supplyAsync(value, replies);
    }

    @Override
    public CompletableFuture<Optional<LiveSession>> append(StoredMessage message, long sendingUntilMillis) {
      return answer("append", Optional::empty);
    }

    @Override
    public CompletableFuture<List<StoredMessage>> take(TakeRequest request) {
      return answer("take", List::of);
    }

    @Override
    public CompletableFuture<List<StoredMessage>> claim(String connectionId, Collection<String> messageIds,
        long nowMillis, long sendingUntilMillis) {
      return answer("claim", List::of);
    }

    @Override
    public CompletableFuture<Integer> release(String connectionId, Collection<String> messageIds) {
      return answer("release", () -> 0);
    }

    @Override
    public CompletableFuture<Integer> remove(String connectionId, Collection<String> messageIds) {
      return answer("remove", () -> 0);
    }

    @Override
    public CompletableFuture<Integer> removeAll(String connectionId, String recipientDid) {
      return answer("removeAll", () -> 0);
    }

    @Override
    public CompletableFuture<Integer> count(String connectionId, String recipientDid, long nowMillis) {
      return answer("count", () -> 0);
    }

    @Override
    public CompletableFuture<Optional<LiveSession>> putSession(LiveSession session) {
      return answer("putSession", Optional::empty);
    }

    @Override
    public CompletableFuture<Optional<LiveSession>> removeSession(String connectionId, String sessionId,
        String holderId) {
      return answer("removeSession", () -> Optional.of(new LiveSession(connectionId, sessionId, "elsewhere", "h")));
    }

    @Override
    public CompletableFuture<Optional<LiveSession>> currentSession(String connectionId) {
      return answer("currentSession", Optional::empty);
    }

    @Override
    public CompletableFuture<Boolean> isCurrent(LiveSession session) {
      return answer("isCurrent", () -> true);
    }

    @Override
    public void onRestored(Consumer<LiveSession> listener) {}

    @Override
    public void subscribe(String instanceId, Consumer<BusEvent> consumer) {}

    @Override
    public void publish(String instanceId, BusEvent event) {
      calls.add("publish");
    }

    @Override
    public Optional<CallbackStore> callbacks() {
      return Optional.of(new CallbackStore() {
        @Override
        public CallbackRegistry registry() {
          return registry;
        }

        @Override
        public CompletableFuture<GuardedAppend> appendIfRegistered(String clientId, int maxPending,
            StoredMessage message, long sendingUntilMillis) {
          return answer("appendIfRegistered", () -> GuardedAppend.appended(Optional.empty()));
        }
      });
    }

    @Override
    public Optional<String> boundInstanceId() {
      return Optional.of("instance-of-the-backend");
    }

    @Override
    public Optional<String> notReadyReason() {
      return Optional.empty();
    }

    @Override
    public String describe() {
      return "recording";
    }

    @Override
    public void close() {
      replies.shutdown();
    }
  }

  private final RecordingBackend backend = new RecordingBackend();
  private final PickupQueue queue = PickupQueue.builder().backend(backend).build();
  private final MessagePickupRepository repository = queue.openRepository();

  @AfterEach
  void close() {
    queue.close();
  }

  private List<String> callsOf(Supplier<CompletableFuture<?>> operation) {
    backend.calls.clear();
    operation.get().join();
    return List.copyOf(backend.calls);
  }

  @Test
  void each_queue_operation_is_one_backend_call_and_no_worker_runs_it() {
    assertEquals(List.of("append"), callsOf(() -> repository.addMessage(message("c1", "m"))));
    assertEquals(List.of("take"), callsOf(() -> repository.takeFromQueue(TakeFromQueueOptions.builder("c1")
        .build())));
    assertEquals(List.of("remove"), callsOf(() -> repository.removeMessages(
        new RemoveMessagesOptions("c1", List.of("id")))));
    assertEquals(List.of("removeAll"), callsOf(() -> repository.removeAllMessages(
        new RemoveAllMessagesOptions("c1", "did:a"))));
    assertEquals(List.of("count"), callsOf(() -> repository.getAvailableMessageCount(
        new GetAvailableMessageCountOptions("c1", null))));
    assertEquals(List.of("currentSession"), callsOf(() -> repository.getLiveSession(
        new GetLiveSessionOptions("c1"))));
  }

  @Test
  void a_live_session_change_continues_on_the_thread_that_answered_not_on_a_worker() {
    assertEquals(List.of("putSession", "release"), callsOf(() -> repository.addLiveSession(
        new AddLiveSessionOptions("c1", "s1"))));
    assertEquals(List.of("removeSession", "publish", "release"), callsOf(() -> repository.removeLiveSession(
        new RemoveLiveSessionOptions("c1", "s1"))));
  }

  @Test
  void a_callback_post_with_the_backends_own_registry_is_one_call_and_with_another_it_checks_counts_and_appends() {
    String clientId = "5f0c6a52-7c1b-4d3e-9a0f-2b7e6d1c4a90";
    CallbackRegistry other = CallbackRegistries.inMemory();
    long now = System.currentTimeMillis();
    backend.registry.create(clientId, now, now + 60_000);
    other.create(clientId, now, now + 60_000);
    String connectionId = CallbackRegistry.connectionId(clientId);

    assertEquals(List.of("appendIfRegistered"), callsOf(() -> CallbackQueue.over(queue, backend.registry).addIfRegistered(
        clientId, message(connectionId, "n"), 10)));
    assertEquals(List.of("count", "append"), callsOf(() -> CallbackQueue.over(queue, other).addIfRegistered(clientId,
        message(connectionId, "n"), 10)));
  }

  @Test
  void the_queue_takes_the_instance_id_the_backend_is_bound_to() {
    assertEquals("instance-of-the-backend", queue.instanceId());
  }

  @Test
  void a_backend_and_a_store_given_together_are_refused_by_the_builder() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PickupQueue.builder().backend(new RecordingBackend()).store(QueueStores.inMemory()).build());
    assertEquals(true, e.getMessage().startsWith("backend:"), e.getMessage());
  }
}
