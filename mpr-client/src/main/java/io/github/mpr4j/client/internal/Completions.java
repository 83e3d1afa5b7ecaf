package io.github.mpr4j.client.internal;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Completes the futures of the calls on the completion executor, so that the stages users add to them never
 * run on the client's event loop. When the executor refuses (it was shut down), the future is completed on
 * the calling thread: a completion is never lost.
 */
final class Completions {
  /** The threads of the default pool. */
  static final int OWN_THREADS = 2;

  private final Executor executor;
  private final ExecutorService own;

  private Completions(Executor executor, ExecutorService own) {
    this.executor = executor;
    this.own = own;
  }

  /** On the given executor, or, when it is {@code null}, on a pool of {@link #OWN_THREADS} daemon threads of the client's own. */
  static Completions on(Executor executor, int clientNumber) {
    if (executor != null) {
      return new Completions(executor, null);
    }
    ThreadPoolExecutor pool = new ThreadPoolExecutor(OWN_THREADS, OWN_THREADS, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), new DefaultThreadFactory("mpr-client-" + clientNumber + "-completions", true));
    return new Completions(pool, pool);
  }

  <T> void complete(CompletableFuture<T> future, T value, Throwable error) {
    try {
      executor.execute(() -> completeHere(future, value, error));
    } catch (RejectedExecutionException e) {
      completeHere(future, value, error);
    }
  }

  /** Completes the future on this thread. */
  static <T> void completeHere(CompletableFuture<T> future, T value, Throwable error) {
    if (error != null) {
      future.completeExceptionally(error);
    } else {
      future.complete(value);
    }
  }

  /** Lets the pool of the client's own end once the completions handed to it have run. */
  void shutdown() {
    if (own != null) {
      own.shutdown();
    }
  }
}
