/**
 * The core's side of the callback gateway (docs/callback-gateway.md), in one place: the server calls one
 * entry point, {@link io.github.mpr4j.core.callback.CallbackQueue}, for a POST ("add this notification if
 * the client is registered", {@link io.github.mpr4j.core.callback.CallbackAdd} its outcome) and for the
 * registration operations of its {@link io.github.mpr4j.core.callback.CallbackRegistry}; the pickup queue
 * itself has no callback methods.
 *
 * <p>A backend that keeps the registrations beside its queues offers a {@link
 * io.github.mpr4j.core.callback.CallbackStore} through {@link io.github.mpr4j.core.spi.Backend#callbacks()}:
 * its atomic check-count-append ({@link io.github.mpr4j.core.callback.GuardedAppend} its result) makes a POST
 * one round trip. The registries that need nothing of a store are here, package-private behind {@link
 * io.github.mpr4j.core.callback.CallbackRegistries}: in memory, and the embedded one in its own MVStore
 * file. A store's own registry and callback store stay beside that store and implement the interfaces of
 * this package (Redis: {@code RedisBackend.callbackRegistry()} and its {@code callbacks()}), because they use
 * the store's package-private keys, scripts and codecs: a registration must hash to its connection's slot,
 * and the check, the count and the append are one script of the queue.
 */
package io.github.mpr4j.core.callback;
