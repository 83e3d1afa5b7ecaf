package io.github.mpr4j.server.internal;

import io.github.mpr4j.server.ServerConfig;
import java.time.Duration;

/**
 * The limits one WebSocket enforces.
 *
 * @param maxFrameBytes the largest message
 * @param maxPayloadBytes the largest addMessage payload, in UTF-8 bytes
 * @param maxInFlight requests dispatched and not yet answered
 * @param maxBatchRequests requests in one batch
 * @param maxTakeBytes the most payload bytes one takeFromQueue returns
 * @param writeBufferHighBytes unsent bytes above which the socket's requests are not read (until half are sent)
 * @param writeBufferLimitBytes unsent bytes past which the socket is closed with 1008
 * @param writeStall how long the socket may stay above {@code writeBufferHighBytes} before it is closed with 1008
 * @param reservedConnectionPrefix connectionIds starting with it are refused with -32602 (the queues of the
 *     callback gateway); empty: none are
 */
record RpcLimits(int maxFrameBytes, int maxPayloadBytes, int maxInFlight, int maxBatchRequests, int maxTakeBytes,
    int writeBufferHighBytes, int writeBufferLimitBytes, Duration writeStall, String reservedConnectionPrefix) {
  RpcLimits {
    java.util.Objects.requireNonNull(reservedConnectionPrefix, "reservedConnectionPrefix");
  }

  /** The limits of the configuration, with the connectionId prefix that JSON-RPC must refuse. */
  static RpcLimits of(ServerConfig config, String reservedConnectionPrefix) {
    return new RpcLimits(config.maxFrameBytes(), config.maxPayloadBytes(), config.maxInFlight(),
        config.maxBatchRequests(), config.maxTakeBytes(), config.writeBufferHighBytes(),
        config.writeBufferLimitBytes(), config.writeStall(), reservedConnectionPrefix);
  }
}
