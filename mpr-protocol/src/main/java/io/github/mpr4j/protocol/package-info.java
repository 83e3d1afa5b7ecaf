/**
 * The contract of the Message Pickup Repository: {@link io.github.mpr4j.protocol.MessagePickupRepository}, its
 * option records, {@link io.github.mpr4j.protocol.QueuedMessage}, the JSON-RPC error codes
 * ({@link io.github.mpr4j.protocol.RpcErrors}) and the exceptions under
 * {@link io.github.mpr4j.protocol.MprException}. Implemented in-process by the core and remotely by the client.
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.protocol;

import org.jspecify.annotations.NullMarked;
