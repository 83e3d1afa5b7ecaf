package io.github.mpr4j.core.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No request scans a table: the plan of every statement of a request, on 20,000 messages of 200
 * connections and 2,000 live sessions (analyzed), reads {@code mpr_messages} and {@code mpr_live_sessions}
 * through their indexes only. ({@code mpr_instances} holds one row per running instance; a scan of it is
 * allowed.)
 */
@Timeout(120)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostgresQueriesUseIndexesIT {
  private static Connection c;

  @BeforeAll
  static void fill() throws SQLException {
    String url = PostgresServers.shared().newDatabase();
    c = DriverManager.getConnection(url, "mpr", "");
    PostgresSchema.migrate(c);
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO mpr_messages (id, connection_id, recipient_dids, payload, received_at)"
          + " SELECT 'm' || i, 'c' || (i % 200), ARRAY['did:example:' || (i % 3)], convert_to('{}', 'UTF8'), now()"
          + " FROM generate_series(1, 20000) AS i");
      s.execute("INSERT INTO mpr_instances VALUES ('i1', now() + interval '1 hour')");
      s.execute("INSERT INTO mpr_live_sessions SELECT 'c' || i, 's' || i, 'i1', 'h' || i, 1"
          + " FROM generate_series(1, 2000) AS i");
      s.execute("ANALYZE");
    }
  }

  @AfterAll
  static void close() throws SQLException {
    c.close();
  }

  private static void assertIndexed(String sql, Object... params) throws SQLException {
    List<String> plan = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < params.length; i++) {
        Object p = params[i];
        if (p instanceof String[] a) {
          s.setArray(i + 1, c.createArrayOf("text", a));
        } else if (p instanceof Long[] a) {
          s.setArray(i + 1, c.createArrayOf("bigint", a));
        } else {
          s.setObject(i + 1, p);
        }
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          plan.add(r.getString(1));
        }
      }
    }
    String text = String.join("\n", plan);
    assertFalse(text.contains("Seq Scan on mpr_messages") || text.contains("Seq Scan on mpr_live_sessions"),
        sql + "\n" + text);
  }

  private static final long NOW = 1_700_000_000_000L;

  @Test
  void an_append_locks_its_connections_reads_their_sessions_and_inserts_by_index() throws SQLException {
    assertIndexed(Sql.LIVE_SESSIONS, (Object) new String[] {"c1", "c2"});
    assertIndexed(Appender.INSERT, "m-new", "c1", new String[] {"did:example:1"}, new byte[] {'{', '}'}, NOW, null);
  }

  @Test
  void a_take_reads_and_changes_one_connection_by_index() throws SQLException {
    assertIndexed(PostgresBackend.TAKE, "c1", NOW, null, null, 10);
    assertIndexed(PostgresBackend.TAKE, "c1", NOW, "did:example:1", "did:example:1", 10);
    assertIndexed(PostgresBackend.MARK, NOW, new Long[] {1L, 2L});
    assertIndexed(PostgresBackend.DELETE_SEQS, (Object) new Long[] {1L, 2L});
  }

  @Test
  void claim_release_removal_and_count_use_the_indexes() throws SQLException {
    assertIndexed(PostgresBackend.CLAIM, new String[] {"m1", "m2"}, "c1", NOW, NOW);
    assertIndexed(PostgresBackend.RELEASE, "c1", null, null);
    assertIndexed(PostgresBackend.RELEASE, "c1", new String[] {"m1"}, new String[] {"m1"});
    assertIndexed(PostgresBackend.REMOVE, new String[] {"m1", "m2"}, "c1");
    assertIndexed(PostgresBackend.REMOVE_ALL, "c1", "did:example:1");
    assertIndexed(PostgresBackend.COUNT, "c1", NOW, null, null);
  }

  @Test
  void live_session_statements_use_the_primary_key() throws SQLException {
    assertIndexed(PostgresBackend.SESSION, "c1");
    assertIndexed(PostgresBackend.PUT, "c1", "s", "i1", "h");
    assertIndexed(PostgresBackend.REMOVE_SESSION, "c1", "s", "s", null, null);
  }
}
