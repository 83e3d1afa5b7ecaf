package io.github.mpr4j.core.internal;

import io.github.mpr4j.core.callback.CallbackAdd;
import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.CallbackStore;
import io.github.mpr4j.core.spi.DeliveryBus;
import io.github.mpr4j.core.callback.GuardedAppend;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.PushNotifier;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoreFullException;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import io.github.mpr4j.protocol.AddLiveSessionOptions;
import io.github.mpr4j.protocol.AddMessageOptions;
import io.github.mpr4j.protocol.GetAvailableMessageCountOptions;
import io.github.mpr4j.protocol.GetLiveSessionOptions;
import io.github.mpr4j.protocol.MessagePickupRepository;
import io.github.mpr4j.protocol.MprException;
import io.github.mpr4j.protocol.MprRpcException;
import io.github.mpr4j.protocol.MprTransportException;
import io.github.mpr4j.protocol.PushNotificationToken;
import io.github.mpr4j.protocol.QueuedMessage;
import io.github.mpr4j.protocol.RemoveAllMessagesOptions;
import io.github.mpr4j.protocol.RemoveLiveSessionOptions;
import io.github.mpr4j.protocol.RemoveMessagesOptions;
import io.github.mpr4j.protocol.RpcErrors;
import io.github.mpr4j.protocol.TakeFromQueueOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pickup queue: every repository operation is one path over the {@link Backend}, whatever the backend
 * is; it keeps the holders (repositories) of this instance and routes bus events to them. A blocking store
 * is adapted to the backend once ({@link BlockingBackend}), on this queue's bounded worker pool.
 */
