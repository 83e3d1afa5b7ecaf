package io.github.mpr4j.core.postgres;

import io.github.mpr4j.core.callback.CallbackRegistry;
import io.github.mpr4j.core.callback.CallbackStore;
import io.github.mpr4j.core.callback.GuardedAppend;
import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.sql.DataSource;

/**
 * The callback gateway's POST on PostgreSQL: {@link #appendIfRegistered} checks the registration, counts the
 * connection's pending messages, finds its live session and inserts the message in one transaction. The
 * registration's row is locked first ({@code SELECT ... FOR UPDATE}), so two POSTs for one client run one
 * after the other and never both pass the pending limit; the live session's row is locked {@code FOR SHARE},
 * so a removal of the session waits for the commit and then finds the message sending. The calls run on the
 * given executor (JDBC blocks), never on the caller's thread.
 */
final class PostgresCallbackStore implements CallbackStore {
  private static final String LOCK_REGISTRATION =
      "SELECT 1 FROM mpr_callback_registrations WHERE client_id = ? AND expires_at > ? FOR UPDATE";
  /** The pending messages of a connection at a time, counted no further than the limit. */
  private static final String COUNT_PENDING = "SELECT count(*) FROM (SELECT 1 FROM mpr_messages"
      + " WHERE connection_id = ? AND (sending_until IS NULL OR sending_until <= ?) LIMIT ?) p";
  private static final String LIVE_SESSION = "SELECT s.session_id, s.instance_id, s.holder FROM mpr_live_sessions s"
      + " JOIN mpr_instances i ON i.instance_id = s.instance_id WHERE s.connection_id = ? AND i.expires_at > now()"
      + " FOR SHARE OF s";
  private static final String INSERT = "INSERT INTO mpr_messages"
      + " (id, connection_id, recipient_dids, payload, received_at, sending_until) VALUES (?, ?, ?, ?, ?, ?)";

  private final DataSource dataSource;
  private final Executor executor;
  private final PostgresCallbackRegistry registry;

  /**
   * @param dataSource the pool of the backend (not closed here)
   * @param executor where the blocking JDBC calls run
   */
  PostgresCallbackStore(DataSource dataSource, Executor executor) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.registry = new PostgresCallbackRegistry(dataSource);
  }

  @Override
  public CallbackRegistry registry() {
    return registry;
  }

  @Override
  public CompletableFuture<GuardedAppend> appendIfRegistered(String clientId, int maxPending, StoredMessage message,
      long sendingUntilMillis) {
    if (!message.connectionId().equals(CallbackRegistry.connectionId(clientId))) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("not the connection of client " + clientId
          + ": " + message.connectionId()));
    }
    try {
      return CompletableFuture.supplyAsync(() -> append(clientId, maxPending, message, sendingUntilMillis), executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private GuardedAppend append(String clientId, int maxPending, StoredMessage message, long sendingUntilMillis) {
    long now = message.receivedAtMillis();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        GuardedAppend result = append(c, clientId, maxPending, message, sendingUntilMillis, now);
        if (result.result() == GuardedAppend.Result.APPENDED) {
          c.commit();
        } else {
          c.rollback();
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw PostgresCallbackRegistry.failed("append a callback notification", e);
    }
  }

  private static GuardedAppend append(Connection c, String clientId, int maxPending, StoredMessage message,
      long sendingUntilMillis, long now) throws SQLException {
    try (PreparedStatement s = PostgresCallbackRegistry.prepare(c, LOCK_REGISTRATION, clientId, now);
        ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        return GuardedAppend.refused(GuardedAppend.Result.UNKNOWN_CLIENT);
      }
    }
    try (PreparedStatement s = PostgresCallbackRegistry.prepare(c, COUNT_PENDING, message.connectionId(),
        time(now), Math.max(0, maxPending)); ResultSet r = s.executeQuery()) {
      r.next();
      if (r.getLong(1) >= maxPending) {
        return GuardedAppend.refused(GuardedAppend.Result.TOO_MANY_PENDING);
      }
    }
    Optional<LiveSession> session = Optional.empty();
    try (PreparedStatement s = PostgresCallbackRegistry.prepare(c, LIVE_SESSION, message.connectionId());
        ResultSet r = s.executeQuery()) {
      if (r.next()) {
        session = Optional.of(new LiveSession(message.connectionId(), r.getString(1), r.getString(2), r.getString(3)));
      }
    }
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, message.id());
      s.setString(2, message.connectionId());
      s.setArray(3, c.createArrayOf("text", message.recipientDids().toArray()));
      s.setBytes(4, utf8(message));
      s.setObject(5, time(message.receivedAtMillis()));
      s.setObject(6, session.isPresent() ? time(sendingUntilMillis) : null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
      s.executeUpdate();
    }
    return GuardedAppend.appended(session);
  }

  private static OffsetDateTime time(long epochMillis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }

  /** The payload as the queue keeps it: its compact JSON text in UTF-8. */
  private static byte[] utf8(StoredMessage message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.payload().byteSize());
    try {
      message.payload().writeUtf8(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }
}
