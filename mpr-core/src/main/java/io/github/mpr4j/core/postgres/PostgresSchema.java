package io.github.mpr4j.core.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL schema of the store, created and migrated at start: a list of versioned migrations, each
 * applied once, in order, in its own transaction, recorded in {@code mpr_schema_version}. A session-level
 * advisory lock serializes instances that start at once, so each migration runs exactly once whichever
 * instance gets there first. docs/postgres.md describes each table.
 */
final class PostgresSchema {
  /** The advisory lock's key: a constant of this project ("mpr" schema). */
  static final long LOCK_KEY = 0x6d70725f736368L;

  /** The migrations, version 1 first; append, never edit one that was released. */
  static final List<String> MIGRATIONS = List.of(
      // 1: the queue, the instances' heartbeats and the live sessions
      String.join("\n",
          "CREATE TABLE mpr_messages (",
          "  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,",
          "  id text NOT NULL UNIQUE,",
          "  connection_id text NOT NULL,",
          "  recipient_dids text[] NOT NULL,",
          "  payload bytea NOT NULL,",
          "  received_at timestamptz NOT NULL,",
          "  sending_until timestamptz",
          ");",
          "CREATE INDEX mpr_messages_by_connection ON mpr_messages (connection_id, seq);",
          "CREATE TABLE mpr_instances (",
          "  instance_id text PRIMARY KEY,",
          "  expires_at timestamptz NOT NULL",
          ");",
          "CREATE TABLE mpr_live_sessions (",
          "  connection_id text PRIMARY KEY,",
          "  session_id text NOT NULL,",
          "  instance_id text NOT NULL,",
          "  holder text NOT NULL,",
          "  generation bigint NOT NULL",
          ");",
          "CREATE INDEX mpr_live_sessions_by_instance ON mpr_live_sessions (instance_id);"),
      // 2: the callback gateway's registrations, and the push de-duplication slots
      String.join("\n",
          "CREATE TABLE mpr_callback_registrations (",
          "  client_id text PRIMARY KEY,",
          "  expires_at bigint NOT NULL,",
          "  attributes jsonb NOT NULL DEFAULT '{}',",
          "  user_id text,",
          "  bound_seq bigint",
          ");",
          "CREATE INDEX mpr_callback_registrations_by_expiry ON mpr_callback_registrations (expires_at);",
          "CREATE INDEX mpr_callback_registrations_by_user ON mpr_callback_registrations (user_id, bound_seq DESC)",
          "  WHERE user_id IS NOT NULL;",
          "CREATE SEQUENCE mpr_callback_binding_seq;",
          "CREATE TABLE mpr_push_slots (",
          "  slot_key text PRIMARY KEY,",
          "  expires_at timestamptz NOT NULL",
          ");",
          "CREATE INDEX mpr_push_slots_by_expiry ON mpr_push_slots (expires_at);"));

  private PostgresSchema() {}

  /**
   * Brings the database to the newest version.
   *
   * @return the versions applied now (empty when it was already current)
   * @throws SQLException when a migration fails (it is rolled back; the ones before it stay applied)
   */
  static List<Integer> migrate(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
      try {
        s.execute("CREATE TABLE IF NOT EXISTS mpr_schema_version ("
            + "version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
        int current = current(c);
        if (current > MIGRATIONS.size()) {
          throw new SQLException("the database's schema is at version " + current + ", newer than this server's ("
              + MIGRATIONS.size() + "): run a server of that version or newer");
        }
        List<Integer> applied = new ArrayList<>();
        for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
          apply(c, v);
          applied.add(v);
        }
        return List.copyOf(applied);
      } finally {
        s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
      }
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** The newest version applied, 0 for none. */
  static int current(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM mpr_schema_version")) {
      r.next();
      return r.getInt(1);
    }
  }

  private static void apply(Connection c, int version) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement();
        PreparedStatement record = c.prepareStatement("INSERT INTO mpr_schema_version (version) VALUES (?)")) {
      s.execute(MIGRATIONS.get(version - 1));
      record.setInt(1, version);
      record.executeUpdate();
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw new SQLException("schema migration " + version + " failed: " + e.getMessage(), e.getSQLState(), e);
    } finally {
      c.setAutoCommit(true);
    }
  }
}
