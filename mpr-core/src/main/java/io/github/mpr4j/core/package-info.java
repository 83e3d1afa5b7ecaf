/**
 * The pickup queue: {@link io.github.mpr4j.core.PickupQueue} implements the message pickup repository
 * over the stores, live-session registry and delivery bus of {@link io.github.mpr4j.core.spi}.
 */
package io.github.mpr4j.core;
