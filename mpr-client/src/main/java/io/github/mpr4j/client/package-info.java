/**
 * The Java client of a remote MPR server: {@link io.github.mpr4j.client.MprClient}, a
 * {@link io.github.mpr4j.protocol.MessagePickupRepository} over one WebSocket.
 *
 * <pre>{@code
 * try (MprClient mpr = MprClient.builder().uri(URI.create("ws://mpr.internal:3100")).build()) {
 *   mpr.addMessagesReceivedListener((connectionId, messages) -> forward(connectionId, messages));
 *   mpr.addLiveSession(AddLiveSessionOptions.of(connectionId, sessionId)).join();
 *   String id = mpr.addMessage(AddMessageOptions.of(connectionId, List.of(recipientDid), jwe)).join();
 * }
 * }</pre>
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.client;

import org.jspecify.annotations.NullMarked;
