package io.github.mpr4j.core.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mpr4j.core.spi.Backend;
import io.github.mpr4j.core.spi.BusEvent;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pickup queue's {@link Backend} on PostgreSQL: the queues ({@code mpr_messages}), the cluster-wide live
 * sessions ({@code mpr_live_sessions}, alive while their instance's heartbeat row in {@code mpr_instances} has
 * not expired) and the delivery bus ({@code LISTEN}/{@code NOTIFY}). JDBC blocks, so every operation runs on
 * a bounded pool of this backend's own threads, each with a pooled connection; appends go through the group
 * committer ({@link Appender}). docs/postgres.md describes the tables, the indexes and each statement.
 */
final class PostgresBackend implements Backend {
  private static final Logger log = LoggerFactory.getLogger(PostgresBackend.class);

  static final String PENDING_AT = "(sending_until IS NULL OR sending_until <= " + Sql.MILLIS + ")";
  static final String TAKE = "SELECT seq, " + Sql.MESSAGE_COLUMNS + " FROM mpr_messages"
      + " WHERE connection_id = ? AND " + PENDING_AT + " AND (?::text IS NULL OR ?::text = ANY(recipient_dids))"
      + " ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED";
  static final String MARK = "UPDATE mpr_messages SET sending_until = " + Sql.MILLIS
      + " WHERE seq = ANY(?::bigint[])";
  static final String DELETE_SEQS = "DELETE FROM mpr_messages WHERE seq = ANY(?::bigint[])";
  static final String CLAIM = "WITH c AS (SELECT seq, " + Sql.MESSAGE_COLUMNS + " FROM mpr_messages"
      + " WHERE id = ANY(?::text[]) AND connection_id = ? AND " + PENDING_AT + " FOR UPDATE)"
      + " UPDATE mpr_messages m SET sending_until = " + Sql.MILLIS + " FROM c WHERE m.seq = c.seq"
      + " RETURNING c.*";
  static final String RELEASE = "UPDATE mpr_messages SET sending_until = NULL"
      + " WHERE connection_id = ? AND sending_until IS NOT NULL AND (?::text[] IS NULL OR id = ANY(?::text[]))";
  static final String REMOVE = "DELETE FROM mpr_messages WHERE id = ANY(?::text[]) AND connection_id = ?";
  static final String REMOVE_ALL = "DELETE FROM mpr_messages WHERE connection_id = ?"
      + " AND ?::text = ANY(recipient_dids)";
  static final String COUNT = "SELECT count(*) FROM mpr_messages WHERE connection_id = ? AND " + PENDING_AT
      + " AND (?::text IS NULL OR ?::text = ANY(recipient_dids))";
  static final String SESSION = "SELECT s.session_id, s.instance_id, s.holder FROM mpr_live_sessions s"
      + " WHERE s.connection_id = ?";
  static final String PUT = "INSERT INTO mpr_live_sessions AS s (connection_id, session_id, instance_id,"
      + " holder, generation) VALUES (?, ?, ?, ?, 1) ON CONFLICT (connection_id) DO UPDATE SET"
      + " session_id = EXCLUDED.session_id, instance_id = EXCLUDED.instance_id, holder = EXCLUDED.holder,"
      + " generation = s.generation + 1";
  static final String REMOVE_SESSION = "DELETE FROM mpr_live_sessions WHERE connection_id = ?"
      + " AND (?::text IS NULL OR session_id = ?::text) AND (?::text IS NULL OR holder = ?::text)"
      + " RETURNING session_id, instance_id, holder";

  private final PostgresSettings settings;
  private final String instanceId;
  private final HikariDataSource pool;
  private final ThreadPoolExecutor workers;
  private final Health health;
  private final Appender appender;
  private final Instances instances;
  private final NotifyBus bus;
  private final String description;
  private volatile boolean closed;

