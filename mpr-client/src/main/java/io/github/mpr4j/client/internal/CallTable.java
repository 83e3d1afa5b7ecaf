package io.github.mpr4j.client.internal;

import io.github.mpr4j.client.MprQueueFullException;
import io.netty.util.collection.LongObjectHashMap;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's outstanding calls: those in flight by request id, the user calls waiting to be sent (bounded
 * by {@code maxWaitingCalls}), and a list of every outstanding call, oldest first, that the timeout sweep
 * walks from its head. Confined to the client's event loop: no locks.
 */
final class CallTable {
  private final int maxInFlight;
  private final int maxWaitingCalls;
  private final LongObjectHashMap<Pending<?>> inFlight = new LongObjectHashMap<>();
  private long nextId;
  /** User calls waiting for the connection or for a free in-flight slot, in order. */
  private final ArrayDeque<Pending<?>> waiting = new ArrayDeque<>();
  /** The calls in {@link #waiting} that are not done yet (timed-out ones stay in the deque until polled). */
  private int waitingCount;
  /** Every outstanding call (waiting, restoring or in flight), oldest first: the timeout sweep's order. */
  private Pending<?> head;
  private Pending<?> tail;

  CallTable(int maxInFlight, int maxWaitingCalls) {
    this.maxInFlight = maxInFlight;
    this.maxWaitingCalls = maxWaitingCalls;
  }

  /** Whether one more request may be sent now. */
  boolean hasFreeSlot() {
    return inFlight.size() < maxInFlight;
  }

  /** Whether user calls wait to be sent. */
  boolean hasWaiting() {
    return waitingCount > 0;
  }

  /**
   * Puts a user call at the end of the waiting queue.
   *
   * @return false, with the call failed with {@link MprQueueFullException}, when the queue is full
   */
  boolean enqueue(Pending<?> p, String waitingFor) {
    if (waitingCount >= maxWaitingCalls) {
      p.fail(new MprQueueFullException(p.method + " was refused: " + waitingCount + " calls already wait to be sent"
          + waitingFor + " (maxWaitingCalls " + maxWaitingCalls + "); the call was not sent", maxWaitingCalls));
      return false;
    }
    track(p);
    p.waiting = true;
    waitingCount++;
    waiting.add(p);
    return true;
  }

  /** The next waiting call to send, or {@code null}; calls that timed out meanwhile are skipped. */
  Pending<?> nextWaiting() {
    Pending<?> p;
    while ((p = waiting.poll()) != null) {
      leftWaiting(p);
      if (!p.done) {
        return p;
      }
    }
    return null;
  }

  /** The id of the next request. */
  long nextId() {
    return ++nextId;
  }

  /** The call went out with this id: it is in flight until answered, timed out or lost. */
  void sent(Pending<?> p, long id) {
    p.id = id;
    inFlight.put(id, p);
  }

  /** Takes the call that an answer with this id is for; {@code null} when none is (it timed out). */
  Pending<?> answered(long id) {
    Pending<?> p = inFlight.remove(id);
    if (p != null) {
      untrack(p);
    }
    return p;
  }

  /** Fails every call in flight (the socket is gone); waiting calls stay. */
  void failInFlight(Throwable e) {
    if (inFlight.isEmpty()) {
      return;
    }
    List<Pending<?>> sent = new ArrayList<>(inFlight.values());
    inFlight.clear();
    for (Pending<?> p : sent) {
      fail(p, e);
    }
  }

  /** Fails every waiting user call. */
  void failWaiting(Throwable e) {
    for (Pending<?> p : waiting) {
      p.waiting = false;
      fail(p, e);
    }
    waiting.clear();
    waitingCount = 0;
  }

  /** Fails every outstanding call: in flight, waiting, or tracked elsewhere (restore requests). */
  void failAll(Throwable e) {
    failInFlight(e);
    failWaiting(e);
    while (head != null) {
      fail(head, e);
    }
  }

  /** Adds a call to the timeout list. */
  void track(Pending<?> p) {
    p.linked = true;
    p.prev = tail;
    p.next = null;
    if (tail == null) {
      head = p;
    } else {
      tail.next = p;
    }
    tail = p;
  }

  /** Takes a call off the timeout list (done, or failed elsewhere). */
  void untrack(Pending<?> p) {
    if (!p.linked) {
      return;
    }
    p.linked = false;
    if (p.prev == null) {
      head = p.next;
    } else {
      p.prev.next = p.next;
    }
    if (p.next == null) {
      tail = p.prev;
    } else {
      p.next.prev = p.prev;
    }
    p.prev = null;
    p.next = null;
  }

  /** Takes a call off the timeout list and fails it unless it is done. */
  void fail(Pending<?> p, Throwable e) {
    untrack(p);
    if (!p.done) {
      p.fail(e);
    }
  }

  /**
   * Fails the calls whose time is up: they are the oldest, at the head of the list.
   *
   * @param connected whether the client is connected (for the message of a call that was never sent)
   * @return whether an in-flight slot was freed
   */
  boolean expire(long nowNanos, Duration timeout, boolean connected) {
    boolean freed = false;
    while (head != null && head.deadlineNanos - nowNanos <= 0) {
      Pending<?> p = head;
      untrack(p);
      leftWaiting(p);
      boolean sent = p.id != 0 && inFlight.remove(p.id) != null;
      freed |= sent;
      p.fail(new io.github.mpr4j.protocol.MprTransportException(p.method + " got no answer within " + timeout
          + (sent ? "" : connected ? " (it waited for a free in-flight slot and was never sent)"
              : " (it waited for the connection and was never sent)")));
    }
    return freed;
  }

  /** A call leaves the waiting queue: sent, timed out or dropped. */
  private void leftWaiting(Pending<?> p) {
    if (p.waiting) {
      p.waiting = false;
      waitingCount--;
    }
  }
}
