package io.github.mpr4j.push.internal;

import io.github.mpr4j.core.spi.LiveSessions;
import io.github.mpr4j.core.spi.PushRequest;
import io.github.mpr4j.push.PushDeduplicator;
import io.github.mpr4j.push.RetryPolicy;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of one provider's notifications: a bounded queue, one dispatcher thread that re-checks the live
 * session and takes the token's de-duplication slot at send time, an in-flight limit (a permit is held from
 * the first attempt to the last answer, retry waits included), and retries with backoff.
 */
public final class Lane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lane.class);

  private final String provider;
  private final Sender sender;
  private final BlockingQueue<Job> queue;
  /** Tokens with a notification in the queue: a second one for the same token coalesces with it. */
  private final Set<String> queuedKeys = ConcurrentHashMap.newKeySet();
  private final Semaphore permits;
  private final int maxInFlight;
  private final RetryPolicy retry;
  private final LiveSessions liveSessions;
  private final PushDeduplicator dedup;
  private final Duration window;
  private final ScheduledExecutorService scheduler;
  private final ProviderMetrics metrics;
  private final Thread dispatcher;
  private final java.util.function.Consumer<PushRequest> onUnregistered;
  private volatile boolean closed;

  public Lane(String provider, Sender sender, int capacity, int maxInFlight, RetryPolicy retry,
      LiveSessions liveSessions, PushDeduplicator dedup, Duration window, ScheduledExecutorService scheduler,
      ProviderMetrics metrics) {
    this(provider, sender, capacity, maxInFlight, retry, liveSessions, dedup, window, scheduler, metrics, r -> { });
  }

  /** With a listener told when the provider says a token is gone for good (unregistered). */
  public Lane(String provider, Sender sender, int capacity, int maxInFlight, RetryPolicy retry,
      LiveSessions liveSessions, PushDeduplicator dedup, Duration window, ScheduledExecutorService scheduler,
      ProviderMetrics metrics, java.util.function.Consumer<PushRequest> onUnregistered) {
    this.onUnregistered = onUnregistered;
    this.provider = provider;
    this.sender = sender;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.permits = new Semaphore(maxInFlight);
    this.maxInFlight = maxInFlight;
    this.retry = retry;
    this.liveSessions = liveSessions;
    this.dedup = dedup;
    this.window = window;
    this.scheduler = scheduler;
    this.metrics = metrics;
    metrics.enabled(queue::size);
    this.dispatcher = new Thread(this::dispatch, "mpr-push-" + provider);
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  /** Queues a notification; never blocks. */
  public void offer(PushRequest request) {
    if (closed) {
      metrics.dropped("shutdown");
      return;
    }
    String key = tokenKey(request);
    if (!queuedKeys.add(key)) {
      metrics.deduplicated();
      return;
    }
    if (!queue.offer(new Job(request, key, System.nanoTime()))) {
      queuedKeys.remove(key);
      metrics.dropped("queue_full");
      log.debug("{} push queue full: dropped the push for connection {}", provider, request.connectionId());
    }
  }

  static String tokenKey(PushRequest r) {
    return r.token().type() + ":" + r.token().token();
  }

  private void dispatch() {
    while (!closed) {
      Job job;
      try {
        job = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      if (job == null) {
        continue;
      }
      queuedKeys.remove(job.key);
      try {
        if (isLive(job.request)) {
          metrics.skippedLive();
          continue;
        }
        if (!acquireSlot(job.key)) {
          metrics.deduplicated();
          continue;
        }
        while (!permits.tryAcquire(200, TimeUnit.MILLISECONDS)) {
          if (closed) {
            metrics.dropped("shutdown");
            return;
          }
        }
        attempt(job, 1);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        log.warn("{} push for connection {} failed unexpectedly: {}", provider, job.request.connectionId(), e.toString());
      }
    }
  }

  private boolean isLive(PushRequest r) {
    if (liveSessions == null) {
      return false;
    }
    try {
      return liveSessions.get(r.connectionId()).isPresent();
    } catch (RuntimeException e) {
      log.debug("live session check for connection {} failed, pushing anyway: {}", r.connectionId(), e.toString());
      return false;
    }
  }

  private boolean acquireSlot(String key) {
    try {
      return dedup.tryAcquire(key, window);
    } catch (RuntimeException e) {
      log.warn("{} push de-duplication failed, pushing anyway: {}", provider, e.toString());
      return true;
    }
  }

  private void attempt(Job job, int attempt) {
    java.util.concurrent.CompletableFuture<Outcome> f;
    try {
      f = sender.send(job.request);
    } catch (RuntimeException e) {
      f = java.util.concurrent.CompletableFuture.completedFuture(Outcome.transientFailure(e.toString()));
    }
    f.whenComplete((outcome, ex) -> {
      Outcome o = ex != null ? Outcome.transientFailure(ex.toString()) : outcome;
      try {
        handle(job, attempt, o);
      } catch (RuntimeException e) {
        permits.release();
        log.warn("{} push handling failed: {}", provider, e.toString());
      }
    });
  }

  private void handle(Job job, int attempt, Outcome o) {
    switch (o.kind()) {
      case ACCEPTED:
        metrics.sent(System.nanoTime() - job.enqueuedNanos);
        permits.release();
        log.debug("{} push sent for connection {} (message {})", provider, job.request.connectionId(),
            job.request.messageId());
        return;
      case PERMANENT:
        metrics.failed(o.reason());
        permits.release();
        log.warn("{} push for connection {} rejected ({}): {}; not retried", provider, job.request.connectionId(),
            o.reason(), o.detail());
        if (Outcome.UNREGISTERED.equals(o.reason())) {
          try {
            onUnregistered.accept(job.request);
          } catch (RuntimeException e) {
            log.warn("{} push: the listener of unregistered tokens failed: {}", provider, e.toString());
          }
        }
        return;
      default:
        if (attempt >= retry.maxAttempts() || closed) {
          metrics.failed(o.reason());
          permits.release();
          log.warn("{} push for connection {} failed after {} attempt(s): {}", provider, job.request.connectionId(),
              attempt, o.detail());
          return;
        }
        metrics.retried();
        Duration delay = retry.delayAfter(attempt);
        log.debug("{} push for connection {} failed ({}), retry {} in {} ms", provider, job.request.connectionId(),
            o.detail(), attempt + 1, delay.toMillis());
        try {
          scheduler.schedule(() -> retryAttempt(job, attempt + 1), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          metrics.dropped("shutdown");
          permits.release();
        }
    }
  }

  private void retryAttempt(Job job, int attempt) {
    if (closed) {
      metrics.dropped("shutdown");
      permits.release();
      return;
    }
    if (isLive(job.request)) {
      metrics.skippedLive();
      permits.release();
      return;
    }
    attempt(job, attempt);
  }

  /** Notifications between their first attempt and their last answer. */
  int inFlight() {
    return maxInFlight - permits.availablePermits();
  }

  /**
   * Stops taking notifications, waits up to {@code grace} for those in flight, then closes the sender.
   * Idempotent.
   */
  public void close(Duration grace) {
    if (closed) {
      return;
    }
    closed = true;
    dispatcher.interrupt();
    try {
      dispatcher.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = queue.size();
    queue.clear();
    queuedKeys.clear();
    for (int i = 0; i < left; i++) {
      metrics.dropped("shutdown");
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    sender.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }

  private static final class Job {
    final PushRequest request;
    final String key;
    final long enqueuedNanos;

    Job(PushRequest request, String key, long enqueuedNanos) {
      this.request = request;
      this.key = key;
      this.enqueuedNanos = enqueuedNanos;
    }
  }
}
