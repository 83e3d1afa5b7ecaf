package io.github.mpr4j.core.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push de-duplication slots in PostgreSQL ({@code mpr_push_slots}), shared by every instance on the database:
 * at most one push per key and window across the cluster. The server adapts {@link #tryAcquire} to mpr-push's
 * de-duplicator, as it does Redis's {@code SET NX PX}. Windows run on the database's clock, so the instances'
 * clocks do not matter.
 *
 * <p>Taking a slot is one statement, {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} the slot has expired,
 * so of concurrent callers for one key exactly one gets it. Expired slots are deleted in bounded batches by the
 * calls themselves, at most once per sweep interval per instance. Calls block on JDBC: call them from worker
 * threads, never from an event loop.
 */
public final class PostgresPushDeduplicator {
  private static final Logger log = LoggerFactory.getLogger(PostgresPushDeduplicator.class);
  /** The default most expired slots one sweep deletes. */
  public static final int DEFAULT_SWEEP_BATCH = 1000;
  /** The default least time between two sweeps of one instance. */
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

  private static final String ACQUIRE = "INSERT INTO mpr_push_slots AS p (slot_key, expires_at)"
      + " VALUES (?, now() + ? * interval '1 millisecond') ON CONFLICT (slot_key) DO UPDATE"
      + " SET expires_at = EXCLUDED.expires_at WHERE p.expires_at <= now() RETURNING 1";
  private static final String SWEEP = "DELETE FROM mpr_push_slots WHERE slot_key IN (SELECT slot_key"
      + " FROM mpr_push_slots WHERE expires_at <= now() ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)"
      + " AND expires_at <= now()";

  private final DataSource dataSource;
  private final int sweepBatch;
  private final long sweepIntervalNanos;
  private final AtomicLong lastSweep;

  PostgresPushDeduplicator(DataSource dataSource, int sweepBatch, Duration sweepInterval) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    if (sweepBatch < 1) {
      throw new IllegalArgumentException("sweepBatch must be at least 1, not " + sweepBatch);
    }
    if (sweepInterval.isNegative()) {
      throw new IllegalArgumentException("sweepInterval must not be negative: " + sweepInterval);
    }
    this.sweepBatch = sweepBatch;
    this.sweepIntervalNanos = sweepInterval.toNanos();
    this.lastSweep = new AtomicLong(System.nanoTime()); // the first sweep an interval after the start
  }

  /**
   * Slots on a database migrated to the store's schema, swept with the default batch and interval.
   *
   * @param dataSource the pool of the PostgreSQL backend (not closed here)
   * @return the slots
   */
  public static PostgresPushDeduplicator create(DataSource dataSource) {
    return create(dataSource, DEFAULT_SWEEP_BATCH, DEFAULT_SWEEP_INTERVAL);
  }

  /**
   * Slots on a database migrated to the store's schema.
   *
   * @param dataSource the pool of the PostgreSQL backend (not closed here)
   * @param sweepBatch the most expired slots one sweep deletes, at least 1
   * @param sweepInterval the least time between two sweeps of this instance ({@link Duration#ZERO}: on every call)
   * @return the slots
   */
  public static PostgresPushDeduplicator create(DataSource dataSource, int sweepBatch, Duration sweepInterval) {
    return new PostgresPushDeduplicator(dataSource, sweepBatch, Objects.requireNonNull(sweepInterval,
        "sweepInterval"));
  }

  /**
   * Takes the slot of {@code key} for {@code window} if it is free: absent, or its window has ended.
   *
   * @param key the slot's key (the server passes a digest of the provider and token, not the token)
   * @param window how long the slot stays taken, at least 1 ms
   * @return {@code true} when the caller took the slot and should send; {@code false} when it is taken
   * @throws IllegalStateException when PostgreSQL fails or cannot be reached
   */
  public boolean tryAcquire(String key, Duration window) {
    Objects.requireNonNull(key, "key");
    if (window.toMillis() < 1) {
      throw new IllegalArgumentException("the window must be at least 1 ms: " + window);
    }
    boolean acquired;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = PostgresCallbackRegistry.prepare(c, ACQUIRE, key, window.toMillis());
        ResultSet r = s.executeQuery()) {
      acquired = r.next();
    } catch (SQLException e) {
      throw PostgresCallbackRegistry.failed("take a push slot", e);
    }
    sweepIfDue();
    return acquired;
  }

  /** Deletes a batch of expired slots if this instance's last sweep is an interval old; one caller at a time. */
  private void sweepIfDue() {
    long last = lastSweep.get();
    long now = System.nanoTime();
    if (now - last < sweepIntervalNanos || !lastSweep.compareAndSet(last, now)) {
      return;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = PostgresCallbackRegistry.prepare(c, SWEEP, sweepBatch)) {
      s.executeUpdate();
    } catch (SQLException e) {
      // the slot was taken or refused already; the next sweep deletes what this one could not
      log.warn("the sweep of expired push slots failed: {}", e.toString());
    }
  }
}
