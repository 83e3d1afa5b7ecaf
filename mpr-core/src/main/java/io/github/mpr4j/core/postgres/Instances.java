package io.github.mpr4j.core.postgres;

import io.github.mpr4j.core.spi.LiveSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's heartbeat: a row of {@code mpr_instances} whose {@code expires_at} it pushes one time to
 * live ahead every third of it. A live session counts only while its instance's row has not expired, so the
 * sessions of an instance that died expire with its heartbeat, and nobody has to delete them. The beat also
 * deletes the instances expired for more than {@link #FORGET_AFTER} with their sessions (a short scan of the
 * small {@code mpr_instances} table, no request waits for it).
 *
 * <p>When a beat finds its own row expired or gone (a long pause, a restored database), the sessions this
 * instance holds had counted as gone and their new messages waited as pending: they count again, and each
 * one that is still this instance's (put back if its row was deleted, unless another session took the
 * connection) goes to the restored listener, which hands its holder what waits.
 *
 * <p>While the database cannot be reached, the beat probes it every {@code 250 ms}, so that the store is
 * found up again soon after it is.
 */
final class Instances implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Instances.class);
  /** How long an expired instance's row and sessions stay before the beat deletes them. */
  static final Duration FORGET_AFTER = Duration.ofMinutes(10);

  /**
   * The row before the beat, locked: read by a statement of its own, because a {@code SELECT ... FOR UPDATE}
   * in a CTE of the upsert is only evaluated when RETURNING reads it, after the upsert changed the row in the
   * same command, so the lock skips the row and the beat always found it gone.
   */
  private static final String BEFORE = "SELECT expires_at > now() FROM mpr_instances WHERE instance_id = ? FOR UPDATE";
  private static final String BEAT = "INSERT INTO mpr_instances (instance_id, expires_at) VALUES (?, now() + ?::bigint"
      + " * interval '1 millisecond') ON CONFLICT (instance_id) DO UPDATE SET expires_at = EXCLUDED.expires_at";
  private static final String FORGET = "WITH gone AS (DELETE FROM mpr_instances WHERE expires_at < now() - ?::bigint"
      + " * interval '1 millisecond' RETURNING instance_id) DELETE FROM mpr_live_sessions WHERE instance_id IN"
      + " (SELECT instance_id FROM gone)";
  private static final String RESTORE = "INSERT INTO mpr_live_sessions AS s (connection_id, session_id,"
      + " instance_id, holder, generation) VALUES (?, ?, ?, ?, 1) ON CONFLICT (connection_id) DO UPDATE"
      + " SET generation = s.generation WHERE s.session_id = EXCLUDED.session_id"
      + " AND s.instance_id = EXCLUDED.instance_id AND s.holder = EXCLUDED.holder RETURNING 1";

  private final DataSource pool;
  private final Health health;
  private final String instanceId;
  private final long ttlMillis;
  private final ScheduledExecutorService timer;
  /** The sessions held on this instance, by connection, to hand back after a lapse. */
  private final Map<String, LiveSession> own = new ConcurrentHashMap<>();
  private volatile Consumer<LiveSession> restored = s -> {};
  private volatile boolean closed;
  private boolean started;

  Instances(DataSource pool, Health health, String instanceId, Duration ttl) {
    this.pool = pool;
    this.health = health;
    this.instanceId = instanceId;
    this.ttlMillis = ttl.toMillis();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mpr-postgres-heartbeat");
      t.setDaemon(true);
      return t;
    });
  }

  /** Writes the first beat (throws when it cannot) and schedules the next. */
  void start() throws SQLException {
    beat();
    timer.schedule(this::beatAndReschedule, period(), TimeUnit.MILLISECONDS);
  }

  private long period() {
    return health.downReason().isPresent() ? Math.min(250, Math.max(1, ttlMillis / 3)) : Math.max(1, ttlMillis / 3);
  }

  private void beatAndReschedule() {
    if (closed) {
      return;
    }
    try {
      beat();
    } catch (SQLException | RuntimeException e) {
      health.failed(e);
      log.debug("heartbeat failed: {}", e.toString());
    }
    if (!closed) {
      timer.schedule(this::beatAndReschedule, period(), TimeUnit.MILLISECONDS);
    }
  }

  private void beat() throws SQLException {
    boolean lapsed;
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        boolean wasAlive;
        try (PreparedStatement s = c.prepareStatement(BEFORE)) {
          s.setString(1, instanceId);
          try (ResultSet r = s.executeQuery()) {
            wasAlive = r.next() && r.getBoolean(1);
          }
        }
        try (PreparedStatement s = c.prepareStatement(BEAT)) {
          s.setString(1, instanceId);
          s.setLong(2, ttlMillis);
          s.executeUpdate();
        }
        c.commit();
        lapsed = started && !wasAlive;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      } finally {
        try {
          c.setAutoCommit(true);
        } catch (SQLException ignored) {
          // a broken connection: the pool drops it, and the failure that matters is already thrown
        }
      }
      try (PreparedStatement s = c.prepareStatement(FORGET)) {
        s.setLong(1, Math.max(FORGET_AFTER.toMillis(), 10 * ttlMillis));
        s.executeUpdate();
      }
      started = true;
      health.succeeded();
      if (lapsed) {
        int n = restore(c);
        log.warn("this instance's heartbeat had lapsed; {} live sessions handed back", n);
      }
    }
  }

  private int restore(Connection c) throws SQLException {
    int n = 0;
    for (LiveSession s : own.values()) {
      boolean ours;
      try (PreparedStatement p = c.prepareStatement(RESTORE)) {
        p.setString(1, s.connectionId());
        p.setString(2, s.sessionId());
        p.setString(3, s.instanceId());
        p.setString(4, s.holderId());
        try (ResultSet r = p.executeQuery()) {
          ours = r.next();
        }
      }
      if (!ours) {
        own.remove(s.connectionId(), s);
        continue;
      }
      n++;
      try {
        restored.accept(s);
      } catch (RuntimeException e) {
        log.warn("the restored session of connection {} could not be handed its pending messages: {}",
            s.connectionId(), e.toString());
      }
    }
    return n;
  }

  void onRestored(Consumer<LiveSession> listener) {
    this.restored = listener;
  }

  /** This instance now holds {@code s}. */
  void held(LiveSession s) {
    if (s.instanceId().equals(instanceId)) {
      own.put(s.connectionId(), s);
    }
  }

  /** This instance no longer holds {@code s}. */
  void released(LiveSession s) {
    own.remove(s.connectionId(), s);
  }

  /** Stops the beat and deletes this instance's row and sessions, so that others see at once that it is gone. */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("WITH gone AS (DELETE FROM mpr_instances WHERE instance_id = ?)"
            + " DELETE FROM mpr_live_sessions WHERE instance_id = ?")) {
      s.setString(1, instanceId);
      s.setString(2, instanceId);
      s.executeUpdate();
    } catch (SQLException | RuntimeException e) {
      log.debug("could not delete this instance's heartbeat: {}", e.toString());
    }
  }
}
