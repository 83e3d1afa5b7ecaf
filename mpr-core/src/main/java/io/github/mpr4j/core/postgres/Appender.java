package io.github.mpr4j.core.postgres;

import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of appends: one thread takes every append that waits, up to a batch, and writes them in one
 * transaction (the locks of their connections, one read of their live sessions, one batched insert, one
 * commit). While a commit waits for the disk, the next appends gather, so N concurrent appends cost about
 * one commit. An append's future completes only after its commit, on this thread; one thread keeps the
 * order in which appends arrived.
 */
final class Appender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Appender.class);

  static final String INSERT = "INSERT INTO mpr_messages"
      + " (id, connection_id, recipient_dids, payload, received_at, sending_until)"
      + " VALUES (?, ?, ?, ?, " + Sql.MILLIS + ", " + Sql.MILLIS + ") ON CONFLICT (id) DO NOTHING";

  /**
   * One append.
   *
   * @param message the message as stored when not routed
   * @param routeUntil the deadline it gets when its connection has a live session; {@code -1}: never routed
   */
  record Pending(StoredMessage message, long routeUntil, CompletableFuture<Optional<LiveSession>> done) {}

  private final DataSource pool;
  private final Health health;
  private final int maxBatch;
  private final BlockingQueue<Pending> queue;
  private final Thread thread;
  private volatile boolean closing;

  Appender(DataSource pool, Health health, int maxBatch, int maxWaiting) {
    this.pool = pool;
    this.health = health;
    this.maxBatch = maxBatch;
    this.queue = new ArrayBlockingQueue<>(maxWaiting);
    this.thread = new Thread(this::run, "mpr-postgres-append");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues an append; fails at once when the database is known to be down or too many appends wait. */
  CompletableFuture<Optional<LiveSession>> append(StoredMessage message, long routeUntil) {
    CompletableFuture<Optional<LiveSession>> done = new CompletableFuture<>();
    Optional<String> down = health.downReason();
    if (closing) {
      done.completeExceptionally(new IllegalStateException("the PostgreSQL store is closed"));
    } else if (down.isPresent()) {
      done.completeExceptionally(new IllegalStateException(down.get()));
    } else if (!queue.offer(new Pending(message, routeUntil, done))) {
      done.completeExceptionally(new IllegalStateException("too many appends wait for PostgreSQL ("
          + queue.size() + ")"));
    }
    return done;
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (!closing || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        commit(batch);
      } catch (InterruptedException e) {
        if (closing) {
          break;
        }
      } catch (RuntimeException | Error e) {
        for (Pending p : batch) {
          p.done.completeExceptionally(e);
        }
      } finally {
        batch.clear();
      }
    }
    for (Pending p; (p = queue.poll()) != null; ) {
      p.done.completeExceptionally(new IllegalStateException("the PostgreSQL store is closed"));
    }
  }

  private void commit(List<Pending> batch) {
    Map<String, LiveSession> sessions;
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        sessions = write(c, batch);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException e) {
      health.failed(e);
      IllegalStateException failure = new IllegalStateException("PostgreSQL could not append: " + e.getMessage(), e);
      for (Pending p : batch) {
        p.done.completeExceptionally(failure);
      }
      return;
    }
    health.succeeded();
    for (Pending p : batch) {
      p.done.complete(p.routeUntil < 0 ? Optional.empty()
          : Optional.ofNullable(sessions.get(p.message.connectionId())));
    }
  }

  /** The batch's statements, in the caller's transaction; the live sessions the routed messages went to. */
  private static Map<String, LiveSession> write(Connection c, List<Pending> batch) throws SQLException {
    Set<String> routed = new LinkedHashSet<>();
    for (Pending p : batch) {
      if (p.routeUntil >= 0) {
        routed.add(p.message.connectionId());
      }
    }
    Map<String, LiveSession> sessions = Map.of();
    if (!routed.isEmpty()) {
      Sql.lockConnections(c, routed);
      sessions = Sql.liveSessions(c, routed);
    }
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      for (Pending p : batch) {
        StoredMessage m = p.message;
        long sendingUntil = p.routeUntil >= 0 && sessions.containsKey(m.connectionId()) ? p.routeUntil
            : m.sendingUntilMillis();
        s.setString(1, m.id());
        s.setString(2, m.connectionId());
        s.setArray(3, c.createArrayOf("text", m.recipientDids().toArray()));
        s.setBytes(4, m.payload().utf8());
        s.setLong(5, m.receivedAtMillis());
        Sql.setMillisOrNull(s, 6, sendingUntil);
        s.addBatch();
      }
      s.executeBatch();
    }
    return sessions;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback failed: {}", e.toString());
    }
  }

  /** Writes what waits, then stops the thread. Idempotent. */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
