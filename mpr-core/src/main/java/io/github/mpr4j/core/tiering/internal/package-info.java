/**
 * Internal, not a stable API: the two tiers as the tiered store sees them ({@link
 * io.github.mpr4j.core.tiering.internal.HotTier}, implemented on Redis, and {@link
 * io.github.mpr4j.core.tiering.internal.ColdTier}, implemented on MongoDB), so that their implementations
 * stay package-private beside the rest of their stores.
 */
package io.github.mpr4j.core.tiering.internal;
