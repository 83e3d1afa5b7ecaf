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
 */
record RpcLimits(int maxFrameBytes, int maxPayloadBytes, int maxInFlight, int maxBatchRequests, int maxTakeBytes,
    int writeBufferHighBytes, int writeBufferLimitBytes, Duration writeStall) {

  static RpcLimits of(ServerConfig config) {
    return new RpcLimits(config.maxFrameBytes(), config.maxPayloadBytes(), config.maxInFlight(),
        config.maxBatchRequests(), config.maxTakeBytes(), config.writeBufferHighBytes(),
        config.writeBufferLimitBytes(), config.writeStall());
  }
}
