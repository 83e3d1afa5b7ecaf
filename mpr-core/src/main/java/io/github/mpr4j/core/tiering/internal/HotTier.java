package io.github.mpr4j.core.tiering.internal;

import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The Redis side of the tiered store, as the tiered store sees it: the queue script's tiering operations on
 * one connection's keys, the index of connections due to move, and the mover's lease. Each method is one
 * asynchronous call of the queue script (atomic, pipelined like every other call). Implemented in {@code
 * io.github.mpr4j.core.redis}; docs/mongodb.md describes the scheme.
 */
public interface HotTier {
  /** An append: whether the connection held nothing in Redis before it, and the live session it went to. */
  record Appended(boolean wasEmpty, Optional<LiveSession> session) {}

  /** A cold copy offered to a take: its id, order, size, mover token ({@code ""} when committed), state. */
  record ColdCandidate(String id, long seq, long bytes, String token, long sendingUntil) {}

  /**
   * A take's answer: either {@code needsCold} (read the cold tier as of {@code version} and call again; with
   * {@code readFurther}, past the window read last time, which held too few visible messages), or the chosen
   * messages in order (ids; those in {@code hot} were taken here, the others are cold copies the caller must
   * claim), and shadow copies no mover can commit any more ({@code garbage}).
   */
  record Taken(boolean needsCold, boolean readFurther, long version, List<String> order,
      Map<String, StoredMessage> hot, List<String> garbage) {}

  /** A count's answer: {@code needsCold}, or the hot count and how many of the given shadows are visible. */
  record Counted(boolean needsCold, long version, int hot, int visibleShadows) {}

  /** A message claimed here, with its sequence number. */
  record Claimed(StoredMessage message, long seq) {}

  /** The outcome of a change: the ids changed here, and whether the cold tier is known to hold no visible copy. */
  record Changed(List<String> ids, boolean coldEmpty) {}

  /** The hot claims, and whether the cold tier is known to hold no visible copy. */
  record ClaimedAll(List<Claimed> claimed, boolean coldEmpty) {}

  /** A message the mover may copy: its state is {@code message.sendingUntilMillis()}. */
  record MoveCandidate(StoredMessage message, long seq) {}

  /** What the mover reads: {@code fenced} (a newer mover took over), the ledger, and the candidates. */
  record MoveRead(boolean fenced, Map<String, String> ledger, List<MoveCandidate> candidates) {}

  /**
   * Appends a message. With {@code routedUntil >= 0}, as {@code appendRouted} does: sending until then when
   * the connection has a live session whose holder is alive, else pending; otherwise in the message's own
   * state.
   */
  CompletableFuture<Appended> append(StoredMessage m, long routedUntil);

  /**
   * Takes from the hot tier, merged with the given visible-if-so cold candidates (see {@link Taken}).
   * {@code windowFull}: the cold read stopped at its limit, so cold messages may follow the last candidate,
   * and nothing after it may be chosen.
   */
  CompletableFuture<Taken> take(TakeRequest r, long vSeen, boolean tomb, boolean coldEmpty,
      List<ColdCandidate> cold, boolean windowFull);

  /** Counts the hot tier's pending messages and checks which of the given shadow copies are visible. */
  CompletableFuture<Counted> count(String connectionId, String recipientDid, long nowMillis, long vSeen,
      boolean coldEmpty, Map<String, String> shadows);

  /** Those of the given cold copies (id -> token, {@code ""} when committed) that are visible. */
  CompletableFuture<List<String>> visible(String connectionId, Map<String, String> copies);

  /** Claims the hot messages among {@code ids} that are pending at now. */
  CompletableFuture<ClaimedAll> claim(String connectionId, Collection<String> ids, long nowMillis,
      long sendingUntilMillis);

  /** Releases hot sending messages ({@code null}: all); returns the released ids. */
  CompletableFuture<Changed> release(String connectionId, Collection<String> ids);

  /** Removes hot messages, with a tombstone each when {@code tomb}; returns the removed ids. */
  CompletableFuture<Changed> remove(String connectionId, Collection<String> ids, boolean tomb);

  /** Removes a recipient's hot messages, with a tombstone each when {@code tomb}; returns the removed ids. */
  CompletableFuture<Changed> removeAll(String connectionId, String recipientDid, boolean tomb);

  /** Drops the ledger entries (id -> value) that still have their value. */
  CompletableFuture<Long> dropLedger(String connectionId, Map<String, String> entries);

  /** Records the mover's fence on the connection and reads the ledger and up to {@code batch} candidates. */
  CompletableFuture<MoveRead> moveRead(String connectionId, long fence, long cutoffMillis, int batch);

  /**
   * Deletes the hot copies whose state is still the given one (id -> state), naming {@code token} in the
   * ledger; empty when a newer mover has fenced this one off.
   */
  CompletableFuture<Optional<List<String>>> moveCommit(String connectionId, long fence, String token,
      Map<String, Long> states);

  /** When the connection is next due to move (a receivedAt-like time), or -1 when it holds nothing here. */
  CompletableFuture<Long> moveDue(String connectionId, long thresholdMillis);

  /** Forgets that the connection's cold tier was seen empty (cold copies became visible). */
  CompletableFuture<Long> bump(String connectionId);

  /** For each id: {@code "h"} (a hot copy exists), {@code "l"} (a ledger entry) or {@code ""}. */
  CompletableFuture<List<String>> sweepCheck(String connectionId, List<String> ids);

  /** Puts a connection in the index with a due time ({@code onlyIfAbsent}: unless it is there). */
  CompletableFuture<Void> markDue(String connectionId, long due, boolean onlyIfAbsent);

  /** Takes a connection out of the index. */
  CompletableFuture<Void> unmarkDue(String connectionId);

  /** Up to {@code count} connections due at or before {@code due}, earliest first. */
  CompletableFuture<List<String>> due(long due, int count);

  /** Takes the mover's lease for {@code ttlMillis}: the new fence, or 0 when another owner holds it. */
  CompletableFuture<Long> acquireLease(String owner, long ttlMillis);

  /** Extends the lease if {@code owner} still holds it. */
  CompletableFuture<Boolean> renewLease(String owner, long ttlMillis);

  /** Gives the lease up if {@code owner} holds it. */
  CompletableFuture<Boolean> releaseLease(String owner);

  /** Waits for a call of this tier, rethrowing its own exception rather than its CompletionException. */
  <T> T join(CompletableFuture<T> call);
}
