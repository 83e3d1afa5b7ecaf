/**
 * Redis in front of MongoDB: the tiered queue store. Messages older than a threshold move from Redis to
 * MongoDB in the background, reads see both tiers as one queue, and in write-through mode every message is
 * in MongoDB before addMessage is answered. Public: {@link io.github.mpr4j.core.tiering.TieringSettings} and
 * {@link io.github.mpr4j.core.tiering.TieredStores}; everything else is package-private. docs/mongodb.md
 * explains the design.
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.core.tiering;

import org.jspecify.annotations.NullMarked;
