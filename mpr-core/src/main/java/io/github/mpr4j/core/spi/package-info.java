/**
 * The service-provider interfaces of the pickup queue. The queue calls one of them, {@link
 * io.github.mpr4j.core.spi.Backend}: asynchronous operations on the queues, the live sessions and the
 * delivery bus, with optional parts (a {@link io.github.mpr4j.core.callback.CallbackStore}) reached through
 * accessors. Redis implements it natively. A blocking store ({@link io.github.mpr4j.core.spi.QueueStore})
 * with its registry of live sessions ({@link io.github.mpr4j.core.spi.LiveSessions}) and its bus ({@link
 * io.github.mpr4j.core.spi.DeliveryBus}) is adapted to it by the queue, on its own bounded executor, never
 * on a network event loop. Offline recipients are woken through the {@link
 * io.github.mpr4j.core.spi.PushNotifier}. Implementations are thread-safe.
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.core.spi;

import org.jspecify.annotations.NullMarked;
