/**
 * The pickup queue: {@link io.github.mpr4j.core.PickupQueue} implements the message pickup repository
 * over the stores, live-session registry and delivery bus of {@link io.github.mpr4j.core.spi}.
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.core;

import org.jspecify.annotations.NullMarked;
