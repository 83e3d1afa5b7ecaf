package io.github.mpr4j.core;

import io.github.mpr4j.core.internal.DefaultPickupQueue;
import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.spi.DeliveryBus;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.PushNotifier;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.embedded.QueueStores;
import io.github.mpr4j.protocol.MessagePickupRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The pickup queue of one instance: the repository's logic over one {@link Backend} (Redis, Redis in front
 * of MongoDB), or over a blocking {@link QueueStore} with a {@link LiveSessions} registry and a {@link
 * DeliveryBus}, which it adapts to a backend on its bounded worker pool.
 *
 * <p>Each {@link #openRepository()} returns a {@link MessagePickupRepository} that holds the live sessions
 * added through it and receives their messages: the server opens one per WebSocket, an embedded mediator
 * opens one for itself. Store calls run on the queue's bounded executor; listeners of the repositories are
 * called on that executor's threads and must not block.
 *
 * <pre>{@code
 * try (PickupQueue queue = PickupQueue.builder().store(QueueStores.embedded(Path.of("data"))).build();
 *      MessagePickupRepository repository = queue.openRepository()) {
 *   String id = repository.addMessage(AddMessageOptions.of("conn-1", List.of("did:key:z6Mk..."), jwe)).join();
 * }
 * }</pre>
 */
public interface PickupQueue extends AutoCloseable {

  /** A builder with the defaults: in-memory store, sessions and bus local to this process, no push. */
  static Builder builder() {
    return new Builder();
  }

  /** A new repository that holds its own live sessions. Close it to end them. */
  MessagePickupRepository openRepository();

  /** This instance's id on the delivery bus. */
  String instanceId();

  /** Whether the store can serve requests now. */
  boolean isReady();

  /** Why the queue is not ready (for example {@code "disk full: ..."}), or empty when it is; never blocks. */
  default Optional<String> notReadyReason() {
    return isReady() ? Optional.empty() : Optional.of("the store is not ready");
  }

  /** The settings the queue runs with. */
  Settings settings();

  /**
   * Closes every open repository (ending their sessions), waits up to the given time for running
   * operations to finish, then closes the store, sessions, bus and notifier. Idempotent.
   */
  void close(Duration gracePeriod);

  /** {@link #close(Duration)} with a grace period of 10 seconds. */
  @Override
  default void close() {
    close(Duration.ofSeconds(10));
  }

  /**
   * The settings of a queue.
   *
   * @param visibilityTimeout how long a message handed out (sending) waits for removal before it becomes
   *     pending again
   * @param maxBatch the most messages one takeFromQueue returns (also the default when no limit is given)
   * @param workerThreads threads that run store operations
   * @param maxQueuedOperations operations that may wait for a worker before new ones are refused with
   *     -32002
   */
  record Settings(Duration visibilityTimeout, int maxBatch, int workerThreads, int maxQueuedOperations) {
    public Settings {
      Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
      if (visibilityTimeout.isNegative() || visibilityTimeout.isZero()) {
        throw new IllegalArgumentException("visibilityTimeout must be positive, not " + visibilityTimeout);
      }
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be >= 1, not " + maxBatch);
      }
      if (workerThreads < 1) {
        throw new IllegalArgumentException("workerThreads must be >= 1, not " + workerThreads);
      }
      if (maxQueuedOperations < 1) {
        throw new IllegalArgumentException("maxQueuedOperations must be >= 1, not " + maxQueuedOperations);
      }
    }

    /**
     * The default number of workers. A worker that mutates a durable store waits for the group commit that
     * covers its change, so the workers bound how many changes one commit carries: 128 let the embedded
     * store commit large groups (16 workers gave it half the throughput, see docs/benchmarks.md), and cost
     * nothing to the in-memory store. Idle workers cost only their stacks.
     */
    public static final int DEFAULT_WORKER_THREADS = 128;

    /** The defaults: 60 s visibility timeout, batches of 1000, 128 workers, 10,000 queued operations. */
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(60), 1000, DEFAULT_WORKER_THREADS, 10_000);
    }
  }

  /** Builds a {@link PickupQueue}. */
  final class Builder {
    private Backend backend;
    private QueueStore store;
    private LiveSessions liveSessions;
    private DeliveryBus deliveryBus;
    private PushNotifier pushNotifier = PushNotifier.NONE;
    private Settings settings = Settings.defaults();
    private Clock clock = Clock.systemUTC();
    private String instanceId;

    private Builder() {}

    /**
     * The backend: queues, live sessions and bus in one (for example {@code RedisBackend.connect(...)}).
     * Instead of {@link #store}, {@link #liveSessions} and {@link #deliveryBus}. The queue closes it.
     *
     * @param backend the backend
     * @return this builder
     */
    public Builder backend(Backend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /**
     * A blocking store where messages are kept (default: {@link QueueStores#inMemory()}), adapted to a
     * backend on the queue's worker pool with the {@link #liveSessions} and {@link #deliveryBus}. The queue
     * closes it.
     */
    public Builder store(QueueStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** The live-session registry (default: local to this process). The queue closes it. */
    public Builder liveSessions(LiveSessions liveSessions) {
      this.liveSessions = Objects.requireNonNull(liveSessions, "liveSessions");
      return this;
    }

    /** The delivery bus (default: local to this process). The queue closes it. */
    public Builder deliveryBus(DeliveryBus deliveryBus) {
      this.deliveryBus = Objects.requireNonNull(deliveryBus, "deliveryBus");
      return this;
    }

    /** The push notifier (default: none). The queue closes it. */
    public Builder pushNotifier(PushNotifier pushNotifier) {
      this.pushNotifier = Objects.requireNonNull(pushNotifier, "pushNotifier");
      return this;
    }

    /** The settings (default: {@link Settings#defaults()}). */
    public Builder settings(Settings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** The clock for receivedAt and visibility deadlines (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** This instance's id on the bus (default: the backend's, else a random UUID). */
    public Builder instanceId(String instanceId) {
      this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
      return this;
    }

    /**
     * The queue, started.
     *
     * @throws IllegalStateException when a backend and a store, live sessions or bus are all given
     */
    public PickupQueue build() {
      if (backend != null && (store != null || liveSessions != null || deliveryBus != null)) {
        throw new IllegalStateException("backend: give either a backend, or a store with live sessions and a bus,"
            + " not both (the backend keeps its own)");
      }
      return new DefaultPickupQueue(
          backend,
          backend != null ? null : store != null ? store : QueueStores.inMemory(),
          liveSessions,
          deliveryBus,
          pushNotifier,
          settings,
          clock,
          instanceId);
    }
  }
}
