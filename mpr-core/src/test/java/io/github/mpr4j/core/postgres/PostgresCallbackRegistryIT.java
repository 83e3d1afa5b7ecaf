package io.github.mpr4j.core.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.github.mpr4j.core.callback.CallbackRegistryContract;
import io.github.mpr4j.core.callback.CallbackRegistry;
import org.junit.jupiter.api.AfterEach;

/** The registry contract on a real PostgreSQL, each test on a database of its own. */
class PostgresCallbackRegistryIT extends CallbackRegistryContract {
  private HikariDataSource pool;

  @Override
  protected CallbackRegistry open() {
    pool = PgTestPool.migrated(8);
    return new PostgresCallbackRegistry(pool);
  }

  /** The registry's close leaves the pool to its owner. */
  @AfterEach
  void closePool() {
    pool.close();
  }
}
