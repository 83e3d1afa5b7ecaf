package io.github.mpr4j.core.store;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: callers that have changed the store wait until a commit that started after their change
 * has completed. One thread commits whenever somebody waits, and one commit answers every caller that
 * arrived before it started, so N concurrent writers cost one commit, not N.
 *
 * <p>Commits are numbered. A caller asks for commit {@code started + 1}, read under the lock after its
 * change was applied, so that commit necessarily begins after the change and covers it.
 */
final class GroupCommitter implements AutoCloseable {

  private final Runnable commit;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition done = lock.newCondition();
  private final Thread thread;

  // guarded by lock
  private long requested;
  private long started;
  private long completed;
  private RuntimeException failure;
  private boolean closing;

  /**
   * @param commit makes every change applied so far durable; throws when it cannot
   * @param name the committer thread's name
   */
  GroupCommitter(Runnable commit, String name) {
    this.commit = commit;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Waits until the changes this thread has applied are committed.
   *
   * @throws IllegalStateException if the commit failed or the committer was closed before it ran
   */
  void awaitCommit() {
    lock.lock();
    try {
      long ticket = started + 1;
      if (requested < ticket) {
        requested = ticket;
        work.signal();
      }
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
