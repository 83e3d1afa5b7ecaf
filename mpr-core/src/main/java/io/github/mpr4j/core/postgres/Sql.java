package io.github.mpr4j.core.postgres;

import io.github.mpr4j.core.spi.LiveSession;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.protocol.EncryptedMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The SQL the PostgreSQL backend shares between its parts, and with every other writer of its tables (the
 * callback store appends to {@code mpr_messages} in the same way). Times are epoch milliseconds converted in
 * SQL, so no time zone of the JVM or of the session takes part.
 */
final class Sql {
  /** The first key of the per-connection transaction locks ({@code pg_advisory_xact_lock(int, int)}): "mprc". */
  static final int CONNECTION_LOCK_CLASS = 0x6d707263;

  /** A timestamptz from a bigint parameter of epoch milliseconds (NULL stays NULL). */
  static final String MILLIS = "(timestamptz 'epoch' + ?::bigint * interval '1 millisecond')";

  /** The columns {@link #message} reads, in its order. */
  static final String MESSAGE_COLUMNS = "id, connection_id, recipient_dids, payload,"
      + " (extract(epoch FROM received_at) * 1000)::bigint,"
      + " coalesce((extract(epoch FROM sending_until) * 1000)::bigint, 0)";

  /**
   * Takes the transaction locks of connections, in one order whatever the caller (so that two transactions
   * never deadlock): every transaction that appends for a connection or changes its live session holds its
   * lock, so an append never misses a session being put in and a take after a put never misses an append.
   * The key is {@code pg_advisory_xact_lock(CONNECTION_LOCK_CLASS, hashtext(connection_id))}.
   */
  static final String LOCK_CONNECTIONS = "SELECT count(pg_advisory_xact_lock(" + CONNECTION_LOCK_CLASS + ", h))"
      + " FROM (SELECT DISTINCT hashtext(c) AS h FROM unnest(?::text[]) AS c ORDER BY 1) AS l";

  /** The live sessions of connections whose instance's heartbeat has not lapsed. */
  static final String LIVE_SESSIONS = "SELECT s.connection_id, s.session_id, s.instance_id, s.holder"
      + " FROM mpr_live_sessions s JOIN mpr_instances i ON i.instance_id = s.instance_id AND i.expires_at > now()"
      + " WHERE s.connection_id = ANY(?::text[])";

  private Sql() {}

  /** Takes the locks of {@link #LOCK_CONNECTIONS}; the connection must be in a transaction. */
  static void lockConnections(Connection c, Collection<String> connectionIds) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LOCK_CONNECTIONS)) {
      s.setArray(1, c.createArrayOf("text", new TreeSet<>(connectionIds).toArray()));
      s.executeQuery().close();
    }
  }

  /** The live sessions of these connections, by connection (read after {@link #lockConnections}). */
  static Map<String, LiveSession> liveSessions(Connection c, Collection<String> connectionIds) throws SQLException {
    Map<String, LiveSession> found = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(LIVE_SESSIONS)) {
      s.setArray(1, c.createArrayOf("text", connectionIds.toArray()));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          found.put(r.getString(1), new LiveSession(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
        }
      }
    }
    return found;
  }

  /** A message from a row of {@link #MESSAGE_COLUMNS} starting at column {@code from}. */
  static StoredMessage message(ResultSet r, int from) throws SQLException {
    String[] dids = (String[]) r.getArray(from + 2).getArray();
    return new StoredMessage(r.getString(from), r.getString(from + 1), List.of(dids), r.getLong(from + 4),
        EncryptedMessage.ofJsonUtf8(r.getBytes(from + 3)), r.getLong(from + 5));
  }

  /** Every message of a result of {@link #MESSAGE_COLUMNS} (first column). */
  static List<StoredMessage> messages(ResultSet r) throws SQLException {
    List<StoredMessage> out = new ArrayList<>();
    while (r.next()) {
      out.add(message(r, 1));
    }
    return out;
  }

  /** Sets a {@link #MILLIS} parameter: {@code 0} is NULL. */
  static void setMillisOrNull(PreparedStatement s, int index, long millis) throws SQLException {
    if (millis == 0) {
      s.setNull(index, java.sql.Types.BIGINT);
    } else {
      s.setLong(index, millis);
    }
  }

  /**
   * Whether a failure means the database cannot be reached (as opposed to a refused statement): connection
   * errors (class 08), the server shutting down or starting (57P01-57P03), and an exhausted wait for a
   * pooled connection.
   */
  static boolean isUnreachable(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
      if (e instanceof SQLTransientConnectionException) {
        return true;
      }
      if (e instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
        return true;
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return false;
  }
}