  private PostgresBackend(PostgresSettings settings, Duration instanceTtl, String instanceId) {
    this.settings = settings;
    this.instanceId = instanceId;
    this.description = "postgresql(" + redacted(settings.jdbcUrl()) + ")";
    this.health = new Health(description);
    this.pool = new HikariDataSource(poolConfig(settings));
    int threads = Math.max(2, settings.poolSize());
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000),
        r -> {
          Thread t = new Thread(r, "mpr-postgres-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.appender = new Appender(pool, health, 1_000, 20_000);
    this.instances = new Instances(pool, health, instanceId, instanceTtl);
    this.bus = new NotifyBus(settings.jdbcUrl(), connectProperties(settings), pool, workers, 20_000);
  }

  /**
   * Connects, migrates the schema, writes this instance's first heartbeat and starts listening to its
   * channel.
   *
   * @throws IllegalStateException when PostgreSQL cannot be reached or the schema cannot be migrated
   */
  static PostgresBackend open(PostgresSettings settings, Duration instanceTtl) {
    PostgresBackend b;
    try {
      b = new PostgresBackend(settings, instanceTtl, UUID.randomUUID().toString());
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot connect to PostgreSQL (" + settings + "): " + e.getMessage(), e);
    }
    try {
      try (Connection c = b.pool.getConnection()) {
        List<Integer> applied = PostgresSchema.migrate(c);
        if (!applied.isEmpty()) {
          log.info("PostgreSQL schema migrations applied: {}", applied);
        }
      }
      b.instances.start();
      b.bus.start(Math.max(1_000, settings.statementTimeout().toMillis()));
      log.info("connected to {} as instance {}", b.description, b.instanceId);
      return b;
    } catch (SQLException | RuntimeException e) {
      b.close();
      throw new IllegalStateException("cannot open the PostgreSQL store (" + settings + "): " + e.getMessage(), e);
    }
  }

  private static HikariConfig poolConfig(PostgresSettings s) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(s.jdbcUrl());
    if (s.user() != null) {
      c.setUsername(s.user());
    }
    if (s.password() != null) {
      c.setPassword(s.password());
    }
    c.setPoolName("mpr-postgres");
    c.setMaximumPoolSize(s.poolSize());
    c.setMinimumIdle(Math.min(2, s.poolSize()));
    c.setConnectionTimeout(Math.max(250, s.connectTimeout().toMillis()));
    c.setValidationTimeout(Math.max(250, Math.min(5_000, s.statementTimeout().toMillis())));
    c.setConnectionInitSql("SET statement_timeout = " + s.statementTimeout().toMillis());
    c.addDataSourceProperty("reWriteBatchedInserts", "true");
    c.addDataSourceProperty("connectTimeout", Long.toString(PostgresSettings.driverSeconds(s.connectTimeout())));
    c.addDataSourceProperty("socketTimeout", Long.toString(PostgresSettings.driverSeconds(s.socketTimeout())));
    c.addDataSourceProperty("ApplicationName", "mpr");
    return c;
  }

  private static Properties connectProperties(PostgresSettings s) {
    Properties p = new Properties();
    if (s.user() != null) {
      p.setProperty("user", s.user());
    }
    if (s.password() != null) {
      p.setProperty("password", s.password());
    }
    p.setProperty("connectTimeout", Long.toString(PostgresSettings.driverSeconds(s.connectTimeout())));
    p.setProperty("ApplicationName", "mpr-listen");
    return p;
  }

  private static String redacted(String jdbcUrl) {
    int q = jdbcUrl.indexOf('?');
    return (q < 0 ? jdbcUrl : jdbcUrl.substring(0, q)).substring("jdbc:".length());
  }

  /** The id of this instance (its heartbeat, its bus channel). */
  String instanceId() {
    return instanceId;
  }

  /** The pool (for the callback store, which shares the tables and {@link Sql#LOCK_CONNECTIONS}). */
  DataSource dataSource() {
    return pool;
  }

  @Override
  public Optional<String> boundInstanceId() {
    return Optional.of(instanceId);
  }

