package io.github.mpr4j.core.internal;

import io.github.mpr4j.core.CallbackAdd;
import io.github.mpr4j.core.PickupQueue;
import io.github.mpr4j.core.spi.AsyncQueueStore;
import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.spi.CallbackRegistry;
import io.github.mpr4j.core.spi.DeliveryBus;
import io.github.mpr4j.core.spi.GuardedAppend;
import io.github.mpr4j.core.spi.GuardedAppendStore;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.PushNotifier;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.SessionRoutingStore;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pickup queue: runs every repository operation on a bounded worker pool over the SPIs, keeps the
 * holders (repositories) of this instance, and routes bus events to them.
 */
public final class DefaultPickupQueue implements PickupQueue {
  private static final Logger log = LoggerFactory.getLogger(DefaultPickupQueue.class);
  private static final CallbackAdd REFUSED_UNKNOWN = new CallbackAdd(CallbackAdd.Status.UNKNOWN_CLIENT, null);
  private static final CallbackAdd REFUSED_FULL = new CallbackAdd(CallbackAdd.Status.TOO_MANY_PENDING, null);

  private final QueueStore store;
  private final LiveSessions liveSessions;
  private final DeliveryBus bus;
  private final PushNotifier push;
  private final Settings settings;
  private final Clock clock;
  private final String instanceId;
  private final long visibilityMillis;
  private final ThreadPoolExecutor workers;
  /** The store itself when it can append and find the live session in one step, else null. */
  private final SessionRoutingStore routingStore;
  /** The store itself when it has asynchronous forms of the per-request operations, else null. */
  private final AsyncQueueStore asyncStore;
  /** Asynchronous store calls whose reply has not come yet (bounded like the worker queue). */
  private final AtomicInteger asyncInFlight = new AtomicInteger();
  /** Whether store, sessions and bus never wait for I/O: operations then run on the caller's thread. */
  private final boolean inline;
  private final Map<String, HolderRepository> holders = new ConcurrentHashMap<>();
  /** Per connection, the last delivery from the bus still waiting for its fence check (keeps their order). */
  private final Map<String, CompletableFuture<Void>> fenced = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public DefaultPickupQueue(QueueStore store, LiveSessions liveSessions, DeliveryBus bus, PushNotifier push,
      Settings settings, Clock clock, String instanceId) {
    this.store = store;
    this.liveSessions = liveSessions != null ? liveSessions : new LocalLiveSessions();
    this.bus = bus != null ? bus : new LocalDeliveryBus();
    this.push = push;
    this.settings = settings;
    this.clock = clock;
    this.instanceId = instanceId != null ? instanceId : UUID.randomUUID().toString();
    this.visibilityMillis = settings.visibilityTimeout().toMillis();
    this.routingStore = store instanceof SessionRoutingStore r && r.routesFor(this.liveSessions) ? r : null;
    this.asyncStore = store instanceof AsyncQueueStore a ? a : null;
    this.inline = store.isNonBlocking() && this.liveSessions.isNonBlocking() && this.bus.isNonBlocking();
    this.workers = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.maxQueuedOperations()), new WorkerThreads());
    this.liveSessions.onRestored(this::restored);
    this.bus.subscribe(this.instanceId, this::onBusEvent);
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
      return store.notReadyReason();
    } catch (RuntimeException e) {
      return Optional.of(store.describe() + " is not ready: " + e);
    }
  }

  @Override
  public Settings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- operations

  CompletableFuture<String> addMessage(AddMessageOptions o) {
    if (routingStore != null) {
      return addRouted(o).thenApply(CallbackAdd::messageId);
    }
    return run(() -> {
      long now = clock.millis();
      String id = MessageIds.next(now);
      appendAndRoute(o, id, now);
      return id;
    });
  }

  /**
   * Appends a message, as sending when its connection has a live session, and hands it to the session's
   * holder (else pushes); on a worker, or inline. Returns whether it went to a live session.
   */
  private boolean appendAndRoute(AddMessageOptions o, String id, long now) {
    String connectionId = o.connectionId();
    // with a live session, the message is stored as sending for its holder: one store write, not two
    Optional<LiveSession> session = liveSessions.get(connectionId);
    StoredMessage stored = new StoredMessage(id, connectionId, o.recipientDids(), now, o.payload(),
        session.isPresent() ? now + visibilityMillis : 0);
    store.append(stored);
    if (session.isPresent()) {
      route(new BusEvent.Delivery(session.get(), List.of(stored.toQueuedMessage())), true, true);
      return true;
    }
    // a session may have been added since we looked, and its mediator may have taken already
    session = liveSessions.get(connectionId);
    if (session.isPresent()) {
      List<StoredMessage> claimed = store.claim(connectionId, List.of(id), now, now + visibilityMillis);
      if (!claimed.isEmpty()) {
        route(new BusEvent.Delivery(session.get(), queued(claimed)), true, true);
      }
      return true;
    }
    push(connectionId, id, o.pushNotificationToken());
    return false;
  }

  /**
   * addMessage on a store that appends and finds the live session in one asynchronous step: no worker
   * thread waits for it, and the answer follows the store's reply directly.
   */
  private CompletableFuture<CallbackAdd> addRouted(AddMessageOptions o) {
    long now = clock.millis();
    StoredMessage pending = pendingMessage(o, now);
    return runAsync(() -> routingStore.appendRouted(pending, now + visibilityMillis))
        .thenApply(session -> handOver(pending, session, o));
  }

  private static StoredMessage pendingMessage(AddMessageOptions o, long now) {
    return new StoredMessage(MessageIds.next(now), o.connectionId(), o.recipientDids(), now, o.payload(), 0);
  }

  /** After a one-step append: hands the message to its live session's holder, or pushes. */
  private CallbackAdd handOver(StoredMessage appended, Optional<LiveSession> session, AddMessageOptions o) {
    if (session.isPresent()) {
      route(new BusEvent.Delivery(session.get(), List.of(appended.toQueuedMessage())), false, true);
    } else {
      push(appended.connectionId(), appended.id(), o.pushNotificationToken());
    }
    return CallbackAdd.stored(appended.id(), session.isPresent());
  }

  @Override
  public CompletableFuture<CallbackAdd> addIfRegistered(CallbackRegistry registry, String clientId,
      AddMessageOptions o, int maxPending) {
    Objects.requireNonNull(registry, "registry");
    if (!o.connectionId().equals(CallbackRegistry.connectionId(clientId))) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the message's connectionId must be "
          + CallbackRegistry.connectionId(clientId) + ", not " + o.connectionId()));
    }
    if (routingStore != null && store instanceof GuardedAppendStore guarded && guarded.guards(registry)) {
      long now = clock.millis();
      StoredMessage pending = pendingMessage(o, now);
      return runAsync(() -> guarded.appendIfRegistered(clientId, maxPending, pending, now + visibilityMillis))
          .thenApply(r -> r.result() == GuardedAppend.Result.APPENDED ? handOver(pending, r.session(), o)
              : r.result() == GuardedAppend.Result.UNKNOWN_CLIENT ? REFUSED_UNKNOWN : REFUSED_FULL);
    }
    if (routingStore != null) {
      // the registry lives elsewhere: check and count first, then the one-step append
      return run(registry.isNonBlocking(), () -> registry.exists(clientId, clock.millis()))
          .thenCompose(exists -> !exists ? CompletableFuture.completedFuture(REFUSED_UNKNOWN)
              : getAvailableMessageCount(new GetAvailableMessageCountOptions(o.connectionId(), null))
                  .thenCompose(n -> n >= maxPending ? CompletableFuture.completedFuture(REFUSED_FULL) : addRouted(o)));
    }
    return run(inline && registry.isNonBlocking(), () -> {
      long now = clock.millis();
      if (!registry.exists(clientId, now)) {
        return REFUSED_UNKNOWN;
      }
      if (store.count(o.connectionId(), null, now) >= maxPending) {
        return REFUSED_FULL;
      }
      String id = MessageIds.next(now);
      return CallbackAdd.stored(id, appendAndRoute(o, id, now));
    });
  }

  /**
   * Starts an asynchronous store call from the caller's thread: no worker waits for it. Calls whose reply
   * has not come yet are bounded like the worker queue (-32002 beyond), and failures map as in {@link #run}.
   */
  private <T> CompletableFuture<T> runAsync(Supplier<CompletableFuture<T>> call) {
    if (closed) {
      return CompletableFuture.failedFuture(new MprTransportException("the pickup queue is closed"));
    }
    if (asyncInFlight.incrementAndGet() > settings.maxQueuedOperations()) {
      asyncInFlight.decrementAndGet();
      return CompletableFuture.failedFuture(busy());
    }
    CompletableFuture<T> started;
    try {
      started = call.get();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return started.handle((value, failure) -> {
      asyncInFlight.decrementAndGet();
      if (failure != null) {
        throw storeFailure(failure);
      }
      return value;
    });
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

  private void push(String connectionId, String messageId, PushNotificationToken token) {
    if (token != null && token.token() != null) {
      try {
        push.notify(new PushRequest(connectionId, messageId, token));
      } catch (RuntimeException e) {
        log.warn("push notifier failed for connection {}: {}", connectionId, e.toString());
      }
    }
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
    if (asyncStore != null) {
      return runAsync(() -> asyncStore.takeAsync(request)).thenApply(DefaultPickupQueue::queued);
    }
    return run(() -> queued(store.take(request)));
  }

  CompletableFuture<Void> removeMessages(RemoveMessagesOptions o) {
    if (o.messageIds().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (asyncStore != null) {
      return runAsync(() -> asyncStore.removeAsync(o.connectionId(), o.messageIds())).thenApply(n -> null);
    }
    return run(() -> {
      store.remove(o.connectionId(), o.messageIds());
      return null;
    });
  }

  CompletableFuture<Void> removeAllMessages(RemoveAllMessagesOptions o) {
    if (asyncStore != null) {
      return runAsync(() -> asyncStore.removeAllAsync(o.connectionId(), o.recipientDid())).thenApply(n -> null);
    }
    return run(() -> {
      store.removeAll(o.connectionId(), o.recipientDid());
      return null;
    });
  }

  CompletableFuture<Integer> getAvailableMessageCount(GetAvailableMessageCountOptions o) {
    if (asyncStore != null) {
      return runAsync(() -> asyncStore.countAsync(o.connectionId(), o.recipientDid(), clock.millis()));
    }
    return run(() -> store.count(o.connectionId(), o.recipientDid(), clock.millis()));
  }

  CompletableFuture<Void> addLiveSession(HolderRepository holder, AddLiveSessionOptions o) {
    return run(() -> {
      LiveSession session = new LiveSession(o.connectionId(), o.sessionId(), instanceId, holder.holderId());
      holder.hold(session);
      Optional<LiveSession> previous = liveSessions.put(session);
      if (previous.isPresent() && !previous.get().equals(session)) {
        bus.publish(previous.get().instanceId(), new BusEvent.SessionEnded(previous.get()));
      }
      store.release(o.connectionId(), null);
      return null;
    });
  }

  CompletableFuture<Boolean> removeLiveSession(RemoveLiveSessionOptions o) {
    return run(() -> endSession(o.connectionId(), o.sessionId(), null));
  }

  CompletableFuture<Boolean> getLiveSession(GetLiveSessionOptions o) {
    return run(() -> liveSessions.get(o.connectionId()).isPresent());
  }

  /** Ends a session if it matches, tells its holder, and releases the connection's sending messages. */
  private boolean endSession(String connectionId, String sessionId, String holderId) {
    Optional<LiveSession> removed = liveSessions.remove(connectionId, sessionId, holderId);
    if (removed.isEmpty()) {
      return false;
    }
    LiveSession s = removed.get();
    if (s.instanceId().equals(instanceId)) {
      HolderRepository h = holders.get(s.holderId());
      if (h != null) {
        h.forget(s);
      }
    } else {
      bus.publish(s.instanceId(), new BusEvent.SessionEnded(s));
    }
    store.release(connectionId, null);
    return true;
  }

  /** A repository closed: end the sessions it holds (and only those), release their messages. */
  void closed(HolderRepository holder, List<LiveSession> held) {
    holders.remove(holder.holderId());
    for (LiveSession s : held) {
      try {
        if (workers.isShutdown()) {
          endSession(s.connectionId(), s.sessionId(), s.holderId());
        } else {
          run(() -> endSession(s.connectionId(), s.sessionId(), s.holderId()));
        }
      } catch (RuntimeException e) {
        log.warn("could not end live session of connection {}: {}", s.connectionId(), e.toString());
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

  /** Hands a delivery to the holder's instance: directly when that is this one, else over the bus. */
  private void route(BusEvent.Delivery d, boolean onWorker, boolean mayRedeliver) {
    if (d.session().instanceId().equals(instanceId)) {
      deliver(d, onWorker, mayRedeliver); // no bus hop, and on a worker the outcome is settled on return
    } else {
      bus.publish(d.session().instanceId(), d);
    }
  }

  /**
   * Hands a delivery to its holder on this instance; when the holder is gone or no longer holds the
   * session, {@link #returnToPending returns its messages to pending}.
   */
  private void deliver(BusEvent.Delivery d, boolean onWorker, boolean mayRedeliver) {
    HolderRepository holder = holders.get(d.session().holderId());
    if (holder != null && holder.deliver(d.session(), d.messages())) {
      return;
    }
    returnToPending(d, onWorker, mayRedeliver);
  }

  /**
   * The fence of delivery: a delivery that came over the bus may be late (this instance was paused, a long
   * GC pause or a stopped process, while the event waited in the bus's buffer, and another session may have
   * taken the connection meanwhile), so it reaches the holder only if the live sessions still name its
   * session as the connection's current one when it is handed over; otherwise its messages go back to
   * pending, and to the connection's current session if there is one. The deliveries of one connection keep
   * their order; their checks run side by side.
   */
  private void deliverFenced(BusEvent.Delivery d) {
    CompletableFuture<Boolean> check;
    try {
      check = liveSessions.isCurrent(d.session());
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
        .thenAccept(ok -> afterFence(d, ok))
        .whenComplete((v, e) -> {
          fenced.remove(connectionId, done);
          done.complete(null);
        });
  }

  /** Delivers after the fence check, or settles what the holder may not have; never throws (a chain's link). */
  private void afterFence(BusEvent.Delivery d, boolean current) {
    try {
      if (current) {
        deliver(d, false, true);
      } else if (routingStore != null) {
        run(() -> {
          settleFenced(d);
          return null;
        });
      } else {
        returnToPending(d, false, true);
      }
    } catch (RuntimeException e) {
      log.warn("delivery to connection {} failed: {}", d.session().connectionId(), e.toString());
    }
  }

  /**
   * A fenced delivery whose session was not current, on a store that appends and reads the session in one
   * step (on a worker). A connection that another session holds needs nothing: the addLiveSession that made
   * it current returned every message sent before it to pending, the appends after it went to the new
   * session, and the new holder may have some of them in hand by now (releasing them would hand them out
   * again). A session dropped as dead releases nothing, so with no session left the messages go back to
   * pending; and when the dropped session is back by now (its instance put it back), it is current again
   * and gets them.
   */
  private void settleFenced(BusEvent.Delivery d) {
    String connectionId = d.session().connectionId();
    Optional<LiveSession> current = liveSessions.get(connectionId);
    if (current.isPresent()) {
      if (current.get().equals(d.session())) {
        deliver(d, true, false);
      }
      return;
    }
    List<String> ids = d.messages().stream().map(QueuedMessage::id).toList();
    store.release(connectionId, ids);
    current = liveSessions.get(connectionId);
    if (current.isPresent() && current.get().equals(d.session())) {
      long now = clock.millis();
      List<StoredMessage> claimed = store.claim(connectionId, ids, now, now + visibilityMillis);
      if (!claimed.isEmpty()) {
        deliver(new BusEvent.Delivery(current.get(), queued(claimed)), true, false);
      }
    }
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
    CompletableFuture<List<StoredMessage>> taken = asyncStore != null ? runAsync(() -> asyncStore.takeAsync(request))
        : run(() -> store.take(request));
    taken.whenComplete((messages, failure) -> {
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
   * connection's current session if another one has taken it (once, when {@code mayRedeliver}). Runs on
   * this worker thread when {@code onWorker}, else on a worker: bus threads must not block.
   */
  private void returnToPending(BusEvent.Delivery d, boolean onWorker, boolean mayRedeliver) {
    Runnable fallBack = () -> {
      String connectionId = d.session().connectionId();
      List<String> ids = d.messages().stream().map(QueuedMessage::id).toList();
      store.release(connectionId, ids);
      Optional<LiveSession> current = liveSessions.get(connectionId);
      if (mayRedeliver && current.isPresent() && !current.get().equals(d.session())) {
        long now = clock.millis();
        List<StoredMessage> claimed = store.claim(connectionId, ids, now, now + visibilityMillis);
        if (!claimed.isEmpty()) {
          route(new BusEvent.Delivery(current.get(), queued(claimed)), true, false);
        }
      }
    };
    if (onWorker) {
      fallBack.run();
    } else {
      run(() -> {
        fallBack.run();
        return null;
      });
    }
  }

  // ---------------------------------------------------------------- execution

  private <T> CompletableFuture<T> run(Supplier<T> operation) {
    return run(inline, operation);
  }

  /** Runs an operation on the caller's thread when {@code onCaller} (it never waits for I/O), else on a worker. */
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
    for (HolderRepository h : List.copyOf(holders.values())) {
      h.close();
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(gracePeriod.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("operations still running after {}; closing the store anyway", gracePeriod);
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
    closeQuietly(push);
    closeQuietly(bus);
    closeQuietly(liveSessions);
    closeQuietly(store);
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
