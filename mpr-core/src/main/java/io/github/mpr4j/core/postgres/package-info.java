/**
 * The PostgreSQL store's parts: {@link io.github.mpr4j.core.postgres.PostgresSettings} (how to reach the
 * database) and the schema it creates and migrates at start (docs/postgres.md). The store itself is built on
 * the core's backend SPI; {@link io.github.mpr4j.core.postgres.PostgresPushDeduplicator} keeps the push
 * de-duplication slots in the database, for every instance on it.
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.core.postgres;

import org.jspecify.annotations.NullMarked;
