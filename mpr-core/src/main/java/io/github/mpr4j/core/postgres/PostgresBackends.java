package io.github.mpr4j.core.postgres;

import io.github.mpr4j.core.spi.Backend;
import java.time.Duration;
import java.util.Objects;

/**
 * Opens the PostgreSQL backend: the queues, live sessions shared by every instance on the database, and
 * delivery between instances over {@code LISTEN}/{@code NOTIFY}, with no other server:
 *
 * <pre>{@code
 * Backend postgres = PostgresBackends.open(PostgresSettings.of("postgresql://mpr:secret@db:5432/mpr"));
 * PickupQueue queue = PickupQueue.builder().backend(postgres).build();
 * }</pre>
 *
 * <p>docs/postgres.md describes the schema, which {@link #open} creates and migrates.
 */
public final class PostgresBackends {
  /** The default time to live of an instance's heartbeat: its live sessions expire this long after it died. */
  public static final Duration DEFAULT_INSTANCE_TTL = Duration.ofSeconds(10);

  private PostgresBackends() {}

  /**
   * Opens the backend with the default heartbeat time to live ({@link #DEFAULT_INSTANCE_TTL}).
   *
   * @param settings how to reach PostgreSQL
   * @return the backend, bound to a new instance id; close it when done
   * @throws IllegalStateException when PostgreSQL cannot be reached or its schema cannot be migrated
   */
  public static Backend open(PostgresSettings settings) {
    return open(settings, DEFAULT_INSTANCE_TTL);
  }

  /**
   * Opens the backend.
   *
   * @param settings how to reach PostgreSQL
   * @param instanceTtl how long this instance's live sessions outlive its last heartbeat (at least 30 ms;
   *     the heartbeat is renewed every third of it)
   * @return the backend, bound to a new instance id; close it when done
   * @throws IllegalStateException when PostgreSQL cannot be reached or its schema cannot be migrated
   */
  public static Backend open(PostgresSettings settings, Duration instanceTtl) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(instanceTtl, "instanceTtl");
    if (instanceTtl.toMillis() < 30) {
      throw new IllegalArgumentException("instanceTtl must be at least 30 ms, not " + instanceTtl);
    }
    return PostgresBackend.open(settings, instanceTtl);
  }
}
