package io.github.mpr4j.core.tiering.internal;

import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.tiering.internal.HotTier.ColdCandidate;
import io.github.mpr4j.core.tiering.internal.HotTier.MoveCandidate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MongoDB side of the tiered store, as the tiered store sees it: one document per message copy. Every
 * method blocks on the driver; the tiered store calls them on its bounded cold executor, the mover on its
 * thread. Implemented in {@code io.github.mpr4j.core.mongo}, with the MongoDB store's document schema;
 * docs/mongodb.md describes the fields and when a copy is visible.
 */
public interface ColdTier extends AutoCloseable {

  /**
   * Write-through: writes the backup copy of a message before its hot copy exists (again: nothing changes).
   * Its order is its receivedAt in microseconds, the scale of the hot sequence numbers; a mover replaces it
   * with the hot one.
   */
  void insertBackup(StoredMessage m);

  /** Up to {@code limit} copies that may be visible and are pending at now, by order. */
  List<ColdCandidate> candidates(String connectionId, String recipientDid, long nowMillis, int limit);

  /** Whether the connection has no copy that may be visible (backups do not count). */
  boolean isEmpty(String connectionId);

  /** Counts of pending copies: committed ones, and shadows (id -> token) whose visibility Redis decides. */
  record Count(int committed, Map<String, String> shadows, boolean empty) {}

  /** Counts the pending copies in one query (a move turns a shadow committed; two could see it as neither). */
  Count count(String connectionId, String recipientDid, long nowMillis);

  /** Copies among {@code ids} that may be visible and are pending at now. */
  List<ColdCandidate> pendingCopies(String connectionId, Collection<String> ids, long nowMillis);

  /** A cold message won by a claim, with its order. */
  record Won(StoredMessage message, long seq) {}

  /**
   * Claims the given copies (id -> state read) for {@code sendingUntil}, each only if its state is still the
   * one read; with {@code delete}, deletes those won. Returns the won messages as they were, by order.
   */
  List<Won> claim(Map<String, Long> states, long sendingUntilMillis, boolean delete);

  /**
   * Returns sending copies to pending ({@code ids} null: all of the connection), except {@code skip} (released
   * in Redis, whose hot copy is the message). Returns how many changed.
   */
  int release(String connectionId, Collection<String> ids, Collection<String> skip);

  /** Deletes every copy of the given ids; returns how many of those not in {@code uncounted} were deleted. */
  int delete(String connectionId, Collection<String> ids, Collection<String> uncounted);

  /**
   * Deletes a recipient's copies that are not backups, and the copies of {@code removedHot}; returns how many
   * of them were not in {@code removedHot}.
   */
  int removeAll(String connectionId, String recipientDid, Collection<String> removedHot);

  /**
   * Undoes shadow copies (id -> token) that no mover can commit any more: deletes them, or turns them back
   * into backups (write-through: a backup is never deleted as garbage, since Redis may have lost its hot copy).
   */
  void dropShadows(Map<String, String> shadows);

  /**
   * Writes shadow copies of hot messages with this mover's token and fence: new documents, or, for ids
   * already written, takes over shadows and backups of movers with a fence not above this one. Returns the
   * ids this mover now holds a shadow of (only those may be committed).
   */
  Set<String> copy(List<MoveCandidate> candidates, String token, long fence);

  /** Makes committed shadows (id -> token) ordinary cold messages. */
  void commit(Map<String, String> committed);

  /** Undoes this mover's uncommitted shadows: deletes its new copies, and turns taken-over backups back. */
  void rollback(Collection<String> ids, String token);

  /** A write-through backup: its message, connection, and when it was written. */
  record Backup(String id, String connectionId, long writtenMillis) {}

  /** Write-through backups written before {@code cutoff}, after (written, id), oldest first. */
  List<Backup> backupsBefore(long cutoffMillis, long afterWritten, String afterId, int limit);

  /**
   * Makes backups whose hot copy and ledger entry are gone ordinary cold messages, also those a mover had
   * taken over but never committed (its commit needs the hot copy).
   */
  void recover(Collection<String> ids);

  /** Whether MongoDB can take writes now. */
  boolean isReady();

  /** The MongoDB it is on, for logs and errors. */
  String describe();

  /** Closes the connection; idempotent. */
  @Override
  void close();
}