  // ---------------------------------------------------------------- running statements

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on a worker with a pooled connection, in one transaction when {@code tx}. */
  private <T> CompletableFuture<T> submit(boolean tx, Work<T> work) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the PostgreSQL store is closed"));
    }
    Optional<String> down = health.downReason();
    if (down.isPresent()) {
      return CompletableFuture.failedFuture(new IllegalStateException(down.get()));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      workers.execute(() -> {
        try {
          T value = run(tx, work);
          health.succeeded();
          result.complete(value);
        } catch (SQLException | RuntimeException e) {
          health.failed(e);
          result.completeExceptionally(new IllegalStateException("PostgreSQL: " + e.getMessage(), e));
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("too many operations wait for PostgreSQL", e));
    }
    return result;
  }

  private <T> T run(boolean tx, Work<T> work) throws SQLException {
    try (Connection c = pool.getConnection()) {
      if (!tx) {
        return work.run(c);
      }
      c.setAutoCommit(false);
      try {
        T value = work.run(c);
        c.commit();
        return value;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private static java.sql.Array texts(Connection c, Collection<String> values) throws SQLException {
    return values == null ? null : c.createArrayOf("text", values.toArray());
  }

  // ---------------------------------------------------------------- queue

  @Override
  public CompletableFuture<Optional<LiveSession>> append(StoredMessage message, long sendingUntilMillis) {
    return appender.append(message, sendingUntilMillis);
  }

  /** Appends as {@link QueueStore#append}: the message as it is, never routed. */
  CompletableFuture<Optional<LiveSession>> appendUnrouted(StoredMessage message) {
    return appender.append(message, -1);
  }

  @Override
  public CompletableFuture<List<StoredMessage>> take(TakeRequest q) {
    return submit(true, c -> {
      List<StoredMessage> picked = new ArrayList<>();
      List<Long> seqs = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(TAKE)) {
        s.setString(1, q.connectionId());
        s.setLong(2, q.nowMillis());
        s.setString(3, q.recipientDid());
        s.setString(4, q.recipientDid());
        s.setInt(5, q.limit());
        try (ResultSet r = s.executeQuery()) {
          long bytes = 0;
          while (r.next()) {
            StoredMessage m = Sql.message(r, 2);
            bytes += m.payload().byteSize();
            if (bytes > q.limitBytes()) {
              break;
            }
            picked.add(m);
            seqs.add(r.getLong(1));
          }
        }
      }
      if (seqs.isEmpty()) {
        return picked;
      }
      try (PreparedStatement s = c.prepareStatement(q.delete() ? DELETE_SEQS : MARK)) {
        int i = 1;
        if (!q.delete()) {
          s.setLong(i++, q.sendingUntilMillis());
        }
        s.setArray(i, c.createArrayOf("bigint", seqs.toArray()));
        s.executeUpdate();
      }
      return picked;
    });
  }

  @Override
  public CompletableFuture<List<StoredMessage>> claim(String connectionId, Collection<String> messageIds,
      long nowMillis, long sendingUntilMillis) {
    if (messageIds.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return submit(false, c -> {
      List<long[]> order = new ArrayList<>();
      List<StoredMessage> claimed = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(CLAIM)) {
        s.setArray(1, texts(c, messageIds));
        s.setString(2, connectionId);
        s.setLong(3, nowMillis);
        s.setLong(4, sendingUntilMillis);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            order.add(new long[] {r.getLong(1), claimed.size()});
            claimed.add(Sql.message(r, 2));
          }
        }
      }
      order.sort((a, b) -> Long.compare(a[0], b[0]));
      List<StoredMessage> sorted = new ArrayList<>(claimed.size());
      for (long[] o : order) {
        sorted.add(claimed.get((int) o[1]));
      }
      return sorted;
    });
  }

  @Override
  public CompletableFuture<Integer> release(String connectionId, Collection<String> messageIds) {
    if (messageIds != null && messageIds.isEmpty()) {
      return CompletableFuture.completedFuture(0);
    }
    return submit(false, c -> {
      try (PreparedStatement s = c.prepareStatement(RELEASE)) {
        java.sql.Array ids = texts(c, messageIds);
        s.setString(1, connectionId);
        s.setArray(2, ids);
        s.setArray(3, ids);
        return s.executeUpdate();
      }
    });
  }

  @Override
  public CompletableFuture<Integer> remove(String connectionId, Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return CompletableFuture.completedFuture(0);
    }
    return submit(false, c -> {
      try (PreparedStatement s = c.prepareStatement(REMOVE)) {
        s.setArray(1, texts(c, messageIds));
        s.setString(2, connectionId);
        return s.executeUpdate();
      }
    });
  }

  @Override
  public CompletableFuture<Integer> removeAll(String connectionId, String recipientDid) {
    return submit(false, c -> {
      try (PreparedStatement s = c.prepareStatement(REMOVE_ALL)) {
        s.setString(1, connectionId);
        s.setString(2, recipientDid);
        return s.executeUpdate();
      }
    });
  }

  @Override
  public CompletableFuture<Integer> count(String connectionId, String recipientDid, long nowMillis) {
    return submit(false, c -> {
      try (PreparedStatement s = c.prepareStatement(COUNT)) {
        s.setString(1, connectionId);
        s.setLong(2, nowMillis);
        s.setString(3, recipientDid);
        s.setString(4, recipientDid);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return (int) Math.min(Integer.MAX_VALUE, r.getLong(1));
        }
      }
    });
  }

  // ---------------------------------------------------------------- live sessions

  @Override
  public CompletableFuture<Optional<LiveSession>> putSession(LiveSession session) {
    return submit(true, c -> {
      Sql.lockConnections(c, List.of(session.connectionId()));
      Optional<LiveSession> old = session(c, session.connectionId(), false);
      try (PreparedStatement s = c.prepareStatement(PUT)) {
        s.setString(1, session.connectionId());
        s.setString(2, session.sessionId());
        s.setString(3, session.instanceId());
        s.setString(4, session.holderId());
        s.executeUpdate();
      }
      return old;
    }).thenApply(old -> {
      old.ifPresent(instances::released);
      instances.held(session);
      return old;
    });
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> removeSession(String connectionId, String sessionId,
      String holderId) {
    return submit(true, c -> {
      Sql.lockConnections(c, List.of(connectionId));
      try (PreparedStatement s = c.prepareStatement(REMOVE_SESSION)) {
        s.setString(1, connectionId);
        s.setString(2, sessionId);
        s.setString(3, sessionId);
        s.setString(4, holderId);
        s.setString(5, holderId);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(new LiveSession(connectionId, r.getString(1), r.getString(2), r.getString(3)))
              : Optional.<LiveSession>empty();
        }
      }
    }).thenApply(removed -> {
      removed.ifPresent(instances::released);
      return removed;
    });
  }

  @Override
  public CompletableFuture<Optional<LiveSession>> currentSession(String connectionId) {
    return submit(false, c -> session(c, connectionId, true));
  }

  /** The connection's session; only if its instance is alive when {@code live}. */
  private static Optional<LiveSession> session(Connection c, String connectionId, boolean live) throws SQLException {
    if (live) {
      return Optional.ofNullable(Sql.liveSessions(c, List.of(connectionId)).get(connectionId));
    }
    try (PreparedStatement s = c.prepareStatement(SESSION)) {
      s.setString(1, connectionId);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new LiveSession(connectionId, r.getString(1), r.getString(2), r.getString(3)))
            : Optional.empty();
      }
    }
  }

  /** One indexed read of the session's row and its instance's heartbeat. */
  @Override
  public CompletableFuture<Boolean> isCurrent(LiveSession session) {
    return currentSession(session.connectionId()).thenApply(s -> s.filter(session::equals).isPresent());
  }

  @Override
  public void onRestored(Consumer<LiveSession> listener) {
    instances.onRestored(listener);
  }

  // ---------------------------------------------------------------- bus

  @Override
  public void subscribe(String instanceId, Consumer<BusEvent> consumer) {
    bus.subscribe(instanceId, consumer, Math.max(1_000, settings.statementTimeout().toMillis()));
  }

  @Override
  public void publish(String instanceId, BusEvent event) {
    bus.publish(instanceId, event);
  }

  // ---------------------------------------------------------------- state

  @Override
  public Optional<String> notReadyReason() {
    if (closed) {
      return Optional.of(description + " is closed");
    }
    Optional<String> down = health.downReason();
    if (down.isPresent()) {
      return down;
    }
    return bus.isListening() ? Optional.empty() : Optional.of(description + ": the bus is not listening");
  }

  @Override
  public String describe() {
    return description;
  }

  /** The queues through the blocking SPI (tests and tools); closing it does nothing. */
  QueueStore queueStore() {
    return new QueueStore() {
      @Override
      public void append(StoredMessage message) {
        join(appendUnrouted(message));
      }

      @Override
      public List<StoredMessage> take(TakeRequest request) {
        return join(PostgresBackend.this.take(request));
      }

      @Override
      public List<StoredMessage> claim(String connectionId, Collection<String> messageIds, long nowMillis,
          long sendingUntilMillis) {
        return join(PostgresBackend.this.claim(connectionId, messageIds, nowMillis, sendingUntilMillis));
      }

      @Override
      public int release(String connectionId, Collection<String> messageIds) {
        return join(PostgresBackend.this.release(connectionId, messageIds));
      }

      @Override
      public int remove(String connectionId, Collection<String> messageIds) {
        return join(PostgresBackend.this.remove(connectionId, messageIds));
      }

      @Override
      public int removeAll(String connectionId, String recipientDid) {
        return join(PostgresBackend.this.removeAll(connectionId, recipientDid));
      }

      @Override
      public int count(String connectionId, String recipientDid, long nowMillis) {
        return join(PostgresBackend.this.count(connectionId, recipientDid, nowMillis));
      }

      @Override
      public boolean isReady() {
        return PostgresBackend.this.notReadyReason().isEmpty();
      }

      @Override
      public String describe() {
        return description;
      }

      @Override
      public void close() {}
    };
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Stops the heartbeat (deleting this instance's row), the bus, the committer, the workers and the pool. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    bus.close();
    appender.close();
    instances.close();
    workers.shutdown();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.close();
  }
}
