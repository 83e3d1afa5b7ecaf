package io.github.mpr4j.core.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** A pool on a new database of the shared test server, migrated to the newest schema; close it when done. */
final class PgTestPool {
  private PgTestPool() {}

  static HikariDataSource migrated(int poolSize) {
    return migrated(PostgresServers.shared().newDatabase(), poolSize);
  }

  static HikariDataSource migrated(String jdbcUrl, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername("mpr");
    config.setPassword("");
    config.setMaximumPoolSize(poolSize);
    config.setConnectionTimeout(10_000);
    HikariDataSource pool = new HikariDataSource(config);
    try (Connection c = pool.getConnection()) {
      PostgresSchema.migrate(c);
    } catch (SQLException e) {
      pool.close();
      throw new IllegalStateException("cannot migrate the test database", e);
    }
    return pool;
  }
}
