package io.github.mpr4j.core.postgres;

import io.github.mpr4j.core.callback.CallbackRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Callback registrations in PostgreSQL, one row of {@code mpr_callback_registrations} per clientId: its
 * deadline (epoch milliseconds by the callers' clocks, as the contract says), its attributes (a {@code jsonb}
 * object) and the user it is listed under, with the binding's place in the cluster-wide order of bindings
 * ({@code mpr_callback_binding_seq}). Each call is one statement on the primary key, so it is atomic on its
 * clientId; a create under an expired id replaces the old row and its attributes in the same statement.
 * A user's list is an index on {@code (user_id, bound_seq)}: binding a registration to another user moves
 * it, and a user keeps its newest {@code maxPerUser} bindings (the older ones leave the list, as on Redis,
 * not the registry). Expired rows are removed in batches by {@link #removeExpired}, through the index on
 * {@code expires_at}. Every call commits before it returns (creates, touches and bindings alike).
 */
final class PostgresCallbackRegistry implements CallbackRegistry {
  private static final String CREATE = "INSERT INTO mpr_callback_registrations AS r (client_id, expires_at)"
      + " VALUES (?, ?) ON CONFLICT (client_id) DO UPDATE SET expires_at = EXCLUDED.expires_at,"
      + " attributes = '{}', user_id = NULL, bound_seq = NULL WHERE r.expires_at <= ?";
  private static final String TOUCH =
      "UPDATE mpr_callback_registrations SET expires_at = ? WHERE client_id = ? AND expires_at > ?";
  private static final String EXISTS =
      "SELECT 1 FROM mpr_callback_registrations WHERE client_id = ? AND expires_at > ?";
  private static final String REMOVE_EXPIRED = "DELETE FROM mpr_callback_registrations WHERE client_id IN"
      + " (SELECT client_id FROM mpr_callback_registrations WHERE expires_at <= ? ORDER BY expires_at LIMIT ?"
      + " FOR UPDATE SKIP LOCKED) AND expires_at <= ? RETURNING client_id";
  private static final String SET_ATTRIBUTE = "UPDATE mpr_callback_registrations"
      + " SET attributes = attributes || jsonb_build_object(?::text, ?::text) WHERE client_id = ? AND expires_at > ?";
  private static final String REMOVE_ATTRIBUTE = "UPDATE mpr_callback_registrations"
      + " SET attributes = attributes - ?::text"
      + " WHERE client_id = ? AND expires_at > ? AND attributes -> ?::text IS NOT NULL";
  private static final String ATTRIBUTES = "SELECT a.key, a.value FROM mpr_callback_registrations r,"
      + " jsonb_each_text(r.attributes) a WHERE r.client_id = ? AND r.expires_at > ?";
  private static final String BIND = "UPDATE mpr_callback_registrations"
      + " SET attributes = attributes || jsonb_build_object('" + USER + "', ?::text), user_id = ?,"
      + " bound_seq = nextval('mpr_callback_binding_seq') WHERE client_id = ? AND expires_at > ?";
  /** Takes the older bindings of a user off its list: those after its newest {@code maxPerUser}. */
  private static final String TRIM_USER = "UPDATE mpr_callback_registrations SET user_id = NULL, bound_seq = NULL"
      + " WHERE client_id IN (SELECT client_id FROM mpr_callback_registrations WHERE user_id = ?"
      + " ORDER BY bound_seq DESC OFFSET ?) AND user_id = ?";
  private static final String CLIENTS_OF_USER = "SELECT client_id FROM mpr_callback_registrations"
      + " WHERE user_id = ? AND expires_at > ? ORDER BY bound_seq DESC LIMIT ?";

  private final DataSource dataSource;

  PostgresCallbackRegistry(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public boolean create(String clientId, long nowMillis, long expiresAtMillis) {
    return update("create a callback registration", CREATE, clientId, expiresAtMillis, nowMillis) == 1;
  }

  @Override
  public boolean touch(String clientId, long nowMillis, long expiresAtMillis) {
    return update("extend a callback registration", TOUCH, expiresAtMillis, clientId, nowMillis) == 1;
  }

  @Override
  public boolean exists(String clientId, long nowMillis) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, EXISTS, clientId, nowMillis);
        ResultSet r = s.executeQuery()) {
      return r.next();
    } catch (SQLException e) {
      throw failed("read a callback registration", e);
    }
  }

  @Override
  public List<String> removeExpired(long nowMillis, int max) {
    if (max < 1) {
      return List.of();
    }
    return strings("remove expired callback registrations", REMOVE_EXPIRED, nowMillis, max, nowMillis);
  }

  @Override
  public boolean setAttribute(String clientId, String name, String value, long nowMillis) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    return update("set a callback registration's attribute", SET_ATTRIBUTE, name, value, clientId, nowMillis) == 1;
  }

  @Override
  public boolean removeAttribute(String clientId, String name, long nowMillis) {
    return update("remove a callback registration's attribute", REMOVE_ATTRIBUTE, name, clientId, nowMillis,
        name) == 1;
  }

  @Override
  public Map<String, String> attributes(String clientId, long nowMillis) {
    Map<String, String> out = new HashMap<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, ATTRIBUTES, clientId, nowMillis);
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.put(r.getString(1), r.getString(2));
      }
      return out;
    } catch (SQLException e) {
      throw failed("read a callback registration's attributes", e);
    }
  }

  @Override
  public boolean bindUser(String clientId, String userId, long nowMillis, int maxPerUser) {
    Objects.requireNonNull(userId, "userId");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement bind = prepare(c, BIND, userId, userId, clientId, nowMillis);
          PreparedStatement trim = prepare(c, TRIM_USER, userId, Math.max(0, maxPerUser), userId)) {
        if (bind.executeUpdate() != 1) {
          c.rollback();
          return false;
        }
        trim.executeUpdate();
        c.commit();
        return true;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failed("bind a callback registration to a user", e);
    }
  }

  @Override
  public List<String> clientsOfUser(String userId, long nowMillis, int max) {
    if (max < 1) {
      return List.of();
    }
    return strings("read a user's callback registrations", CLIENTS_OF_USER, userId, nowMillis, max);
  }

  private int update(String what, String sql, Object... params) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, params)) {
      return s.executeUpdate();
    } catch (SQLException e) {
      throw failed(what, e);
    }
  }

  private List<String> strings(String what, String sql, Object... params) {
    List<String> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, params);
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(r.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw failed(what, e);
    }
  }

  /** A statement with its parameters set: texts, longs and ints. */
  static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      return s;
    } catch (SQLException e) {
      s.close();
      throw e;
    }
  }

  /** The unchecked failure of a call, naming what it tried to do and PostgreSQL's reason. */
  static IllegalStateException failed(String what, SQLException e) {
    return new IllegalStateException("PostgreSQL: could not " + what + ": " + e.getMessage()
        + (e.getSQLState() == null ? "" : " (SQL state " + e.getSQLState() + ")"), e);
  }

  /** The connections belong to the pool of the backend, which closes it. */
  @Override
  public void close() {}
}
