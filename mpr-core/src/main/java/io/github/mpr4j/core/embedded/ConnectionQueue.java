package io.github.mpr4j.core.embedded;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The in-memory index of one connection's queue in the embedded store: for each message, in append order,
 * its global sequence (the key of its record on disk), its payload size, its sending deadline and its
 * recipient DIDs. {@code take}, {@code count}, {@code removeAll} and {@code release} decide from this alone;
 * a record is read only when its message is returned or its id is needed.
 *
 * <p>Parallel arrays used as a deque: appends go at the tail, FIFO removals advance the head, a removal from
 * the middle leaves a hole ({@code size < 0}) that {@link #tidy()} squeezes out once holes are more than half
 * the slots. Per message: 8 (sequence) + 4 (size) + 8 (deadline) + 4 (reference to an interned recipient
 * list) = 24 bytes a slot; with the spare room of a growing array, at most about 48 bytes.
 *
 * <p>Not thread-safe: the store uses it under the connection's stripe lock only.
 */
final class ConnectionQueue {
  private static final int REMOVED = -1;
  private static final int MAX_INTERNED = 32;

  private long[] seqs = new long[4];
  private int[] sizes = new int[4];
  private long[] sendingUntil = new long[4];
  private Object[] dids = new Object[4];
  private int head;
  private int tail;
  private int live;
  /** The distinct recipient lists of this connection, so messages share one instance; bounded. */
  private final List<List<String>> recipientSets = new ArrayList<>(2);

  boolean isEmpty() {
    return live == 0;
  }

  /** Slots from {@link #first()} (inclusive) to {@link #end()} (exclusive); skip those {@link #isRemoved}. */
  int first() {
    return head;
  }

  int end() {
    return tail;
  }

  boolean isRemoved(int slot) {
    return sizes[slot] == REMOVED;
  }

  long seq(int slot) {
    return seqs[slot];
  }

  int size(int slot) {
    return sizes[slot];
  }

  long sendingUntil(int slot) {
    return sendingUntil[slot];
  }

  /** Whether the message is for {@code recipientDid}; {@code null} matches every message. */
  @SuppressWarnings("unchecked")
  boolean isFor(int slot, String recipientDid) {
    return recipientDid == null || ((List<String>) dids[slot]).contains(recipientDid);
  }

  /** Adds a message after every other; {@code seq} must be above every sequence already here. */
  void add(long seq, int size, List<String> recipientDids, long until) {
    if (tail == seqs.length) {
      makeRoom();
    }
    seqs[tail] = seq;
    sizes[tail] = size;
    sendingUntil[tail] = until;
    dids[tail] = intern(recipientDids);
    tail++;
    live++;
  }

  /** Replaces what is known of the message in a slot (a message appended again under the same id). */
  void replace(int slot, int size, List<String> recipientDids, long until) {
    sizes[slot] = size;
    sendingUntil[slot] = until;
    dids[slot] = intern(recipientDids);
  }

  void setSendingUntil(int slot, long until) {
    sendingUntil[slot] = until;
  }

  /** The slot of the message with that sequence, or -1. */
  int slotOf(long seq) {
    int slot = Arrays.binarySearch(seqs, head, tail, seq);
    return slot >= 0 && sizes[slot] != REMOVED ? slot : -1;
  }

  /** Removes a message; its slot stays a hole until {@link #tidy()}, so slot numbers stay valid until then. */
  void remove(int slot) {
    sizes[slot] = REMOVED;
    dids[slot] = null;
    live--;
    while (head < tail && sizes[head] == REMOVED) {
      head++;
    }
    if (live == 0) {
      head = 0;
      tail = 0;
    }
  }

  /** Squeezes out holes when they are more than half the slots in use; slot numbers change. */
  void tidy() {
    int used = tail - head;
    if (used - live > 16 && used - live > live) {
      compact();
    }
  }

  private void makeRoom() {
    if (live < seqs.length / 2) {
      compact();
      return;
    }
    int capacity = seqs.length + (seqs.length >> 1) + 1;
    compact();
    seqs = Arrays.copyOf(seqs, capacity);
    sizes = Arrays.copyOf(sizes, capacity);
    sendingUntil = Arrays.copyOf(sendingUntil, capacity);
    dids = Arrays.copyOf(dids, capacity);
  }

  private void compact() {
    int to = 0;
    for (int from = head; from < tail; from++) {
      if (sizes[from] != REMOVED) {
        seqs[to] = seqs[from];
        sizes[to] = sizes[from];
        sendingUntil[to] = sendingUntil[from];
        dids[to] = dids[from];
        to++;
      }
    }
    Arrays.fill(dids, to, tail, null);
    head = 0;
    tail = to;
  }

  private List<String> intern(List<String> recipientDids) {
    for (List<String> known : recipientSets) {
      if (known.equals(recipientDids)) {
        return known;
      }
    }
    List<String> copy = List.copyOf(recipientDids);
    if (recipientSets.size() < MAX_INTERNED) {
      recipientSets.add(copy);
    }
    return copy;
  }
}
