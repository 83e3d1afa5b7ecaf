package io.github.mpr4j.server.internal;

import io.github.mpr4j.server.ServerConfig;

/**
 * The limits one WebSocket enforces.
 *
 * @param maxFrameBytes the largest message
 * @param maxPayloadBytes the largest addMessage payload, in UTF-8 bytes
 * @param maxInFlight requests dispatched and not yet answered
 * @param maxBatchRequests requests in one batch
 * @param reservedConnectionPrefix connectionIds starting with it are refused with -32602 (the queues of the
 *     callback gateway); empty: none are
 */
record RpcLimits(int maxFrameBytes, int maxPayloadBytes, int maxInFlight, int maxBatchRequests,
    String reservedConnectionPrefix) {
  RpcLimits {
    java.util.Objects.requireNonNull(reservedConnectionPrefix, "reservedConnectionPrefix");
  }

  /** The limits of the configuration, with the connectionId prefix that JSON-RPC must refuse. */
  static RpcLimits of(ServerConfig config, String reservedConnectionPrefix) {
    return new RpcLimits(config.maxFrameBytes(), config.maxPayloadBytes(), config.maxInFlight(),
        config.maxBatchRequests(), reservedConnectionPrefix);
  }
}
