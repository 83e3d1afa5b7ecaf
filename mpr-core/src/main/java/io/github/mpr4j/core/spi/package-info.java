/**
 * The service-provider interfaces of the pickup queue: where messages are kept ({@link
 * io.github.mpr4j.core.spi.QueueStore}), who holds the live session of a connection ({@link
 * io.github.mpr4j.core.spi.LiveSessions}), how the holding instance is told ({@link
 * io.github.mpr4j.core.spi.DeliveryBus}), and how offline recipients are woken ({@link
 * io.github.mpr4j.core.spi.PushNotifier}).
 *
 * <p>Store, session and bus calls are synchronous and may block on I/O: the core calls them on its own
 * bounded executor, never on a network event loop. Implementations are thread-safe.
 */
package io.github.mpr4j.core.spi;