public final class DefaultPickupQueue implements PickupQueue {
  private static final Logger log = LoggerFactory.getLogger(DefaultPickupQueue.class);
  private static final CallbackAdd REFUSED_UNKNOWN = new CallbackAdd(CallbackAdd.Status.UNKNOWN_CLIENT, null);
  private static final CallbackAdd REFUSED_FULL = new CallbackAdd(CallbackAdd.Status.TOO_MANY_PENDING, null);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Backend backend;
  private final PushNotifier push;
  private final Settings settings;
  private final Clock clock;
  private final String instanceId;
  private final long visibilityMillis;
  private final ThreadPoolExecutor workers;
  /** Whether blocking calls run on the caller's thread: the adapted store, sessions and bus never wait for I/O. */
  private final boolean inline;
  /**
   * Whether backend calls are bounded here: the backend was given (an adapted one is bounded by the worker
   * queue it runs on). Calls whose reply has not come yet are bounded like the worker queue.
   */
  private final boolean boundCalls;
  private final AtomicInteger callsInFlight = new AtomicInteger();
  private final Map<String, HolderRepository> holders = new ConcurrentHashMap<>();
  /** Per connection, the last delivery from the bus still waiting for its fence check (keeps their order). */
  private final Map<String, CompletableFuture<Void>> fenced = new ConcurrentHashMap<>();
  /** The session ends of closed holders still under way: closing the queue waits for them. */
  private final Map<CompletableFuture<Boolean>, Boolean> ending = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * A queue over {@code backend}, or, when it is {@code null}, over the blocking {@code store}, {@code
   * liveSessions} (default: local) and {@code bus} (default: local) adapted on the worker pool.
   */
  public DefaultPickupQueue(Backend backend, QueueStore store, LiveSessions liveSessions, DeliveryBus bus,
      PushNotifier push, Settings settings, Clock clock, String instanceId) {
    this.push = push;
    this.settings = settings;
    this.clock = clock;
    this.visibilityMillis = settings.visibilityTimeout().toMillis();
    this.workers = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.maxQueuedOperations()), new WorkerThreads());
    if (backend != null) {
      this.backend = backend;
      this.inline = false;
      this.boundCalls = true;
    } else {
      LiveSessions sessions = liveSessions != null ? liveSessions : LiveSessions.local();
      DeliveryBus b = bus != null ? bus : DeliveryBus.local();
      this.inline = BlockingBackend.isNonBlocking(store, sessions, b);
      this.boundCalls = false;
      this.backend = new BlockingBackend(store, sessions, b, this::run);
    }
    this.instanceId = instanceId != null ? instanceId
        : this.backend.boundInstanceId().orElseGet(() -> UUID.randomUUID().toString());
    this.backend.onRestored(this::restored);
    this.backend.subscribe(this.instanceId, this::onBusEvent);
  }

  @Override
  public MessagePickupRepository openRepository() {
    HolderRepository holder = new HolderRepository(this, UUID.randomUUID().toString());
    holders.put(holder.holderId(), holder);
    if (closed) {
      holder.close();
    }
    return holder;
  }

  @Override
  public String instanceId() {
    return instanceId;
  }

  @Override
  public boolean isReady() {
    return notReadyReason().isEmpty();
  }

  @Override
  public Optional<String> notReadyReason() {
    if (closed) {
      return Optional.of("the pickup queue is closed");
    }
    try {
      return backend.notReadyReason();
    } catch (RuntimeException e) {
      return Optional.of(backend.describe() + " is not ready: " + e);
    }
  }

  @Override
  public Settings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- operations

  CompletableFuture<String> addMessage(AddMessageOptions o) {
    return add(o).thenApply(CallbackAdd::messageId);
  }

  /**
   * Appends a message as pending, or as sending when its connection has a live session (the backend decides
   * in one atomic step), then hands it to that session's holder, or pushes.
   */
  private CompletableFuture<CallbackAdd> add(AddMessageOptions o) {
    long now = clock.millis();
    StoredMessage pending = pendingMessage(o, now);
    return call(() -> backend.append(pending, now + visibilityMillis))
        .thenCompose(session -> handOver(pending, session, o));
  }

  private static StoredMessage pendingMessage(AddMessageOptions o, long now) {
    return new StoredMessage(MessageIds.next(now), o.connectionId(), o.recipientDids(), now, o.payload(), 0);
  }

  /**
   * After the append: hands the message to its live session's holder (settled before the answer when the
   * holder is on this instance), or pushes.
   */
  private CompletableFuture<CallbackAdd> handOver(StoredMessage appended, Optional<LiveSession> session,
      AddMessageOptions o) {
    if (session.isEmpty()) {
      push(appended.connectionId(), appended.id(), o.pushNotificationToken());
      return CompletableFuture.completedFuture(CallbackAdd.stored(appended.id(), false));
    }
    return route(new BusEvent.Delivery(session.get(), List.of(appended.toQueuedMessage())), true)
        .thenApply(v -> CallbackAdd.stored(appended.id(), true));
  }

  /**
   * {@link io.github.mpr4j.core.callback.CallbackQueue#addIfRegistered}, with the registry it was built
   * with: one atomic step when the backend's own callback store keeps that registry.
   *
   * @param registry the registrations
   * @param clientId the registration
   * @param o the notification, on the client's connection
   * @param maxPending the most pending notifications the client may have
   * @return the outcome
   */
  public CompletableFuture<CallbackAdd> addIfRegistered(CallbackRegistry registry, String clientId,
      AddMessageOptions o, int maxPending) {
    Objects.requireNonNull(registry, "registry");
    if (!o.connectionId().equals(CallbackRegistry.connectionId(clientId))) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the message's connectionId must be "
          + CallbackRegistry.connectionId(clientId) + ", not " + o.connectionId()));
    }
    Optional<CallbackStore> own = backend.callbacks().filter(c -> c.registry() == registry);
    if (own.isPresent()) {
      // the backend keeps the registrations: check, count, append and session look-up in one step
      long now = clock.millis();
      StoredMessage pending = pendingMessage(o, now);
      return call(() -> own.get().appendIfRegistered(clientId, maxPending, pending, now + visibilityMillis))
          .thenCompose(r -> r.result() == GuardedAppend.Result.APPENDED ? handOver(pending, r.session(), o)
              : CompletableFuture.completedFuture(
                  r.result() == GuardedAppend.Result.UNKNOWN_CLIENT ? REFUSED_UNKNOWN : REFUSED_FULL));
    }
    // the registrations live elsewhere: check and count first, then the append
    return run(registry.isNonBlocking(), () -> registry.exists(clientId, clock.millis()))
        .thenCompose(exists -> !exists ? CompletableFuture.completedFuture(REFUSED_UNKNOWN)
            : call(() -> backend.count(o.connectionId(), null, clock.millis()))
                .thenCompose(n -> n >= maxPending ? CompletableFuture.completedFuture(REFUSED_FULL) : add(o)));
  }

  CompletableFuture<List<QueuedMessage>> takeFromQueue(TakeFromQueueOptions o) {
    int limit = o.limit() == null ? settings.maxBatch() : Math.min(o.limit(), settings.maxBatch());
    if (limit == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    long now = clock.millis();
    long limitBytes = o.limitBytes() == null ? Long.MAX_VALUE : o.limitBytes();
    TakeRequest request = new TakeRequest(o.connectionId(), o.recipientDid(), limit, limitBytes, o.deleteMessages(),
        now, now + visibilityMillis);
    return call(() -> backend.take(request)).thenApply(DefaultPickupQueue::queued);
  }

  CompletableFuture<Void> removeMessages(RemoveMessagesOptions o) {
    if (o.messageIds().isEmpty()) {
      return DONE;
    }
    return call(() -> backend.remove(o.connectionId(), o.messageIds())).thenApply(n -> null);
  }

  CompletableFuture<Void> removeAllMessages(RemoveAllMessagesOptions o) {
    return call(() -> backend.removeAll(o.connectionId(), o.recipientDid())).thenApply(n -> null);
  }

  CompletableFuture<Integer> getAvailableMessageCount(GetAvailableMessageCountOptions o) {
    return call(() -> backend.count(o.connectionId(), o.recipientDid(), clock.millis()));
  }

  /**
   * Makes the session the connection's live one, tells the holder it replaced, and returns the connection's
   * sending messages to pending for the new holder's mediator to take.
   */
  CompletableFuture<Void> addLiveSession(HolderRepository holder, AddLiveSessionOptions o) {
    LiveSession session = new LiveSession(o.connectionId(), o.sessionId(), instanceId, holder.holderId());
    return call(() -> {
      holder.hold(session);
      return backend.putSession(session);
    }).thenCompose(previous -> {
      if (previous.isPresent() && !previous.get().equals(session)) {
        backend.publish(previous.get().instanceId(), new BusEvent.SessionEnded(previous.get()));
      }
      return call(() -> backend.release(o.connectionId(), null));
    }).thenApply(n -> null);
  }

  CompletableFuture<Boolean> removeLiveSession(RemoveLiveSessionOptions o) {
    return endSession(o.connectionId(), o.sessionId(), null);
  }

  CompletableFuture<Boolean> getLiveSession(GetLiveSessionOptions o) {
    return call(() -> backend.currentSession(o.connectionId())).thenApply(Optional::isPresent);
  }

  /** Ends a session if it matches, tells its holder, and releases the connection's sending messages. */
  private CompletableFuture<Boolean> endSession(String connectionId, String sessionId, String holderId) {
    return call(() -> backend.removeSession(connectionId, sessionId, holderId)).thenCompose(removed -> {
      if (removed.isEmpty()) {
        return CompletableFuture.completedFuture(false);
      }
      LiveSession s = removed.get();
      if (s.instanceId().equals(instanceId)) {
        HolderRepository h = holders.get(s.holderId());
        if (h != null) {
          h.forget(s);
        }
      } else {
        backend.publish(s.instanceId(), new BusEvent.SessionEnded(s));
      }
      return call(() -> backend.release(connectionId, null)).thenApply(n -> true);
    });
  }

  /** A repository closed: end the sessions it holds (and only those), release their messages. */
  void closed(HolderRepository holder, List<LiveSession> held) {
    holders.remove(holder.holderId());
    for (LiveSession s : held) {
      CompletableFuture<Boolean> end = endSession(s.connectionId(), s.sessionId(), s.holderId());
      ending.put(end, Boolean.TRUE);
      end.whenComplete((ended, e) -> {
        ending.remove(end);
        if (e != null) {
          log.warn("could not end live session of connection {}: {}", s.connectionId(), e.toString());
        }
      });
    }
  }

  private void push(String connectionId, String messageId, PushNotificationToken token) {
    if (token != null && token.token() != null) {
      try {
        push.notify(new PushRequest(connectionId, messageId, token));
      } catch (RuntimeException e) {
        log.warn("push notifier failed for connection {}: {}", connectionId, e.toString());
      }
    }
  }

  // ---------------------------------------------------------------- bus

  private void onBusEvent(BusEvent event) {
    if (event instanceof BusEvent.Delivery d) {
      deliverFenced(d);
    } else if (event instanceof BusEvent.SessionEnded e) {
      HolderRepository holder = holders.get(e.session().holderId());
      if (holder != null) {
        holder.replaced(e.session());
      }
    }
  }

  /**
   * Hands a delivery to the holder's instance: directly when that is this one (the future completes when its
   * outcome is settled), else over the bus (at once).
   */
  private CompletableFuture<Void> route(BusEvent.Delivery d, boolean mayRedeliver) {
    if (d.session().instanceId().equals(instanceId)) {
      return deliver(d, mayRedeliver);
    }
    backend.publish(d.session().instanceId(), d);
    return DONE;
  }

  /**
   * Hands a delivery to its holder on this instance; when the holder is gone or no longer holds the
   * session, {@link #returnToPending returns its messages to pending}.
   */
  private CompletableFuture<Void> deliver(BusEvent.Delivery d, boolean mayRedeliver) {
    HolderRepository holder = holders.get(d.session().holderId());
    if (holder != null && holder.deliver(d.session(), d.messages())) {
      return DONE;
    }
    return returnToPending(d, mayRedeliver).exceptionally(e -> {
      log.warn("could not return the messages of a delivery to connection {} to pending: {}",
          d.session().connectionId(), e.toString());
      return null;
    });
  }

  /**
   * The fence of delivery: a delivery that came over the bus may be late (this instance was paused, a long
   * GC pause or a stopped process, while the event waited in the bus's buffer, and another session may have
   * taken the connection meanwhile), so it reaches the holder only if the backend still names its session
   * as the connection's current one when it is handed over; otherwise {@link #settleFenced settles} it. The
   * deliveries of one connection keep their order; their checks run side by side.
   */
  private void deliverFenced(BusEvent.Delivery d) {
    CompletableFuture<Boolean> check;
    try {
      check = backend.isCurrent(d.session());
    } catch (RuntimeException e) {
      check = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Boolean> current = check.exceptionally(e -> {
      log.warn("could not check the live session of connection {} before delivering: {}",
          d.session().connectionId(), e.toString());
      return false;
    });
    // each delivery waits for its own check and for the connection's previous delivery, no longer
    String connectionId = d.session().connectionId();
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Void> previous = fenced.put(connectionId, done);
    (previous == null ? current : previous.thenCombine(current, (ignored, ok) -> ok))
        .thenCompose(ok -> afterFence(d, ok))
        .whenComplete((v, e) -> {
          fenced.remove(connectionId, done);
          done.complete(null);
        });
  }

  /** Delivers after the fence check, or settles what the holder may not have; never fails (a chain's link). */
  private CompletableFuture<Void> afterFence(BusEvent.Delivery d, boolean current) {
    CompletableFuture<Void> settled;
    try {
      settled = current ? deliver(d, true) : settleFenced(d);
    } catch (RuntimeException e) {
      settled = CompletableFuture.failedFuture(e);
    }
    return settled.exceptionally(e -> {
      log.warn("delivery to connection {} failed: {}", d.session().connectionId(), e.toString());
      return null;
    });
  }

  /**
   * A fenced delivery whose session was not current. When another session holds the connection, the
   * messages that wait as pending are claimed for it and handed over: the addLiveSession that made it
   * current returned every message sent before it to pending, and those its mediator has in hand by now
   * (sending) or removed are not claimed, so nothing is handed out twice. With no session left (removed, or
   * dropped as dead) the messages go back to pending; and when a session is back by now (its instance put
   * it back) it gets them.
   */
  private CompletableFuture<Void> settleFenced(BusEvent.Delivery d) {
    String connectionId = d.session().connectionId();
    List<String> ids = ids(d);
    return call(() -> backend.currentSession(connectionId)).thenCompose(current -> {
      if (current.isPresent()) {
        return current.get().equals(d.session()) ? deliver(d, false) : claimFor(current.get(), ids);
      }
      return call(() -> backend.release(connectionId, ids))
          .thenCompose(n -> call(() -> backend.currentSession(connectionId)))
          .thenCompose(now -> now.isPresent() ? claimFor(now.get(), ids) : DONE);
    });
  }

  /** Claims those of the messages that are pending for {@code session} and hands them to its holder. */
  private CompletableFuture<Void> claimFor(LiveSession session, List<String> ids) {
    long now = clock.millis();
    return call(() -> backend.claim(session.connectionId(), ids, now, now + visibilityMillis))
        .thenCompose(claimed -> claimed.isEmpty() ? DONE
            : route(new BusEvent.Delivery(session, queued(claimed)), false));
  }

  /**
   * A session of this instance that the others had dropped was put back: its holder gets what waits as
   * pending for it (messages added while it was dropped were stored as pending), up to the maximum batch,
   * through the fence, as one delivery. A longer backlog waits for a take, as on any new session.
   */
  private void restored(LiveSession s) {
    HolderRepository holder = holders.get(s.holderId());
    if (closed || holder == null || !holder.holds(s)) {
      return;
    }
    long now = clock.millis();
    TakeRequest request = new TakeRequest(s.connectionId(), null, settings.maxBatch(), Long.MAX_VALUE, false, now,
        now + visibilityMillis);
    call(() -> backend.take(request)).whenComplete((messages, failure) -> {
      if (failure != null) {
        log.warn("could not hand the restored session of connection {} its pending messages: {}",
            s.connectionId(), failure.toString());
      } else if (!messages.isEmpty()) {
        deliverFenced(new BusEvent.Delivery(s, queued(messages)));
      }
    });
  }

  /**
   * Returns the messages of a delivery its holder did not take to pending, and hands them to the
   * connection's current session if another one has taken it (once, when {@code mayRedeliver}).
   */
  private CompletableFuture<Void> returnToPending(BusEvent.Delivery d, boolean mayRedeliver) {
    String connectionId = d.session().connectionId();
    List<String> ids = ids(d);
    CompletableFuture<Integer> released = call(() -> backend.release(connectionId, ids));
    if (!mayRedeliver) {
      return released.thenApply(n -> null);
    }
    return released.thenCompose(n -> call(() -> backend.currentSession(connectionId)))
        .thenCompose(current -> current.isPresent() && !current.get().equals(d.session())
            ? claimFor(current.get(), ids) : DONE);
  }

  private static List<String> ids(BusEvent.Delivery d) {
    return d.messages().stream().map(QueuedMessage::id).toList();
  }

  // ---------------------------------------------------------------- execution

  /**
   * Starts a backend call from the caller's thread: no thread waits for it here. Calls to a given backend
   * whose reply has not come yet are bounded like the worker queue (-32002 beyond); failures map to
   * JSON-RPC errors.
   */
  private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
    if (closed && workers.isShutdown()) {
      return CompletableFuture.failedFuture(new MprTransportException("the pickup queue is closed"));
    }
    if (boundCalls && callsInFlight.incrementAndGet() > settings.maxQueuedOperations()) {
      callsInFlight.decrementAndGet();
      return CompletableFuture.failedFuture(busy());
    }
    CompletableFuture<T> started;
    try {
      started = call.get();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return started.handle((value, failure) -> {
      if (boundCalls) {
        callsInFlight.decrementAndGet();
      }
      if (failure != null) {
        throw storeFailure(failure);
      }
      return value;
    });
  }

  private <T> CompletableFuture<T> run(Supplier<T> operation) {
    return run(inline, operation);
  }

  /** Runs a blocking call on the caller's thread when {@code onCaller} (it never waits for I/O), else on a worker. */
  private <T> CompletableFuture<T> run(boolean onCaller, Supplier<T> operation) {
    if (closed && workers.isShutdown()) {
      return CompletableFuture.failedFuture(new MprTransportException("the pickup queue is closed"));
    }
    if (onCaller) {
      try {
        return CompletableFuture.completedFuture(operation.get());
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(storeFailure(e));
      }
    }
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return operation.get();
        } catch (RuntimeException e) {
          throw storeFailure(e);
        }
      }, workers);
    } catch (RejectedExecutionException e) {
      if (workers.isShutdown()) {
        return CompletableFuture.failedFuture(new MprTransportException("the pickup queue is closed"));
      }
      return CompletableFuture.failedFuture(busy());
    }
  }

  private static RuntimeException storeFailure(Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof MprException e) {
      return e;
    }
    if (cause instanceof StoreFullException) { // the store logs when it fills up and when it has room again
      return MprRpcException.diskFull("the store refused the change: " + cause.getMessage(), cause);
    }
    log.warn("store operation failed: {}", cause.toString());
    return MprRpcException.operationFailed("the store failed: " + cause.getMessage(), true, cause);
  }

  private MprRpcException busy() {
    return new MprRpcException(RpcErrors.TOO_MANY_REQUESTS,
        "the server is busy: " + settings.maxQueuedOperations() + " operations are queued",
        Map.of("retryAfterMs", 100));
  }

  private static List<QueuedMessage> queued(List<StoredMessage> messages) {
    List<QueuedMessage> out = new ArrayList<>(messages.size());
    for (StoredMessage m : messages) {
      out.add(m.toQueuedMessage());
    }
    return out;
  }

  @Override
  public void close(Duration gracePeriod) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    long deadline = System.nanoTime() + gracePeriod.toNanos();
    for (HolderRepository h : List.copyOf(holders.values())) {
      h.close();
    }
    // the sessions of the holders end first (they may take more than one call), then the workers stop
    try {
      CompletableFuture.allOf(ending.keySet().toArray(CompletableFuture[]::new))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("live sessions still ending after {}: {}", gracePeriod, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        log.warn("operations still running after {}; closing the store anyway", gracePeriod);
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
    closeQuietly(push);
    closeQuietly(backend);
  }

  boolean isClosed() {
    return closed;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("closing {} failed: {}", c, e.toString());
    }
  }

  private static final class WorkerThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "mpr-worker-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
