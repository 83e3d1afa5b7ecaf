package io.github.mpr4j.core.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The schema is created at start, once, whichever of several instances starting at once gets there first. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostgresSchemaIT {

  private static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, "mpr", "");
  }

  @Test
  void an_empty_database_gets_every_migration_and_a_second_start_none() throws SQLException {
    String url = PostgresServers.shared().newDatabase();
    try (Connection c = connect(url)) {
      List<Integer> all = new ArrayList<>();
      for (int v = 1; v <= PostgresSchema.MIGRATIONS.size(); v++) {
        all.add(v);
      }
      assertEquals(all, PostgresSchema.migrate(c));
      assertEquals(List.of(), PostgresSchema.migrate(c));
      assertEquals(PostgresSchema.MIGRATIONS.size(), PostgresSchema.current(c));
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name IN"
              + " ('mpr_messages', 'mpr_instances', 'mpr_live_sessions', 'mpr_callback_registrations',"
              + " 'mpr_push_slots')")) {
        r.next();
        assertEquals(5, r.getInt(1));
      }
    }
  }

  @Test
  void instances_that_start_at_once_apply_each_migration_exactly_once() throws Exception {
    String url = PostgresServers.shared().newDatabase();
    int instances = 6;
    CyclicBarrier together = new CyclicBarrier(instances);
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    try {
      List<CompletableFuture<List<Integer>>> runs = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        runs.add(CompletableFuture.supplyAsync(() -> {
          try (Connection c = connect(url)) {
            together.await(30, TimeUnit.SECONDS);
            return PostgresSchema.migrate(c);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      List<Integer> applied = new ArrayList<>();
      for (CompletableFuture<List<Integer>> run : runs) {
        applied.addAll(run.get(60, TimeUnit.SECONDS)); // none fails
      }
      assertEquals(PostgresSchema.MIGRATIONS.size(), applied.size(), "applied: " + applied);
      assertEquals(applied.stream().distinct().count(), applied.size(), "applied twice: " + applied);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_schema_newer_than_the_server_is_refused_with_its_version() throws SQLException {
    String url = PostgresServers.shared().newDatabase();
    try (Connection c = connect(url)) {
      PostgresSchema.migrate(c);
      int newer = PostgresSchema.MIGRATIONS.size() + 1;
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO mpr_schema_version (version) VALUES (" + newer + ")");
      }
      SQLException e = assertThrows(SQLException.class, () -> PostgresSchema.migrate(c));
      assertTrue(e.getMessage().contains("version " + newer), e.getMessage());
    }
  }

  @Test
  void the_server_survives_a_kill_and_keeps_what_was_committed() throws SQLException {
    try (PostgresServers.Server pg = PostgresServers.start()) {
      String url = pg.newDatabase();
      try (Connection c = connect(url)) {
        PostgresSchema.migrate(c);
      }
      pg.kill();
      pg.restart();
      try (Connection c = connect(url)) {
        assertEquals(List.of(), PostgresSchema.migrate(c));
      }
    }
  }
}
