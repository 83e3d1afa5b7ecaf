package io.github.mpr4j.server.internal;

import io.github.mpr4j.server.ServerConfig;

/**
 * The limits one WebSocket enforces.
 *
 * @param maxFrameBytes the largest message
 * @param maxPayloadBytes the largest addMessage payload, in UTF-8 bytes
 * @param maxInFlight requests dispatched and not yet answered
 * @param maxBatchRequests requests in one batch
 */
record RpcLimits(int maxFrameBytes, int maxPayloadBytes, int maxInFlight, int maxBatchRequests) {
  static RpcLimits of(ServerConfig config) {
    return new RpcLimits(config.maxFrameBytes(), config.maxPayloadBytes(), config.maxInFlight(),
        config.maxBatchRequests());
  }
}
