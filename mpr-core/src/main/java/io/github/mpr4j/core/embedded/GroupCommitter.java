package io.github.mpr4j.core.embedded;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Group commit: callers that have changed the store wait until a commit that started after their change
 * has completed. One thread commits whenever somebody waits, and one commit answers every caller that
 * arrived before it started, so N concurrent writers cost one commit, not N.
 *
 * <p>Commits are numbered. A caller asks for commit {@code started + 1}, read under the lock after its
 * change was applied, so that commit necessarily begins after the change and covers it.
 *
 * <p><b>Gathering.</b> Every commit has a fixed cost (MVStore writes a chunk, rewrites the pages on the paths
 * to the changed leaves and updates its chunk metadata), so more changes per commit means fewer bytes and
 * less CPU per change. Left alone, concurrent callers split into two cohorts that alternate: those woken by
 * commit n apply their next change while commit n+1 runs for the others. So before a commit starts, the
 * committer waits while callers are still applying a change (they will ask for this commit within
 * microseconds), for at most {@code maxGatherNanos}. A lone caller, or callers that are all waiting
 * already, are committed at once: the wait costs latency only when it buys a bigger group.
 */
final class GroupCommitter implements AutoCloseable {

  private final Runnable commit;
  private final long maxGatherNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition done = lock.newCondition();
  private final Thread thread;

  // guarded by lock
  private long requested;
  private long started;
  private long completed;
  /** Callers between the start of their change and their request for a commit. */
  private int applying;
  private RuntimeException failure;
  private boolean closing;

  /**
   * @param commit makes every change applied so far durable; throws when it cannot
   * @param name the committer thread's name
   * @param maxGatherNanos how long a commit may wait for callers that are still applying a change
   */
  GroupCommitter(Runnable commit, String name, long maxGatherNanos) {
    this.commit = commit;
    this.maxGatherNanos = maxGatherNanos;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Applies a change, then waits until it is committed.
   *
   * @return what the change returned
   * @throws IllegalStateException if the commit failed or the committer was closed before it ran
   */
  <T> T applyAndAwait(Supplier<T> change) {
    lock.lock();
    try {
      applying++;
    } finally {
      lock.unlock();
    }
    T result;
    try {
      result = change.get();
    } catch (RuntimeException | Error e) {
      lock.lock();
      try {
        applying--;
        work.signal(); // a gathering committer may stop waiting for this caller
      } finally {
        lock.unlock();
      }
      throw e;
    }
    awaitCommit();
    return result;
  }

  /** Waits until the change this thread has applied is committed; it was counted in {@link #applying}. */
  private void awaitCommit() {
    lock.lock();
    try {
      applying--;
      long ticket = started + 1;
      if (requested < ticket) {
        requested = ticket;
      }
      work.signal();
      while (completed < ticket && failure == null && !(closing && !thread.isAlive())) {
        done.awaitUninterruptibly();
      }
      if (failure != null) {
        throw new IllegalStateException("the embedded store could not commit: " + failure.getMessage(), failure);
      }
      if (completed < ticket) {
        throw new IllegalStateException("the embedded store is closed");
      }
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      long ticket;
      lock.lock();
      try {
        while (requested <= started && !closing) {
          work.awaitUninterruptibly();
        }
        if (requested <= started || failure != null) {
          return; // closing, nobody waits
        }
        gather();
        ticket = ++started;
      } finally {
        lock.unlock();
      }
      RuntimeException error = commitOnce();
      lock.lock();
      try {
        completed = ticket;
        if (error != null) {
          failure = error;
        }
        done.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Waits, for a bounded time, while callers are still applying changes that this commit could cover. */
  private void gather() {
    long deadline = System.nanoTime() + maxGatherNanos;
    long left = maxGatherNanos;
    while (applying > 0 && !closing && left > 0) {
      try {
        work.awaitNanos(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      left = deadline - System.nanoTime();
    }
  }

  private RuntimeException commitOnce() {
    try {
      commit.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  /** Commits what is still asked for, then stops the thread. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      closing = true;
      work.signal();
    } finally {
      lock.unlock();
    }
    joinUninterruptibly();
    lock.lock();
    try {
      done.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void joinUninterruptibly() {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
