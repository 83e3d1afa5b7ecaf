package io.github.mpr4j.core.postgres;

import io.github.mpr4j.core.embedded.QueueStoreContract;
import io.github.mpr4j.core.spi.QueueStore;

/** The store contract on PostgreSQL (a fresh database per test). */
class PostgresStoreContractIT extends QueueStoreContract {
  private PostgresBackend backend;

  @Override
  protected QueueStore newStore() {
    backend = PostgresBackend.open(PostgresSettings.of(PostgresServers.shared().newDatabase() + "?user=mpr"),
        PostgresBackends.DEFAULT_INSTANCE_TTL);
    return backend.queueStore();
  }

  @Override
  protected void closeStore(QueueStore store) {
    store.close();
    backend.close();
  }
}
